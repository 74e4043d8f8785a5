"""GMML corruption statistics and the masked loss, against the spec in shared/brief/GMML.md."""
import torch

from pretrain.config import Config
from pretrain.gmml import augment, corrupt, draw_step, masked_l1, render_mask, draw_blocks


def make(cfg: Config, n=64, size=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    p = draw_step(g, n, size, cfg)
    u8 = torch.randint(0, 256, (n, size, size), dtype=torch.uint8, generator=g)
    clean = augment(u8, p, size, 0.5, 0.25)
    x, m = corrupt(clean, p, cfg, torch.Generator().manual_seed(1))
    return p, clean, x, m


def test_corrupted_fraction_range_and_alien_fraction():
    cfg = Config(alien_p=0.5)
    p, clean, x, m = make(cfg, n=256)
    frac = m.mean((1, 2, 3))
    normal, alien = frac[~p["alien"]], frac[p["alien"]]
    # one block is at most 0.3 x 0.3 of the image, so the union overshoots the target by < 0.09
    assert normal.min() >= 0.5 and normal.max() <= 0.75 + 0.09
    assert alien.min() >= 0.3 and alien.max() <= 0.3 + 0.09
    assert 0.4 < p["alien"].float().mean() < 0.6
    assert (frac >= p["target"].where(~p["alien"], torch.tensor(0.3)) - 1e-6).all()


def test_block_sizes_and_alignment():
    for align in (1, 16):
        b = draw_blocks(torch.Generator().manual_seed(0), 32, 224, align, 0.3)
        assert (b[..., :2] % align == 0).all() and (b[..., 2:] % align == 0).all()
        assert b[..., 2:].min() >= align and b[..., 2:].max() <= round(0.3 * 224 / align) * align
    assert set(b[..., 2:].unique().tolist()) == {16.0, 32.0, 48.0, 64.0}  # 1-4 patches
    cfg = Config(align=16)
    _, _, _, m = make(cfg, n=16, size=64)
    cells = m[:, 0].reshape(16, 4, 16, 4, 16)
    # patch-aligned: every 16x16 cell is entirely corrupted or entirely clean
    assert (cells.amin((2, 4)) == cells.amax((2, 4))).all()


def test_render_mask_stops_at_target():
    b = draw_blocks(torch.Generator().manual_seed(0), 8, 32, 1, 0.3)
    m = render_mask(b, torch.full((8,), 0.5), 32)
    assert (m.float().mean((1, 2)) >= 0.5).all()


def test_fills_and_alien_sources():
    for fill in ("zeros", "noise", "same"):
        cfg = Config(fill=fill, alien_p=0.0)
        p, clean, x, m = make(cfg, n=8)
        keep = m == 0
        assert torch.equal(x[keep], clean[keep])
        if fill == "zeros":
            assert (x[~keep] == 0).all()
        if fill == "noise":
            v = x[~keep]
            assert abs(v.mean()) < 0.05 and abs(v.std() - 1) < 0.05
    cfg = Config(alien_p=1.0)
    p, clean, x, m = make(cfg, n=8)
    partner = torch.arange(8) ^ 1
    sel = m.bool()
    assert torch.equal(x[sel], clean[partner][sel])


def test_loss_sees_only_corrupted_pixels():
    cfg = Config()
    _, clean, x, m = make(cfg, n=4)
    rec = torch.randn_like(clean, requires_grad=True)
    s, c = masked_l1(rec, clean, m)
    (s / c).backward()
    assert (rec.grad[m == 0] == 0).all() and (rec.grad[m == 1] != 0).all()
    rec2 = rec.detach().clone()
    rec2[m == 0] += 100.0  # anything outside the mask does not change the loss
    s2, _ = masked_l1(rec2, clean, m)
    assert torch.allclose(s, s2)
    assert torch.isclose(s / c, ((rec - clean).abs()[m == 1]).mean())


def test_augment_full_crop_is_identity_and_flip_mirrors():
    cfg = Config(brightness=0.0, contrast=0.0)
    p = draw_step(torch.Generator().manual_seed(0), 2, 32, cfg)
    p.update(cw=torch.ones(2), ch=torch.ones(2), cx=torch.full((2,), 0.5), cy=torch.full((2,), 0.5),
             flip=torch.tensor([False, True]))
    u8 = torch.randint(0, 256, (2, 32, 32), dtype=torch.uint8)
    x = augment(u8, p, 32, 0.5, 0.25)[:, 0]
    ref = (u8.float() / 255 - 0.5) / 0.25
    assert torch.allclose(x[0], ref[0], atol=1e-5)
    assert torch.allclose(x[1], ref[1].flip(-1), atol=1e-5)
