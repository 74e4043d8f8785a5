import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createIO } from '../../src/cli/io.ts';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  }) as unknown as typeof process.stdout & typeof process.stderr;
  return { stream, text: () => text };
}

describe('CLI progress', () => {
  it('prints nothing for an empty phase (no "features 0/0"), and the end of a real one', () => {
    const out = sink();
    const err = sink();
    const io = createIO(false, out.stream, err.stream);
    io.progress('features', 0, 0);
    expect(err.text()).toBe('');
    io.progress('features', 32, 32);
    expect(err.text()).toBe('features 32/32\n');
  });
});
