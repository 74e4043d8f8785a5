"""Image sources (folders / manifest.csv), patient-level splits, and the packed uint8 memmap.

A pack is `<dir>/images.u8` (N x S x S uint8, raw, memory-mapped) plus `<dir>/index.json`
(size, count, and per image: source, file, patient_id, label). Each image is stored as the
canonical padded square resized to S (see preprocess.py) and rounded to uint8.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .preprocess import load_gray8, resize_square

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}


@dataclass
class Item:
    path: str
    source: str
    patient_id: str
    label: str


def read_manifest(csv_path: Path) -> list[Item]:
    csv_path = Path(csv_path)
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and "file" not in rows[0]:
        raise ValueError(f"{csv_path}: manifest needs a 'file' column")
    src = csv_path.parent.name
    out = []
    for i, r in enumerate(rows):
        p = csv_path.parent / r["file"]
        if not p.exists():
            raise ValueError(f"{csv_path}: row {i + 2}: image {r['file']} does not exist")
        pid = r.get("patient_id") or r["file"]
        out.append(Item(str(p), r.get("source") or src, f"{src}:{pid}", r.get("label") or "unknown"))
    return out


def discover(sources: list[str]) -> list[Item]:
    """Every image under the given folders/manifests. A folder with manifest.csv uses it; a
    folder whose subfolders have manifests uses those; otherwise all image files (recursive),
    one patient per file."""
    items: list[Item] = []
    for s in sources:
        p = Path(s)
        if p.is_file() and p.suffix == ".csv":
            items += read_manifest(p)
        elif (p / "manifest.csv").exists():
            items += read_manifest(p / "manifest.csv")
        elif p.is_dir():
            subs = sorted(d / "manifest.csv" for d in p.iterdir() if (d / "manifest.csv").exists())
            if subs:
                items += [it for m in subs for it in read_manifest(m)]
            else:
                files = sorted(f for f in p.rglob("*") if f.suffix.lower() in IMAGE_EXT)
                items += [Item(str(f), p.name, f"{p.name}:{f.relative_to(p)}", "unknown") for f in files]
        else:
            raise ValueError(f"{s}: not a folder or manifest.csv")
    if not items:
        raise ValueError(f"no images found in {sources}")
    return items


def is_test_patient(patient_id: str, test_frac: float, seed: int = 0) -> bool:
    """Stable patient-level split: the same patient is on the same side in every tool."""
    h = hashlib.sha1(f"{seed}:{patient_id}".encode()).digest()
    return int.from_bytes(h[:8], "little") / 2**64 < test_frac


PROBE_SOURCES = ("nih_cxr14_talo", "kermany_pediatric")


def pretrain_items(items: list[Item], test_frac: float) -> list[Item]:
    """All images except the probe test patients of NIH and Kermany."""
    return [it for it in items
            if not (it.source in PROBE_SOURCES and is_test_patient(it.patient_id, test_frac))]


class Pack:
    def __init__(self, root: str | Path):
        root = Path(root)
        idx = root / "index.json"
        if not idx.exists():
            raise ValueError(f"{root}: no packed dataset (index.json missing)")
        self.index = json.loads(idx.read_text())
        self.size = self.index["size"]
        n = self.index["count"]
        self.items = [Item(**d) for d in self.index["items"]]
        self.images = np.memmap(root / "images.u8", dtype=np.uint8, mode="r",
                                shape=(n, self.size, self.size))

    def __len__(self):
        return len(self.items)


def build_pack(items: list[Item], root: str | Path, size: int, log=print) -> Pack:
    """Pack once; an existing pack with the same items and size is reused."""
    root = Path(root)
    key = hashlib.sha1(json.dumps([size, [asdict(i) for i in items]]).encode()).hexdigest()
    idx = root / "index.json"
    if idx.exists() and json.loads(idx.read_text()).get("key") == key:
        return Pack(root)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / "images.u8.tmp"
    mm = np.memmap(tmp, dtype=np.uint8, mode="w+", shape=(len(items), size, size))
    for i, it in enumerate(items):
        mm[i] = np.clip(np.round(resize_square(load_gray8(it.path), size)), 0, 255)
        if log and (i + 1) % 1000 == 0:
            log(f"packed {i + 1}/{len(items)}")
    mm.flush()
    del mm
    tmp.replace(root / "images.u8")
    idx.write_text(json.dumps({"key": key, "size": size, "count": len(items),
                               "items": [asdict(i) for i in items]}))
    return Pack(root)
