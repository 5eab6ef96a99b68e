"""The numerical part of `infra/train_crisis_screen.py`: L2-penalised logistic regression by Newton's method
(deterministic: from zero, exact solves, no random start), and the n-gram vocabulary (kept buckets, IDF).

With the n-gram columns there are more features (~3,000) than rows (~750), so each Newton step solves in
row space (Woodbury identity: an n x n system instead of d x d). The bias gets a tiny penalty (`BIAS_L2`)
so the same identity applies to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

NEWTON_STEPS = 60
BIAS_L2 = 1e-3


def sigmoid(z: Array) -> Array:
    out: Array = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    return out


def fit(x: Array, y: Array, l2: float, sample_weight: Array | None = None) -> Array:
    """Weights of an L2-penalised logistic regression (penalty `l2` on every feature, `BIAS_L2` on the
    bias); the last entry is the bias. Newton's method from zero until the step is below 1e-9."""
    n, d = x.shape
    x1 = np.hstack([x, np.ones((n, 1))])
    weight = np.ones(n) if sample_weight is None else sample_weight
    penalty = np.full(d + 1, l2)
    penalty[-1] = BIAS_L2
    inverse = 1.0 / penalty
    w = np.zeros(d + 1)
    for _ in range(NEWTON_STEPS):
        p = sigmoid(x1 @ w)
        gradient = x1.T @ (weight * (p - y)) + penalty * w
        curvature = weight * p * (1.0 - p)
        if d + 1 <= n:
            hessian = (x1 * curvature[:, None]).T @ x1 + np.diag(penalty)
            step = np.linalg.solve(hessian, gradient)
        else:  # (P + Z'Z)^-1 g = P^-1 g - P^-1 Z' (I + Z P^-1 Z')^-1 Z P^-1 g, with Z = sqrt(D) X
            z = x1 * np.sqrt(curvature)[:, None]
            zp = z * inverse
            inner = np.eye(n) + zp @ z.T
            step = inverse * gradient - inverse * (z.T @ np.linalg.solve(inner, zp @ gradient))
        w -= step
        if float(np.abs(step).max()) < 1e-9:
            break
    return w


def predict(x: Array, w: Array) -> Array:
    return sigmoid(x @ w[:-1] + w[-1])


def vocabulary(documents: Sequence[dict[int, int]], min_df: int) -> tuple[list[int], list[float]]:
    """The buckets found in at least `min_df` documents (sorted), with smoothed IDF
    `ln((1 + n) / (1 + df)) + 1`."""
    df: dict[int, int] = {}
    for counts in documents:
        for bucket in counts:
            df[bucket] = df.get(bucket, 0) + 1
    kept = sorted(b for b, k in df.items() if k >= min_df)
    n = len(documents)
    return kept, [math.log((1 + n) / (1 + df[b])) + 1.0 for b in kept]


def tfidf_matrix(documents: Sequence[dict[int, int]], buckets: Sequence[int], idf: Sequence[float]) -> Array:
    """Dense rows of sublinear TF-IDF, L2-normalised (as `shared.safety.ngrams.tfidf` computes one)."""
    column = {b: k for k, b in enumerate(buckets)}
    out = np.zeros((len(documents), len(buckets)))
    for row, counts in enumerate(documents):
        for bucket, count in counts.items():
            k = column.get(bucket)
            if k is not None:
                out[row, k] = (1.0 + math.log(count)) * idf[k]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    normalised: Array = out / np.where(norms > 0.0, norms, 1.0)
    return normalised
