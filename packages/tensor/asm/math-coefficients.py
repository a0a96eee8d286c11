# Prints the polynomial coefficients of asm/math.ts (run: python3 math-coefficients.py; needs mpmath).
#
# Near-minimax (Chebyshev) fits in 50-digit arithmetic, printed as the nearest doubles:
#   e^r = 1 + r + r^2 * P(r)             on |r| <= ln2/2, P of degree 9
#   2 atanh(s) = 2s + s * z * Q(z)       with z = s^2 <= ((sqrt2 - 1)/(sqrt2 + 1))^2, Q of degree 6
# and one degree less of each for pow, whose own rounding (up to 2.3e-14) dwarfs theirs.
# The last line of each block is the fit's largest absolute error on its interval.
import mpmath as mp

mp.mp.dps = 50


def P(r):
    if abs(r) < mp.mpf('1e-20'):
        return mp.mpf(1) / 2 + r / 6
    return (mp.exp(r) - 1 - r) / r**2


def Q(z):
    if z < mp.mpf('1e-30'):
        return mp.mpf(2) / 3 + 2 * z / 5
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) / s - 2) / z


ln2 = mp.log(2)
zmax = ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2
for name, f, interval, degree in (('EXP_P', P, [-ln2 / 2, ln2 / 2], 9), ('LOG_Q', Q, [0, zmax], 6),
                                  ('POW_EXP_P', P, [-ln2 / 2, ln2 / 2], 8), ('POW_LOG_Q', Q, [0, zmax], 5)):
    coefficients, error = mp.chebyfit(f, interval, degree + 1, error=True)
    print(f'{name}, constant term first:')
    for c in reversed(coefficients):
        print(f'  {repr(float(c))}')
    print(f'  max error {mp.nstr(error, 3)}')
