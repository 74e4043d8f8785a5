"""Write the small random-init test encoder to test/fixtures/models/vit-micro/ (deterministic).

    /usr/bin/python3 -m pretrain.make_fixture
"""
from __future__ import annotations

import torch

from .export import REPO, export_model
from .model import ViT, ViTArch
from .preprocess import DEFAULT_MEAN, DEFAULT_STD

FIXTURE_DIR = REPO / "test" / "fixtures" / "models" / "vit-micro"
FIXTURE_IMAGE = REPO / "test" / "fixtures" / "images" / "00000061_012.png"
MICRO = ViTArch(img_size=64, patch_size=16, embed_dim=64, depth=4, num_heads=4, drop_path=0.0)


def main() -> None:
    torch.manual_seed(1234)
    vit = ViT(MICRO)
    # Random init has tiny LayerNorm/bias values; perturb them so the golden test exercises them.
    with torch.no_grad():
        for n, p in vit.named_parameters():
            if "norm" in n or n.endswith("bias"):
                p.add_(torch.randn_like(p) * 0.1)
    card = export_model(
        vit, FIXTURE_DIR, "vit-micro-test",
        {"size": MICRO.img_size, "mean": DEFAULT_MEAN, "std": DEFAULT_STD},
        training={"note": "random initialisation (seed 1234, norms/biases perturbed); test fixture only"},
        metrics={}, golden_image=FIXTURE_IMAGE,
    )
    print(FIXTURE_DIR, card["files"])


if __name__ == "__main__":
    main()
