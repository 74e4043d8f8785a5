/** Row-major matrix of n rows × dim from per-image vectors. */
export function stack(rows: ArrayLike<number>[], dim: number): Float32Array {
  const x = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    x.set(r as Float32Array, i * dim);
  });
  return x;
}
