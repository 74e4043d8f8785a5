/** Seeded PRNG for property tests: failures print the seed and replay exactly. */
export { mulberry32 as prng } from '../../core/util/rng.ts';

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}
