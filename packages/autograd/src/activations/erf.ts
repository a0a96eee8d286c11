const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/**
 * erf(x) to about 1e-15 relative, for GELU's exact form x·Φ(x) (JavaScript has no Math.erf).
 * Below |x| = 2.5 the all-positive series erf(x) = 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1))
 * (no cancellation); above, the continued fraction of erfc(x) evaluated from its tail.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let total = x;
    for (let n = 1; n < 60; n++) {
      term *= (2 * x2) / (2 * n + 1);
      total += term;
      // term and total share the sign of x
      if (Math.abs(term) < 1e-17 * Math.abs(total)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * total;
  }
  const r = erfcLarge(ax);
  return x > 0 ? 1 - r : r - 1;
}

/** erfc(x) for x ≥ 2.5: e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  let t = x;
  for (let n = 60; n >= 1; n--) t = x + n / 2 / t;
  return (INV_SQRT_PI * Math.exp(-x * x)) / t;
}

/** Standard normal CDF Φ(x) = ½·erfc(−x/√2), accurate in both tails. */
export function normalCdf(x: number): number {
  const z = x * Math.SQRT1_2;
  if (z < -2.5) return 0.5 * erfcLarge(-z);
  return 0.5 * (1 + erf(z));
}
