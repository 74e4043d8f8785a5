"""Minimal safetensors reader/writer, written to the format specification.

Layout: u64 little-endian header length N, N bytes of UTF-8 JSON
{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, padded with
spaces to a multiple of 8, then the raw little-endian tensor bytes (offsets relative to it).
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import torch

_DT = {
    torch.float32: ("F32", np.float32), torch.float16: ("F16", np.float16),
    torch.float64: ("F64", np.float64), torch.int64: ("I64", np.int64),
    torch.int32: ("I32", np.int32), torch.uint8: ("U8", np.uint8),
    torch.bfloat16: ("BF16", None),
}
_NP = {v[0]: v[1] for v in _DT.values()}


def save_file(tensors: dict[str, torch.Tensor], path: str | Path, metadata: dict | None = None):
    header: dict = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, off = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _DT:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {t.dtype}")
        code = _DT[t.dtype][0]
        b = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().astype(
            "<i2" if t.dtype == torch.bfloat16 else t.numpy().dtype.newbyteorder("<")
        ).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_file(path: str | Path) -> tuple[dict[str, torch.Tensor], dict]:
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (too short)")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} exceeds file size {len(data)}")
    try:
        header = json.loads(data[8 : 8 + n])
    except ValueError as e:
        raise ValueError(f"{path}: invalid safetensors header ({e})") from e
    meta = header.pop("__metadata__", {})
    body = memoryview(data)[8 + n :]
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        if not 0 <= b <= e <= len(body):
            raise ValueError(f"{path}: tensor {name} offsets {b}..{e} out of range")
        if info["dtype"] == "BF16":
            a = np.frombuffer(body[b:e], dtype="<i2").copy()
            t = torch.from_numpy(a).view(torch.bfloat16)
        elif info["dtype"] in _NP:
            a = np.frombuffer(body[b:e], dtype=np.dtype(_NP[info["dtype"]]).newbyteorder("<"))
            t = torch.from_numpy(a.astype(_NP[info["dtype"]]))
        else:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        out[name] = t.reshape(info["shape"])
    return out, meta
