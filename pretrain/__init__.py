"""SPCXR GMML pretraining: ViT encoder, GMML corruption, training, export and evaluation."""
