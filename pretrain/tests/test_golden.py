"""golden.json beside every exported encoder agrees with its image, weights and card."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pretrain.export import REPO, OnnxTrunk, load_encoder, output_names, sha256, unb64
from pretrain.preprocess import canonical, load_gray8

DIRS = sorted(
    p.parent for root in ("test/fixtures/models", "resources/models")
    for p in (REPO / root).glob("*/golden.json")
)


def test_fixture_exists():
    assert REPO / "test/fixtures/models/vit-micro" in DIRS


@pytest.mark.parametrize("d", DIRS, ids=[d.name for d in DIRS])
def test_golden_consistent(d: Path):
    vit, card = load_encoder(d)
    g = json.loads((d / "golden.json").read_text())
    for f, h in card["files"].items():
        assert sha256(d / f) == h, f"{d / f}: checksum differs from model.json"
    pp = card["preprocessing"]
    x = canonical(load_gray8(REPO / g["image"]), pp["size"], pp["mean"], pp["std"])[None]
    want = unb64(g["input"]["data"], g["input"]["shape"])
    assert np.abs(x - want).max() < 1e-5
    assert list(g["outputs"]) == output_names(card["arch"]["depth"]) == card["onnx"]["outputs"]
    with torch.no_grad():
        outs = OnnxTrunk(vit)(torch.from_numpy(want.copy()))
    for name, o in zip(output_names(card["arch"]["depth"]), outs):
        ref = unb64(g["outputs"][name]["data"], g["outputs"][name]["shape"])
        assert np.abs(o.numpy() - ref).max() < 1e-4, name
    assert torch.allclose(outs[-1], vit(torch.from_numpy(want.copy())), atol=1e-5)


def test_safetensors_roundtrip(tmp_path):
    from pretrain.safetensors_io import load_file, save_file
    t = {"a": torch.randn(3, 5), "b": torch.arange(7), "c": torch.randn(4).half()}
    save_file(t, tmp_path / "x.safetensors", {"k": "v"})
    raw = (tmp_path / "x.safetensors").read_bytes()
    n = int.from_bytes(raw[:8], "little")
    assert (8 + n) % 8 == 0 and json.loads(raw[8:8 + n])["a"]["dtype"] == "F32"
    back, meta = load_file(tmp_path / "x.safetensors")
    assert meta == {"k": "v"} and all(torch.equal(t[k], back[k]) for k in t)
    (tmp_path / "bad.safetensors").write_bytes(b"\x05")
    with pytest.raises(ValueError, match="bad.safetensors"):
        load_file(tmp_path / "bad.safetensors")


def test_preprocess_pads_centred_and_matches_pil():
    from PIL import Image
    g = np.full((40, 20), 200, np.uint8)
    x = canonical(g, 20, 0.5, 0.25)[0]
    # 40x20 padded to 40x40 with 10 black columns each side, then halved.
    assert x.shape == (20, 20)
    assert np.allclose(x[:, 0:4], (0 - 0.5) / 0.25) and np.allclose(x[:, 6:14], (200 / 255 - 0.5) / 0.25)
    sq = np.zeros((40, 40), np.float32)
    sq[:, 10:30] = 200
    ref = np.asarray(Image.fromarray(sq, "F").resize((20, 20), Image.BILINEAR))
    assert np.allclose(x, (ref / 255 - 0.5) / 0.25, atol=1e-6)
