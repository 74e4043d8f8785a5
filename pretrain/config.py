"""Typed training config: dataclass defaults <- YAML file <- `key=value` CLI overrides."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class Config:
    # model
    size: str = "small"            # micro | tiny | small | base
    img_size: int = 224
    patch_size: int = 16
    drop_path: float = 0.1
    # data
    data: list = field(default_factory=lambda: ["../shared/data/cxr"])  # folders / manifest.csv
    pack: str = "runs/pack"        # packed uint8 memmap (built once, reused)
    pack_size: int = 256           # side of the stored square
    holdout_test_frac: float = 0.3  # patient-level probe test split, held out of pretraining
    data_on_device: str = "auto"   # auto: the whole uint8 pack on the GPU
    # augmentation
    crop_scale_min: float = 0.2
    flip_p: float = 0.5
    brightness: float = 0.1
    contrast: float = 0.1
    # GMML corruption
    corrupt_min: float = 0.5
    corrupt_max: float = 0.75
    block_max_frac: float = 0.3
    align: int = 1                 # 1 or patch size
    fill: str = "noise"            # noise | zeros | same | mix
    alien_p: float = 0.5
    alien_frac: float = 0.3
    # optimisation
    epochs: int = 100
    batch_size: int = 64           # global batch, split across ranks
    lr: float = 5e-4               # per 256 images
    min_lr: float = 1e-6
    warmup_epochs: float = 10.0
    wd_start: float = 0.04
    wd_end: float = 0.4
    clip_grad: float = 3.0
    amp: str = "auto"              # auto (bf16 on GPU, off on CPU) | bf16 | off
    compile: bool = False
    time_budget_s: float = 0.0     # >0: fit the epoch count to this wall time after calibration
    calib_steps: int = 20
    # run
    out: str = "runs/gmml"
    seed: int = 0
    threads: int = 0               # torch CPU threads (0 = torch default)
    log_every: int = 10
    ckpt_every_steps: int = 0      # 0: end of each epoch only
    max_steps: int = 0             # stop early (tests); 0 = full schedule
    resume: bool = True
    init_from: str = ""            # weights to start a new schedule from: a checkpoint.pt or a
                                   # model dir (weights.safetensors; encoder only, fresh head)
    grid_every_epoch: bool = True
    grid_every: int = 1            # epochs between grids (the last epoch always gets one)
    ckpt_every_epochs: int = 1
    # export
    name: str = ""                 # model name for export (empty: no export)
    export_dir: str = ""           # default resources/models/<name>
    golden_image: str = "test/fixtures/images/00000061_012.png"


def _coerce(cur, text: str):
    if isinstance(cur, bool):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected a boolean, got {text!r}")
    if isinstance(cur, list):
        return [s for s in text.split(",") if s]
    return type(cur)(text)


def load_config(yaml_path: str | None = None, overrides: list[str] | None = None) -> Config:
    cfg = Config()
    names = {f.name for f in dataclasses.fields(Config)}
    if yaml_path:
        raw = yaml.safe_load(Path(yaml_path).read_text()) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{yaml_path}: expected a mapping of config keys")
        for k, v in raw.items():
            if k not in names:
                raise ValueError(f"{yaml_path}: unknown config key {k!r}")
            setattr(cfg, k, v)
    for ov in overrides or []:
        if "=" not in ov:
            raise ValueError(f"override {ov!r}: expected key=value")
        k, v = ov.split("=", 1)
        k = k.lstrip("-").replace("-", "_")
        if k not in names:
            raise ValueError(f"override {ov!r}: unknown config key {k!r}")
        try:
            setattr(cfg, k, _coerce(getattr(cfg, k), v))
        except ValueError as e:
            raise ValueError(f"override {ov!r}: {e}") from e
    validate(cfg)
    return cfg


def validate(cfg: Config) -> None:
    if cfg.img_size % cfg.patch_size:
        raise ValueError(f"img_size {cfg.img_size} is not a multiple of patch_size {cfg.patch_size}")
    if cfg.align not in (1, cfg.patch_size):
        raise ValueError(f"align must be 1 or patch_size ({cfg.patch_size}), got {cfg.align}")
    if cfg.fill not in ("noise", "zeros", "same", "mix"):
        raise ValueError(f"fill must be noise|zeros|same|mix, got {cfg.fill!r}")
    if not 0 < cfg.corrupt_min <= cfg.corrupt_max < 1:
        raise ValueError("need 0 < corrupt_min <= corrupt_max < 1")
    if cfg.amp not in ("auto", "bf16", "off"):
        raise ValueError(f"amp must be auto|bf16|off, got {cfg.amp!r}")


def to_dict(cfg: Config) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(cfg)))
