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

const descale = (x: number, n: number) => Math.floor((x + 2 ** (n - 1)) / 2 ** n);

const ws = new Float64Array(64);

/** One 1-D pass over 8 values at stride `st` starting at `o`; writes 8 outputs via `put`. */
function pass(v: (k: number) => number, put: (k: number, x: number) => void, shift: number): void {
  let z2 = v(2);
  let z3 = v(6);
  let z1 = (z2 + z3) * F0_541;
  let tmp2 = z1 - z3 * F1_847;
  let tmp3 = z1 + z2 * F0_765;
  z2 = v(0);
  z3 = v(4);
  let tmp0 = (z2 + z3) * 2 ** CONST_BITS;
  let tmp1 = (z2 - z3) * 2 ** CONST_BITS;
  const tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  const tmp11 = tmp1 + tmp2;
  const tmp12 = tmp1 - tmp2;
  tmp0 = v(7);
  tmp1 = v(5);
  tmp2 = v(3);
  tmp3 = v(1);
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
  put(0, descale(tmp10 + tmp3, shift));
  put(7, descale(tmp10 - tmp3, shift));
  put(1, descale(tmp11 + tmp2, shift));
  put(6, descale(tmp11 - tmp2, shift));
  put(2, descale(tmp12 + tmp1, shift));
  put(5, descale(tmp12 - tmp1, shift));
  put(3, descale(tmp13 + tmp0, shift));
  put(4, descale(tmp13 - tmp0, shift));
}

/**
 * Dequantises and inverse-transforms one block of natural-order coefficients into `out`
 * (level-shifted samples, not yet clamped).
 */
export function idctIslow(coef: Int32Array, q: Int32Array, out: Int32Array, precision: number): void {
  const pass1 = precision > 8 ? 1 : 2;
  const center = 2 ** (precision - 1);
  for (let c = 0; c < 8; c++) {
    pass(
      (k) => coef[k * 8 + c] * q[k * 8 + c],
      (k, x) => {
        ws[k * 8 + c] = x;
      },
      CONST_BITS - pass1,
    );
  }
  for (let r = 0; r < 8; r++) {
    pass(
      (k) => ws[r * 8 + k],
      (k, x) => {
        out[r * 8 + k] = x + center;
      },
      CONST_BITS + pass1 + 3,
    );
  }
}
