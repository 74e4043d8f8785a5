"""GMML pretraining entry point.

    /usr/bin/python3 -m pretrain.train --config pretrain/configs/vit_tiny_cpu.yaml [key=value ...]
    torchrun --nproc_per_node N -m pretrain.train --config ... [key=value ...]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

from . import optim
from .config import Config, load_config, to_dict
from .data import Pack, build_pack, discover, pretrain_items
from .gmml import augment, corrupt, draw_step, masked_l1, slice_params
from .model import GMMLModel, ViTArch, interpolate_pos_embed
from .preprocess import DEFAULT_MEAN, DEFAULT_STD
from .runio import JsonLog, load_checkpoint, save_checkpoint, save_grid, set_rng_state
from .safetensors_io import load_file


def setup_dist():
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    return rank, world, device


def all_sum(t: torch.Tensor, world: int) -> torch.Tensor:
    if world > 1:
        t = t.clone()
        dist.all_reduce(t)
    return t


def build_model(cfg: Config) -> GMMLModel:
    return GMMLModel(ViTArch.from_size(cfg.size, img_size=cfg.img_size, patch_size=cfg.patch_size,
                                      drop_path=cfg.drop_path))


def _chain(parent: dict, steps: int, epochs: float, wall: float) -> dict:
    """Steps, epochs and wall time of a run plus everything it was continued from."""
    g = lambda k: parent.get(f"total_{k}") or parent.get(k) or 0  # noqa: E731
    return {"total_steps": g("steps") + steps, "total_epochs": round(g("epochs") + epochs, 2),
            "total_wall_time_s": round(g("wall_time_s") + wall, 1)}


class Trainer:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.rank, self.world, self.device = setup_dist()
        if cfg.batch_size % self.world:
            raise ValueError(f"batch_size {cfg.batch_size} is not divisible by {self.world} ranks")
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        self.out = Path(cfg.out)
        if self.rank == 0:
            self.out.mkdir(parents=True, exist_ok=True)
        self.log = JsonLog(self.out / "log.jsonl", enabled=self.rank == 0)
        self._load_data()
        torch.manual_seed(cfg.seed)
        self.model = build_model(cfg).to(self.device)
        self.spe = len(self.pack) // cfg.batch_size
        if self.spe == 0:
            raise ValueError(f"{len(self.pack)} images is fewer than one batch of {cfg.batch_size}")
        self.epochs = cfg.epochs
        self.step, self.wall, self.total_steps = 0, 0.0, 0
        self.peak_lr = cfg.lr * cfg.batch_size / 256
        self.opt = optim.make_optimizer(self.model, self.peak_lr, cfg.wd_start, self.device)
        self.ckpt = self.out / "checkpoint.pt"
        self.parent: dict | None = None
        if cfg.resume and self.ckpt.exists():
            self._resume()
        elif cfg.init_from:
            self._init_from(Path(cfg.init_from))
        self.net = self.model
        if self.world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = torch.nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        self.eager, self.compiled = self.net, False
        if cfg.compile and hasattr(torch, "compile"):
            self.net, self.compiled = torch.compile(self.net), True
        amp = cfg.amp if cfg.amp != "auto" else ("bf16" if self.device.type == "cuda" else "off")
        self.autocast = (torch.autocast(self.device.type, dtype=torch.bfloat16)
                         if amp == "bf16" else nullcontext())
        self.amp = amp

    def _load_data(self):
        cfg = self.cfg
        if self.rank == 0:
            items = pretrain_items(discover(cfg.data), cfg.holdout_test_frac)
            build_pack(items, cfg.pack, cfg.pack_size, log=lambda m: self.log(event="pack", msg=m))
        if self.world > 1:
            dist.barrier()
        self.pack = Pack(cfg.pack)
        on_dev = cfg.data_on_device == "true" or (cfg.data_on_device == "auto" and self.device.type == "cuda")
        self.images = torch.from_numpy(np.asarray(self.pack.images)).to(self.device) if on_dev else None

    def _resume(self):
        s = load_checkpoint(self.ckpt)
        self.model.load_state_dict(s["model"])
        self.opt.load_state_dict(s["opt"])
        self.step, self.epochs, self.wall = s["step"], s["epochs"], s["wall"]
        self.total_steps = s.get("total_steps", 0)
        self.parent = s.get("parent")
        set_rng_state(s["rng"])
        self.log(event="resume", step=self.step, epochs=self.epochs)

    def _init_from(self, src: Path):
        """Continued pretraining: weights from an earlier run (or a shipped model dir), with a
        fresh optimiser and schedule. The card records the parent's steps and wall time."""
        if src.is_dir():
            sd, _ = load_file(src / "weights.safetensors")
            own = self.model.encoder.pos_embed
            if "pos_embed" in sd and sd["pos_embed"].shape != own.shape:
                # a continued run at another resolution: resize the grid, as the model does at run time
                grid = int(round(math.sqrt(own.shape[1] - 1)))
                sd["pos_embed"] = interpolate_pos_embed(torch.as_tensor(sd["pos_embed"]), grid)
            try:
                self.model.encoder.load_state_dict(sd)
            except RuntimeError as e:
                raise ValueError(f"{src}: weights do not fit the configured model ({e})") from e
            card = json.loads((src / "model.json").read_text()) if (src / "model.json").exists() else {}
            tr = card.get("training", {})
            self.parent = {"from": str(src), "steps": tr.get("steps"), "epochs": tr.get("epochs"),
                           "wall_time_s": tr.get("wall_time_s"), "head": "fresh"}
        else:
            s = load_checkpoint(src)
            try:
                self.model.load_state_dict(s["model"])
            except RuntimeError as e:
                raise ValueError(f"{src}: checkpoint does not fit the configured model ({e})") from e
            pp = s.get("parent") or {}
            self.parent = {"from": str(src), "steps": s["step"], "epochs": round(s["step"] / self.spe, 2),
                           "wall_time_s": round(s["wall"], 1), "head": "loaded"}
            if pp:  # the parent was itself continued: carry the chain's totals
                self.parent.update(_chain(pp, s["step"], s["step"] / self.spe, s["wall"]))
        self.log(event="init_from", **self.parent)

    def _save(self):
        if self.rank == 0:
            save_checkpoint(self.ckpt, model=self.model.state_dict(), opt=self.opt.state_dict(),
                            step=self.step, epochs=self.epochs, wall=self.wall,
                            total_steps=self.total_steps, config=to_dict(self.cfg), parent=self.parent)

    @property
    def total(self) -> int:
        return self.total_steps or self.epochs * self.spe

    def batch(self, step: int):
        """This rank's uint8 views for a global step, and the step's random parameters."""
        cfg, b = self.cfg, self.cfg.batch_size
        epoch, k = divmod(step, self.spe)
        perm = torch.randperm(len(self.pack), generator=torch.Generator().manual_seed(cfg.seed * 100_003 + epoch))
        local = b // self.world
        idx = perm[k * b : (k + 1) * b][self.rank * local : (self.rank + 1) * local]
        if self.images is not None:
            u8 = self.images[idx.to(self.device)]
        else:
            u8 = torch.from_numpy(self.pack.images[idx.numpy()]).to(self.device)
        p = draw_step(torch.Generator().manual_seed(cfg.seed * 7_919 + step), b, cfg.img_size, cfg)
        return u8, slice_params(p, slice(self.rank * local, (self.rank + 1) * local))

    def train_step(self, step: int) -> dict:
        cfg = self.cfg
        u8, p = self.batch(step)
        clean = augment(u8, p, cfg.img_size, DEFAULT_MEAN, DEFAULT_STD)
        ng = torch.Generator(device=self.device).manual_seed(cfg.seed * 1_000_003 + step * 1_009 + self.rank)
        x, m = corrupt(clean, p, cfg, ng)
        warm = round(cfg.warmup_epochs * self.spe)
        lr = optim.lr_at(step, self.total, warm, self.peak_lr, cfg.min_lr)
        wd = optim.wd_at(step, self.total, cfg.wd_start, cfg.wd_end)
        optim.apply(self.opt, lr, wd)
        with self.autocast:
            rec = self.net(x)
        lsum, cnt = masked_l1(rec, clean, m)
        # normalise by the global corrupted-pixel count so N ranks equal one (DDP averages grads)
        cnt_g = all_sum(cnt.detach(), self.world)
        loss = lsum / cnt_g.clamp(min=1) * self.world
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.clip_grad)
        self.opt.step()
        self.last = (clean, x, rec.detach(), m)
        return {"lsum": lsum.detach(), "cnt": cnt_g, "lr": lr, "wd": wd, "gnorm": gn}

    def _calibrate(self, step_s: float):
        """Fit the total step count to the time budget from the measured step time (rank 0
        decides). Called after calib_steps and again at every log line, so a machine that
        slows down or speeds up (shared CPUs) still finishes on time; the cosine schedules
        stretch or shrink with it."""
        left = self.cfg.time_budget_s * 0.97 - self.wall
        total = torch.tensor([max(self.step + 1, self.step + int(left / step_s))])
        if self.world > 1:
            dist.broadcast(total, 0)
        changed = int(total.item()) != self.total_steps
        self.total_steps = int(total.item())
        self.epochs = max(1, math.ceil(self.total_steps / self.spe))
        if changed and abs(self.total_steps - int(total.item())) >= 0:
            self.log(event="calibrated", step_s=round(step_s, 4), total_steps=self.total_steps,
                     epochs=round(self.total_steps / self.spe, 2))

    def _step(self, step: int) -> dict:
        try:
            return self.train_step(step)
        except Exception as e:  # noqa: BLE001 - torch.compile failures surface on first use
            if not self.compiled:
                raise
            self.log(event="compile_failed_using_eager", error=str(e)[-800:])
            self.net, self.compiled = self.eager, False
            return self.train_step(step)

    def run(self) -> dict:
        cfg = self.cfg
        self.log(event="start", config=to_dict(cfg), world=self.world, device=str(self.device),
                 amp=self.amp, images=len(self.pack), steps_per_epoch=self.spe,
                 params=sum(p.numel() for p in self.model.parameters()))
        self.model.train()
        zero = lambda: torch.zeros((), device=self.device)  # noqa: E731
        acc_sum, acc_cnt, acc_n, loss = zero(), zero(), 0, float("nan")
        start, t_prev, t_log = self.step, time.time(), time.time()
        while self.step < self.total:
            if cfg.max_steps and self.step >= cfg.max_steps:
                break
            r = self._step(self.step)
            self.step += 1
            # losses stay on the device between log lines: no host sync per step
            acc_sum, acc_cnt, acc_n = acc_sum + r["lsum"], acc_cnt + r["cnt"], acc_n + 1
            end_epoch = self.step % self.spe == 0
            calib = cfg.time_budget_s and self.step - start == cfg.calib_steps + 3
            if calib or end_epoch or self.step % cfg.log_every == 0 or self.step == self.total:
                loss = float(all_sum(acc_sum, self.world) / acc_cnt.clamp(min=1))
                if not math.isfinite(loss):
                    raise FloatingPointError(f"loss is {loss} at step {self.step}")
            now = time.time()
            self.wall += now - t_prev
            t_prev = now
            if cfg.time_budget_s and self.step - start == 3:
                t_cal = now
            if calib:
                self._calibrate((now - t_cal) / cfg.calib_steps)
            elif cfg.time_budget_s and self.step - start > cfg.calib_steps + 3 and self.step % cfg.log_every == 0:
                self._calibrate((now - t_cal) / (self.step - start - 3))
            if end_epoch or self.step % cfg.log_every == 0 or self.step == self.total:
                self.log(step=self.step, epoch=round(self.step / self.spe, 4), loss=loss, lr=r["lr"],
                         wd=r["wd"], gnorm=float(r["gnorm"]),
                         img_s=round(acc_n * cfg.batch_size / (now - t_log), 2), wall=round(self.wall, 2))
                acc_sum, acc_cnt, acc_n, t_log = zero(), zero(), 0, now
            e = self.step // self.spe
            last = self.step == self.total
            if (end_epoch and (e % cfg.ckpt_every_epochs == 0 or last)) or (
                    cfg.ckpt_every_steps and self.step % cfg.ckpt_every_steps == 0):
                self._save()
            if end_epoch and cfg.grid_every_epoch and self.rank == 0 and (e % cfg.grid_every == 0 or last):
                save_grid(self.out / f"grid_epoch{e:04d}.png", *self.last, DEFAULT_MEAN, DEFAULT_STD)
            if end_epoch:
                self.log(event="epoch", epoch=e, loss=loss, wall=round(self.wall, 2))
        self._save()
        if self.rank == 0 and cfg.grid_every_epoch and self.step % self.spe:
            save_grid(self.out / f"grid_step{self.step:06d}.png", *self.last, DEFAULT_MEAN, DEFAULT_STD)
        self.final_loss = loss
        return {"step": self.step, "final_loss": loss, "wall": self.wall}

    def training_card(self) -> dict:
        cfg = self.cfg
        return {
            "method": "GMML (group masked model learning), reconstruction L1 on corrupted pixels",
            "data": [str(d) for d in cfg.data], "images": len(self.pack),
            "holdout": f"NIH and Kermany probe-test patients (sha1 split, frac {cfg.holdout_test_frac})",
            "epochs": round(self.step / self.spe, 2), "steps": self.step, "global_batch": cfg.batch_size,
            "world_size": self.world, "device": torch.cuda.get_device_name(self.device)
            if self.device.type == "cuda" else f"cpu x{torch.get_num_threads()} threads",
            "amp": self.amp, "wall_time_s": round(self.wall, 1), "final_loss": self.final_loss,
            "torch": torch.__version__, "config": to_dict(cfg),
            **({"continued_from": self.parent, **self._totals()} if self.parent else {}),
        }

    def _totals(self) -> dict:
        return _chain(self.parent or {}, self.step, self.step / self.spe, self.wall)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="YAML file of Config keys")
    ap.add_argument("overrides", nargs="*", help="key=value overrides")
    a = ap.parse_args(argv)
    cfg = load_config(a.config, a.overrides)
    tr = Trainer(cfg)
    res = tr.run()
    if cfg.name and tr.rank == 0:
        from .export import REPO, export_model
        out = Path(cfg.export_dir or REPO / "resources" / "models" / cfg.name)
        card = export_model(tr.model.encoder.cpu().float(), out, cfg.name,
                            {"size": cfg.img_size, "mean": DEFAULT_MEAN, "std": DEFAULT_STD},
                            tr.training_card(), {"final_loss": res["final_loss"]},
                            golden_image=REPO / cfg.golden_image)
        tr.log(event="exported", dir=str(out), files=card["files"])
    if tr.world > 1:
        # Tear down together: with gloo on torch 1.13 a rank that destroys its group while the
        # other still holds the connection can leave both processes hanging at exit.
        dist.barrier()
        dist.destroy_process_group()
    return res


if __name__ == "__main__":
    print(json.dumps(main()))
