"""L2-regularised logistic regression fitted by Newton's method (numpy only).

With a handful of features Newton converges in under ten steps and is deterministic;
the small ridge penalty keeps it finite when a feature separates the classes perfectly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def sigmoid(eta: FloatArray) -> FloatArray:
    """Logistic function, safe for large |eta|."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(eta, -35.0, 35.0))), dtype=np.float64)


def fit_logistic(
    design: FloatArray, outcome: FloatArray, *, l2: float = 1.0, max_iter: int = 50
) -> FloatArray:
    """Weights w (column 0 of `design` is the unpenalised intercept) maximising the
    penalised likelihood of `outcome` (0/1)."""
    n, p = design.shape
    if outcome.shape != (n,) or n == 0:
        raise ValueError("outcome must be a vector matching the design rows")
    penalty = np.full(p, l2, dtype=np.float64)
    penalty[0] = 0.0
    weights = np.zeros(p, dtype=np.float64)
    for _ in range(max_iter):
        mu = sigmoid(design @ weights)
        gradient = design.T @ (mu - outcome) + penalty * weights
        hessian = (design.T * (mu * (1.0 - mu))) @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return weights
