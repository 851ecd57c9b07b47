"""R's `uniroot` (Brent's zeroin, R_zeroin2 in src/library/stats/src/zeroin.c), ported line by line.

metafor finds the Paule–Mandel tau² and the Q-profile limits with `uniroot(tol = .Machine$double.eps^0.25)`,
so its answers are only as exact as that tolerance (about 1.2e-4). To agree with R to 1e-6 we must take the
very same steps, hence a port rather than scipy's brentq.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

EPSILON = sys.float_info.epsilon
R_TOL = EPSILON**0.25


class RootNotFound(ArithmeticError):
    """uniroot failed: no sign change over the interval, or too many iterations."""


def uniroot(
    func: Callable[[float], float], lower: float, upper: float, tol: float = R_TOL, maxiter: int = 1000
) -> float:
    """The root of `func` in [lower, upper], exactly as R's uniroot(f, c(lower, upper), tol, maxiter)."""
    f_lower, f_upper = func(lower), func(upper)
    if f_lower * f_upper > 0:
        raise RootNotFound("f() values at end points not of opposite sign")
    return _zeroin2(func, lower, upper, f_lower, f_upper, tol, maxiter)


def _zeroin2(
    func: Callable[[float], float], ax: float, bx: float, fa: float, fb: float, tol: float, maxiter: int
) -> float:
    a, b = ax, bx
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(maxiter + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            # Swap so that b is the best approximation.
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPSILON * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            # Interpolation may be tried: linear with two distinct points, inverse quadratic with three.
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = func(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    raise RootNotFound("uniroot did not converge")
