/**
 * IJG's accurate integer inverse DCT (jidctint.c, "islow"), for 8- and 12-bit samples.
 * Products can exceed 32 bits at 12-bit precision, so the arithmetic is done in doubles
 * (exact below 2^53) with floor division standing in for the arithmetic right shift.
 */
const CONST_BITS = 13;
const F0_298 = 2446;
const F0_390 = 3196;
const F0_541 = 4433;
const F0_765 = 6270;
const F0_899 = 7373;
const F1_175 = 9633;
const F1_501 = 12299;
const F1_847 = 15137;
const F1_961 = 16069;
const F2_053 = 16819;
const F2_562 = 20995;
const F3_072 = 25172;

const ws = new Float64Array(64);
const deq = new Float64Array(64);

/**
 * One 1-D 8-point pass: reads src[o + k·st], writes dst[o2 + k·st2] = descale(·) + add.
 * Plain array arithmetic (no closures) keeps this hot loop fast.
 */
function pass(
  src: Float64Array,
  o: number,
  st: number,
  dst: Float64Array | Int32Array,
  o2: number,
  st2: number,
  shift: number,
  add: number,
): void {
  let z2 = src[o + 2 * st];
  let z3 = src[o + 6 * st];
  let z1 = (z2 + z3) * F0_541;
  let tmp2 = z1 - z3 * F1_847;
  let tmp3 = z1 + z2 * F0_765;
  z2 = src[o];
  z3 = src[o + 4 * st];
  let tmp0 = (z2 + z3) * 2 ** CONST_BITS;
  let tmp1 = (z2 - z3) * 2 ** CONST_BITS;
  const tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  const tmp11 = tmp1 + tmp2;
  const tmp12 = tmp1 - tmp2;
  tmp0 = src[o + 7 * st];
  tmp1 = src[o + 5 * st];
  tmp2 = src[o + 3 * st];
  tmp3 = src[o + st];
  z1 = tmp0 + tmp3;
  z2 = tmp1 + tmp2;
  z3 = tmp0 + tmp2;
  let z4 = tmp1 + tmp3;
  const z5 = (z3 + z4) * F1_175;
  tmp0 *= F0_298;
  tmp1 *= F2_053;
  tmp2 *= F3_072;
  tmp3 *= F1_501;
  z1 *= -F0_899;
  z2 *= -F2_562;
  z3 = z3 * -F1_961 + z5;
  z4 = z4 * -F0_390 + z5;
  tmp0 += z1 + z3;
  tmp1 += z2 + z4;
  tmp2 += z2 + z3;
  tmp3 += z1 + z4;
  const half = 2 ** (shift - 1);
  const div = 2 ** shift;
  dst[o2] = Math.floor((tmp10 + tmp3 + half) / div) + add;
  dst[o2 + 7 * st2] = Math.floor((tmp10 - tmp3 + half) / div) + add;
  dst[o2 + st2] = Math.floor((tmp11 + tmp2 + half) / div) + add;
  dst[o2 + 6 * st2] = Math.floor((tmp11 - tmp2 + half) / div) + add;
  dst[o2 + 2 * st2] = Math.floor((tmp12 + tmp1 + half) / div) + add;
  dst[o2 + 5 * st2] = Math.floor((tmp12 - tmp1 + half) / div) + add;
  dst[o2 + 3 * st2] = Math.floor((tmp13 + tmp0 + half) / div) + add;
  dst[o2 + 4 * st2] = Math.floor((tmp13 - tmp0 + half) / div) + add;
}

/**
 * Dequantises and inverse-transforms one block of natural-order coefficients into `out`
 * (level-shifted samples, not yet clamped).
 */
export function idctIslow(coef: Int32Array, q: Int32Array, out: Int32Array, precision: number): void {
  const pass1 = precision > 8 ? 1 : 2;
  for (let i = 0; i < 64; i++) deq[i] = coef[i] * q[i];
  for (let c = 0; c < 8; c++) pass(deq, c, 8, ws, c, 8, CONST_BITS - pass1, 0);
  for (let r = 0; r < 8; r++) pass(ws, r * 8, 1, out, r * 8, 1, CONST_BITS + pass1 + 3, 2 ** (precision - 1));
}
