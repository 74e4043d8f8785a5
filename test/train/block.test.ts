/** The TF.js transformer block and final norm reproduce PyTorch on the golden vectors. */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/core/model/safetensors.ts';
import { initTf, tf } from '../../src/core/train/backend.ts';
import { BLOCK_PARAMS, blockForward, layerNormAffine } from '../../src/core/train/block.ts';
import { encoderDirs, maxAbsDiff, readGolden, repoRoot } from '../model/golden.ts';

describe('TF.js ViT block vs PyTorch golden vectors', () => {
  for (const dir of encoderDirs()) {
    it(`${path.relative(repoRoot, dir)}: block k from block k−1 and final from block L (< 1e-3)`, async () => {
      await initTf();
      const card = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const { depth, num_heads: heads, ln_eps: eps, embed_dim: d } = card.arch;
      const g = readGolden(dir);
      const w = readSafetensors(path.join(dir, 'weights.safetensors'));
      const vars: Record<string, tf.Variable> = {};
      for (let i = 0; i < depth; i++) {
        for (const p of BLOCK_PARAMS)
          vars[`blocks.${i}.${p}`] = tf.variable(
            tf.tensor(w[`blocks.${i}.${p}`].data, w[`blocks.${i}.${p}`].shape),
          );
      }
      for (let k = 2; k <= depth; k++) {
        const prev = g.outputs[`block${k - 1}`];
        const x = tf.tensor3d(prev.data, prev.shape as [number, number, number]);
        const y = blockForward(vars, `blocks.${k - 1}`, x, heads, eps);
        expect(maxAbsDiff(y.dataSync(), g.outputs[`block${k}`].data), `block${k}`).toBeLessThan(1e-3);
        tf.dispose([x, y]);
      }
      const last = g.outputs[`block${depth}`];
      const fin = layerNormAffine(
        tf.tensor3d(last.data, last.shape as [number, number, number]),
        tf.tensor1d(w['norm.weight'].data),
        tf.tensor1d(w['norm.bias'].data),
        eps,
      );
      expect(maxAbsDiff(fin.dataSync(), g.outputs.final.data)).toBeLessThan(1e-3);
      expect(fin.shape[2]).toBe(d);
      tf.disposeVariables();
    });
  }
});
