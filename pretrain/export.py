"""Export what the app ships: encoder.onnx, weights.safetensors, model.json, golden.json."""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import inspect
import json
import subprocess
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .model import ViT, ViTArch
from .preprocess import canonical, load_gray8
from .safetensors_io import load_file, save_file

REPO = Path(__file__).resolve().parent.parent
OPSET = 17


class OnnxTrunk(nn.Module):
    """Returns block1..blockL (raw) and final (after the final LayerNorm), all [B, 1+N, D]."""

    def __init__(self, vit: ViT):
        super().__init__()
        self.vit = vit

    def forward(self, pixels):
        outs = self.vit.forward_blocks(pixels)
        return tuple(outs) + (self.vit.norm(outs[-1]),)


def output_names(depth: int) -> list[str]:
    return [f"block{k}" for k in range(1, depth + 1)] + ["final"]


def export_onnx(vit: ViT, path: Path) -> None:
    vit = vit.eval()
    s = vit.arch.img_size
    names = output_names(vit.arch.depth)
    kw = dict(
        input_names=["pixels"], output_names=names, opset_version=OPSET,
        dynamic_axes={"pixels": {0: "batch"}, **{n: {0: "batch"} for n in names}},
        do_constant_folding=True,
    )
    # torch >= 2.9 defaults to the dynamo exporter; the TorchScript one gives the same graph
    # on 1.13 and 2.x and handles dynamic_axes, so ask for it explicitly where possible.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(OnnxTrunk(vit), torch.zeros(1, 1, s, s), str(path), **kw)


def weights_of(vit: ViT) -> dict[str, torch.Tensor]:
    return {k: v.detach().float().contiguous() for k, v in vit.state_dict().items()}


def save_weights(vit: ViT, path: Path, meta: dict | None = None) -> None:
    save_file(weights_of(vit), path, meta or {"format": "pt", "arch": json.dumps(vit.arch.card())})


def load_encoder(model_dir: Path) -> tuple[ViT, dict]:
    card = json.loads((Path(model_dir) / "model.json").read_text())
    arch = ViTArch(**card["arch"], drop_path=0.0)
    vit = ViT(arch)
    sd, _ = load_file(Path(model_dir) / "weights.safetensors")
    vit.load_state_dict(sd)
    return vit.eval(), card


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_rev() -> str:
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "pretrain"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return r.stdout.strip() + ("-dirty" if dirty else "")
    except OSError:
        return "unknown"


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def unb64(s: str, shape) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype="<f4").reshape(shape)


def write_golden(vit: ViT, card: dict, image: Path, out: Path) -> dict:
    """Golden vectors: image path (repo-relative), preprocessed tensor, every ONNX output."""
    pp = card["preprocessing"]
    x = canonical(load_gray8(image), pp["size"], pp["mean"], pp["std"])
    with torch.no_grad():
        outs = OnnxTrunk(vit.eval())(torch.from_numpy(x)[None])
    names = output_names(vit.arch.depth)
    g = {
        "image": str(Path(image).resolve().relative_to(REPO)),
        "preprocessing": pp,
        "input": {"name": "pixels", "shape": [1, *x.shape], "data": b64(x)},
        "outputs": {n: {"shape": list(o.shape), "data": b64(o.numpy())} for n, o in zip(names, outs)},
        "dtype": "float32-le-base64",
        "tolerance": {"preprocess": 1e-4, "onnx": 1e-4},
    }
    out.write_text(json.dumps(g) + "\n")
    return g


TENSOR_DOC = (
    "timm-style names: patch_embed.proj.{weight [D,1,P,P],bias}, cls_token [1,1,D], "
    "pos_embed [1,1+N,D], blocks.{i}.norm1.{weight,bias}, blocks.{i}.attn.qkv.{weight [3D,D],bias} "
    "(rows q|k|v, heads contiguous within each), blocks.{i}.attn.proj.{weight,bias}, "
    "blocks.{i}.norm2.{weight,bias}, blocks.{i}.mlp.fc1.{weight [H,D],bias}, "
    "blocks.{i}.mlp.fc2.{weight,bias}, norm.{weight,bias}; Linear weights are [out,in] (y = x W^T + b); "
    "i is 0-based (ONNX output block{i+1}); GELU is the exact erf form."
)


def export_model(vit: ViT, out_dir: Path, name: str, preprocessing: dict, training: dict,
                 metrics: dict, golden_image: Path | None = None) -> dict:
    """Write the full shipped set into out_dir and return the card."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vit = vit.eval()
    export_onnx(vit, out_dir / "encoder.onnx")
    save_weights(vit, out_dir / "weights.safetensors")
    card = {
        "name": name,
        "arch": vit.arch.card(),
        "preprocessing": {**preprocessing, "pad": "center-square",
                          "resize": "bilinear-antialias", "channels": 1},
        "onnx": {"input": "pixels", "outputs": output_names(vit.arch.depth), "opset": OPSET,
                 "layout": "[B, 1+N, D], CLS first; blockK raw, final = LayerNorm(blockL)"},
        "weights": {"file": "weights.safetensors", "tensors": TENSOR_DOC},
        "training": training,
        "metrics": metrics,
        "git_rev": git_rev(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    (out_dir / "model.json").write_text(json.dumps(card, indent=2) + "\n")
    if golden_image is not None:
        write_golden(vit, card, golden_image, out_dir / "golden.json")
    files = ["encoder.onnx", "weights.safetensors"] + (["golden.json"] if golden_image else [])
    card["files"] = {f: sha256(out_dir / f) for f in files}
    (out_dir / "model.json").write_text(json.dumps(card, indent=2) + "\n")
    return card
