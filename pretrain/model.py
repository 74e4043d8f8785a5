"""Plain ViT with a 1-channel patch embedding, plus the light GMML reconstruction head.

Written from the ViT description (no timm dependency) so that the exported ONNX graph and the
safetensors names stay under our control. Tensor names follow the timm convention
(`blocks.{i}.attn.qkv.weight`, ...) so the TS side and other tools can read them familiarly.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

SIZES = {
    "micro": dict(embed_dim=64, depth=4, num_heads=4),
    "tiny": dict(embed_dim=192, depth=12, num_heads=3),
    "small": dict(embed_dim=384, depth=12, num_heads=6),
    "base": dict(embed_dim=768, depth=12, num_heads=12),
}


@dataclass
class ViTArch:
    img_size: int = 224
    patch_size: int = 16
    embed_dim: int = 384
    depth: int = 12
    num_heads: int = 6
    mlp_ratio: float = 4.0
    in_chans: int = 1
    ln_eps: float = 1e-6
    drop_path: float = 0.1

    @staticmethod
    def from_size(size: str, **kw) -> "ViTArch":
        if size not in SIZES:
            raise ValueError(f"unknown ViT size {size!r}; choose one of {sorted(SIZES)}")
        return ViTArch(**{**SIZES[size], **kw})

    def card(self) -> dict:
        d = asdict(self)
        d.pop("drop_path")
        return d


class DropPath(nn.Module):
    def __init__(self, p: float):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(keep)
        return x * mask / keep


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)
        # SDPA (torch >= 2.0) gives flash attention on GPUs; the explicit path is used for ONNX
        # export and on torch 1.13. Both compute the same function.
        self.fused = hasattr(F, "scaled_dot_product_attention")

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if self.fused and not torch.jit.is_tracing() and not torch.onnx.is_in_onnx_export():
            x = F.scaled_dot_product_attention(q, k, v)
        else:
            attn = (q * (1.0 / math.sqrt(c // self.heads))) @ k.transpose(-2, -1)
            x = attn.softmax(dim=-1) @ v
        return self.proj(x.transpose(1, 2).reshape(b, n, c))


class GELU(nn.Module):
    """Exact GELU. Debian's torch 1.13 computes GELU's backward wrongly when the incoming
    gradient is non-contiguous (e.g. after transpose/reshape in the head), so the gradient is
    made contiguous first; a no-op cost on torch 2.x."""

    def forward(self, x):
        y = F.gelu(x)
        if y.requires_grad:
            y.register_hook(lambda g: g.contiguous())
        return y


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio, eps, drop_path):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.drop_path = DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class PatchEmbed(nn.Module):
    def __init__(self, patch: int, in_chans: int, dim: int):
        super().__init__()
        self.patch = patch
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


def interpolate_pos_embed(pos: torch.Tensor, grid: int) -> torch.Tensor:
    """Resize a [1, 1+G*G, D] position embedding to another square grid (bicubic)."""
    n = pos.shape[1] - 1
    old = int(round(math.sqrt(n)))
    if old == grid:
        return pos
    cls, patch = pos[:, :1], pos[:, 1:]
    patch = patch.reshape(1, old, old, -1).permute(0, 3, 1, 2)
    patch = F.interpolate(patch, size=(grid, grid), mode="bicubic", align_corners=False)
    return torch.cat([cls, patch.permute(0, 2, 3, 1).reshape(1, grid * grid, -1)], dim=1)


class ViT(nn.Module):
    def __init__(self, arch: ViTArch):
        super().__init__()
        self.arch = arch
        d = arch.embed_dim
        self.patch_embed = PatchEmbed(arch.patch_size, arch.in_chans, d)
        grid = arch.img_size // arch.patch_size
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + grid * grid, d))
        rates = [arch.drop_path * i / max(arch.depth - 1, 1) for i in range(arch.depth)]
        self.blocks = nn.ModuleList(
            Block(d, arch.num_heads, arch.mlp_ratio, arch.ln_eps, r) for r in rates
        )
        self.norm = nn.LayerNorm(d, eps=arch.ln_eps)
        self._init()

    def _init(self):
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        w = self.patch_embed.proj.weight
        nn.init.xavier_uniform_(w.view(w.shape[0], -1))

    def tokens(self, x):
        x = self.patch_embed(x)
        grid = int(round(math.sqrt(x.shape[1])))
        pos = interpolate_pos_embed(self.pos_embed, grid)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        return torch.cat([cls, x], dim=1) + pos

    def forward_blocks(self, x):
        """All block outputs (raw, before the final norm), CLS first."""
        x = self.tokens(x)
        outs = []
        for blk in self.blocks:
            x = blk(x)
            outs.append(x)
        return outs

    def forward(self, x):
        return self.norm(self.forward_blocks(x)[-1])


def feature_blocks(depth: int) -> list[int]:
    """1-based blocks averaged for reconstruction: 50/67/83/100 % depth (6/8/10/12 of 12)."""
    return sorted({max(1, round(depth * f)) for f in (6 / 12, 8 / 12, 10 / 12, 1.0)})


class GMMLHead(nn.Module):
    """3 x (Linear + GELU) then a transposed conv from the token grid back to pixels."""

    def __init__(self, dim: int, patch: int, out_chans: int = 1):
        super().__init__()
        self.mlp = nn.Sequential(*[m for _ in range(3) for m in (nn.Linear(dim, dim), GELU())])
        self.deconv = nn.ConvTranspose2d(dim, out_chans, kernel_size=patch, stride=patch)

    def forward(self, tokens):
        b, n, d = tokens.shape
        g = int(round(math.sqrt(n)))
        x = self.mlp(tokens).transpose(1, 2).reshape(b, d, g, g)
        return self.deconv(x)


class GMMLModel(nn.Module):
    def __init__(self, arch: ViTArch):
        super().__init__()
        self.encoder = ViT(arch)
        self.head = GMMLHead(arch.embed_dim, arch.patch_size, arch.in_chans)
        self.use = [k - 1 for k in feature_blocks(arch.depth)]

    def forward(self, x):
        outs = self.encoder.forward_blocks(x)
        feats = torch.stack([outs[i] for i in self.use]).mean(0)
        feats = self.encoder.norm(feats)[:, 1:]
        return self.head(feats)
