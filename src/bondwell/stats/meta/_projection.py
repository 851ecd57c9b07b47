"""The weighted residual projection P = W − W X (XᵀWX)⁻¹ XᵀW of metafor, without ever forming the k×k matrix.

metafor builds P densely; at k = 10,000 that is 800 MB. Every quantity it needs from P is a quadratic
form or a trace, and each reduces to p×p matrices of the form Xᵀ diag(d) X: O(k·p²) per evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def cross(X: FloatArray, d: FloatArray) -> FloatArray:
    """Xᵀ diag(d) X."""
    result: FloatArray = (X * d[:, None]).T @ X
    return result


def _trace_product(A: FloatArray, B: FloatArray) -> float:
    """tr(A B) for square A, B."""
    return float(np.sum(A * B.T))


@dataclass(frozen=True)
class Projection:
    """P for weights `w` (a vector) and design `X` (k×p)."""

    w: FloatArray
    X: FloatArray

    @cached_property
    def inverse(self) -> FloatArray:
        """(XᵀWX)⁻¹, metafor's stXWX, computed its way: from the QR decomposition of √W X.

        Following metafor's arithmetic (rather than a plain inverse) keeps exact ties exact, e.g. a one-study
        fit returning y itself, which decides ranks of zero residuals in trim-and-fill.
        """
        r: FloatArray = np.asarray(np.linalg.qr(np.sqrt(self.w)[:, None] * self.X, mode="r"), dtype=np.float64)
        r_inv: FloatArray = 1.0 / r if r.shape == (1, 1) else np.asarray(np.linalg.inv(r), dtype=np.float64)
        result: FloatArray = r_inv @ r_inv.T
        return result

    def log_det(self) -> float:
        """log |XᵀWX|."""
        return float(np.linalg.slogdet(cross(self.X, self.w))[1])

    def coefficients(self, y: FloatArray) -> FloatArray:
        """Weighted least squares β = (XᵀWX)⁻¹ XᵀW y."""
        # metafor: stXWX %*% crossprod(X, W) %*% Y, evaluated left to right.
        result: FloatArray = (self.inverse @ (self.X.T * self.w)) @ y
        return result

    def apply(self, y: FloatArray) -> FloatArray:
        """P y = W (y − X β)."""
        return self.w * (y - self.X @ self.coefficients(y))

    def quadratic(self, y: FloatArray) -> float:
        """yᵀ P y, the weighted residual sum of squares."""
        residual = y - self.X @ self.coefficients(y)
        return float(np.sum(self.w * residual**2))

    def trace(self) -> float:
        """tr(P)."""
        return float(np.sum(self.w)) - _trace_product(self.inverse, cross(self.X, self.w**2))

    def trace_squared(self) -> float:
        """tr(PP), which equals sum(P * P) since P is symmetric."""
        S, w = self.inverse, self.w
        B = cross(self.X, w**2)
        return float(np.sum(w**2)) - 2 * _trace_product(S, cross(self.X, w**3)) + _trace_product(S @ B, S @ B)

    def trace_pv(self, v: FloatArray) -> float:
        """tr(P V) with V = diag(v)."""
        return float(np.sum(self.w * v)) - _trace_product(self.inverse, cross(self.X, self.w**2 * v))

    def trace_pvpv(self, v: FloatArray) -> float:
        """tr(PV PV), metafor's sum(PV * t(PV))."""
        S, w = self.inverse, self.w
        C = cross(self.X, w**2 * v)
        middle = _trace_product(S, cross(self.X, w**3 * v**2))
        return float(np.sum((w * v) ** 2)) - 2 * middle + _trace_product(S @ C, S @ C)

    def trace_ppv(self, v: FloatArray) -> float:
        """tr(P P V), metafor's sum(PV * P)."""
        S, w = self.inverse, self.w
        B = cross(self.X, w**2)
        return (
            float(np.sum(w**2 * v))
            - 2 * _trace_product(S, cross(self.X, w**3 * v))
            + _trace_product(S @ B, S @ cross(self.X, w**2 * v))
        )
