"""PyTorch CPU peer for bench/engine-extract.ts: the same encoder (pretrain.model.ViT, weights
from weights.safetensors) run on the same batches. Driven over stdin so both engines alternate
in one run: each line "B N" runs N batches of B images and answers the seconds taken."""
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pretrain.model import ViT, ViTArch  # noqa: E402
from pretrain.safetensors_io import load_file  # noqa: E402

enc_dir = Path(sys.argv[1])
threads = int(sys.argv[2])
torch.set_num_threads(threads)
card = json.loads((enc_dir / "model.json").read_text())
arch = ViTArch(**{k: card["arch"][k] for k in ("img_size", "patch_size", "embed_dim", "depth", "num_heads", "mlp_ratio", "in_chans", "ln_eps")}, drop_path=0.0)
model = ViT(arch).eval()
tensors = load_file(enc_dir / "weights.safetensors")
tensors = tensors[0] if isinstance(tensors, tuple) else tensors
model.load_state_dict({k: v for k, v in tensors.items()}, strict=True)
size = card["preprocessing"]["size"]
print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    b, n = map(int, line.split())
    x = torch.randn(b, 1, size, size)
    with torch.inference_mode():
        t = time.perf_counter()
        for _ in range(n):
            outs = model.forward_blocks(x)
            model.norm(outs[-1])
        dt = time.perf_counter() - t
    print(json.dumps({"seconds": dt}), flush=True)
