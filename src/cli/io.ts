import type { CliIO } from './types.ts';

export function createIO(json: boolean, stdout = process.stdout, stderr = process.stderr): CliIO {
  const tty = Boolean(stderr.isTTY);
  let lastPrint = 0;
  return {
    out(line) {
      if (!json) stdout.write(`${line}\n`);
    },
    err(line) {
      stderr.write(`${line}\n`);
    },
    progress(label, done, total) {
      // Nothing to do (e.g. every feature already cached): no "features 0/0" line.
      if (total <= 0) return;
      const now = Date.now();
      const finished = done >= total;
      if (tty) {
        if (!finished && now - lastPrint < 50) return;
        lastPrint = now;
        const width = 30;
        const filled = total > 0 ? Math.round((done / total) * width) : width;
        stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
        if (finished) stderr.write('\n');
      } else if (finished || now - lastPrint > 2000) {
        lastPrint = now;
        stderr.write(`${label} ${done}/${total}\n`);
      }
    },
  };
}
