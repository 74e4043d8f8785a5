import { open, stat } from 'node:fs/promises';
import { IMAGE_LIMITS, probeFile } from '../imaging/index.ts';

/**
 * Decoding several large images at once is what makes an import's memory peak, not their
 * number: four 5600 × 5600 RGBA16 PNGs in flight would need ~1.5 GB. Each file's decode cost is
 * estimated from its header (8 bytes per pixel, the worst any decoder here produces), and files
 * wait until the costs in flight fit the budget; one file alone always runs.
 */
export const DECODE_BUDGET_BYTES = IMAGE_LIMITS.maxDecodedBytes;

export async function decodeCost(file: string): Promise<number> {
  try {
    // stat first: opening a FIFO would block (the import refuses it by itself).
    const st = await stat(file);
    if (!st.isFile()) return 0;
    const head = Buffer.alloc(4);
    const fh = await open(file, 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
    const raster = (head[0] === 0x89 && head[1] === 0x50) || (head[0] === 0xff && head[1] === 0xd8);
    if (raster) {
      const h = await probeFile(file);
      return h.width * h.height * 8;
    }
    // DICOM: the header may be far in or deflated, so no cheap dimensions; native pixels are
    // the file's size, compressed ones rarely more than a few times it.
    return Math.min(4 * st.size, IMAGE_LIMITS.maxDecodedBytes);
  } catch {
    return 0; // the import itself reports why the file is unusable
  }
}

export class MemoryBudget {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit = DECODE_BUDGET_BYTES) {}

  async acquire(cost: number): Promise<void> {
    while (this.used > 0 && this.used + cost > this.limit)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used += cost;
  }

  release(cost: number): void {
    this.used -= cost;
    for (const wake of this.waiting.splice(0)) wake();
  }
}
