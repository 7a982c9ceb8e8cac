"""Batch normalisation (Ioffe & Szegedy 2015), 2-D over feature maps and 1-D over features.

Per channel c, over the batch (and, for maps, every position):

    training:    mu_c, var_c = mean and biased variance of the batch's values of channel c
                 xhat = (x - mu_c) / sqrt(var_c + eps),  out = gamma_c * xhat + beta_c
                 running_mean <- (1 - m) running_mean + m mu_c
                 running_var  <- (1 - m) running_var  + m var_c * M / (M - 1)   (unbiased, M values)
    evaluation:  the same with running_mean and running_var in place of mu_c and var_c

with eps = 1e-5 and momentum m = 0.1, as ``torch.nn.BatchNorm2d/1d`` (whose ``state_dict`` keys
weight, bias, running_mean, running_var and num_batches_tracked these are). Backward, training
(the batch statistics depend on x; sums over the M values of a channel):

    dL/dgamma = sum(dout * xhat),  dL/dbeta = sum(dout)
    dL/dx = gamma / sqrt(var + eps) / M * (M * dout - sum(dout) - xhat * sum(dout * xhat))

and in evaluation mode the statistics are constants: dL/dx = dout * gamma / sqrt(running_var + eps).

Which statistics are used follows ``layer.training`` (``Sequential.train(mode)``), not the
``train`` argument of ``forward``: that one only says whether to keep what backward needs, so
a unit of a trained network can be explained (forward and backward) in evaluation mode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.layers import Layer, Shape

EPS, MOMENTUM = 1e-5, 0.1


def _axes(x: np.ndarray) -> tuple[int, ...]:
    """Every axis but the channel's: (C, H, W, N) -> (1, 2, 3); (D, N) -> (1,)."""
    return tuple(range(1, x.ndim))


def _per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """(C,) -> broadcastable against (C, H, W, N) or (C, N)."""
    return v.reshape((-1,) + (1,) * (ndim - 1))


def batch_statistics(x: np.ndarray, half: Any = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Per channel: (mean, biased variance, count M) over the batch and every position. For half
    a batch (``model/data_parallel.Half``), over the whole batch: the halves swap their own and
    combine them, M = M0 + M1, d = mu1 - mu0, mu = mu0 + d M1 / M,
    var = (M0 v0 + M1 v1) / M + d^2 M0 M1 / M^2."""
    m = x.size // x.shape[0]
    # (C, H, W, N) or (C, N) -> (C, M): each channel's values in a row
    rows = x.reshape(x.shape[0], m)
    mean = rows.mean(axis=1)
    centred = rows - mean[:, None]
    var = np.einsum("cm,cm->c", centred, centred) / m  # one pass, no squares kept
    if half is None:
        return mean, var, m
    (m0, mu0, v0), (m1, mu1, v1) = half.exchange.swap(half.part, (m, mean, var))
    total = m0 + m1
    d = mu1 - mu0
    return mu0 + d * (m1 / total), (m0 * v0 + m1 * v1) / total + d * d * (m0 * m1 / total ** 2), total


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray | None = None,
                      var: np.ndarray | None = None, half: Any = None) -> tuple[np.ndarray, dict[str, Any]]:
    """x: (C, H, W, N) or (C, N) batch-last. With ``mean`` and ``var`` given (evaluation), they
    are used; else the batch's own (training; the whole batch's, for ``half`` of one). ->
    (out, cache); the cache also holds the batch statistics the caller folds into the running ones."""
    batch_stats = mean is None
    count = x.size // x.shape[0]
    if batch_stats:
        mean, var, count = batch_statistics(x, half)
    inv_std = 1.0 / np.sqrt(var + EPS)
    xhat = x - _per_channel(mean, x.ndim)
    xhat *= _per_channel(inv_std, x.ndim)
    out = xhat * _per_channel(gamma, x.ndim)
    out += _per_channel(beta, x.ndim)
    return out, {"xhat": xhat, "inv_std": inv_std, "gamma": gamma, "batch_stats": batch_stats,
                 "mean": mean, "var": var, "count": count}


def batchnorm_backward(dout: np.ndarray, cache: dict[str, Any], half: Any = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-> (dL/dx, dL/dgamma, dL/dbeta). For ``half`` a batch, dL/dgamma and dL/dbeta are this
    half's sums, and dL/dx uses the whole batch's (the halves swap theirs)."""
    xhat, inv_std, gamma, m = cache["xhat"], cache["inv_std"], cache["gamma"], cache["count"]
    axes, nd = _axes(dout), dout.ndim
    c = dout.shape[0]
    # (C, H, W, N) or (C, N) -> (C, M)
    dgamma = np.einsum("cm,cm->c", dout.reshape(c, -1), xhat.reshape(c, -1))
    dbeta = dout.sum(axis=axes)
    scale = _per_channel(gamma * inv_std, nd)
    if not cache["batch_stats"]:
        return dout * scale, dgamma, dbeta
    all_dgamma, all_dbeta = dgamma, dbeta
    if half is not None:
        (g0, b0), (g1, b1) = half.exchange.swap(half.part, (dgamma, dbeta))
        all_dgamma, all_dbeta = g0 + g1, b0 + b1
    # dx = scale / M * (M dout - sum(dout) - xhat sum(dout xhat)), as dout*scale - xhat*k - k0
    dx = dout * scale
    dx -= xhat * _per_channel(gamma * inv_std * all_dgamma / m, nd)
    dx -= _per_channel(gamma * inv_std * all_dbeta / m, nd)
    return dx, dgamma, dbeta


class BatchNorm(Layer):
    """BatchNorm2d over maps (C, H, W) or BatchNorm1d over features (D,): ``spatial`` says which."""

    def __init__(self, channels: int, spatial: bool, dtype: Any = np.float32) -> None:
        super().__init__()
        self.channels, self.spatial = channels, spatial
        self.kind = "BatchNorm2d" if spatial else "BatchNorm1d"
        self.params["weight"] = np.ones(channels, dtype=dtype)
        self.params["bias"] = np.zeros(channels, dtype=dtype)
        self.buffers = {"running_mean": np.zeros(channels, dtype=dtype), "running_var": np.ones(channels, dtype=dtype),
                        "num_batches_tracked": np.zeros((), dtype=np.int64)}
        self.zero_grads()

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        p, b = self.params, self.buffers
        stats = (None, None) if self.training else (b["running_mean"], b["running_var"])
        out, cache = batchnorm_forward(x, p["weight"], p["bias"], *stats, half=self.half)
        if self.training and (self.half is None or self.half.part == 0):  # one update for a split batch
            m = cache["count"]
            b["running_mean"][...] = (1 - MOMENTUM) * b["running_mean"] + MOMENTUM * cache["mean"]
            b["running_var"][...] = (1 - MOMENTUM) * b["running_var"] + MOMENTUM * cache["var"] * (m / max(m - 1, 1))
            b["num_batches_tracked"][...] += 1
        if train:
            self.cache = cache
        return out.astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx, self.grads["weight"][...], self.grads["bias"][...] = batchnorm_backward(dout, self.cache, self.half)
        return dx if self.needs_input_grad else None

    def output_shape(self, input_shape: Shape) -> Shape:
        want = 3 if self.spatial else 1
        if len(input_shape) != want or input_shape[0] != self.channels:
            raise ValueError(f"{self.kind}({self.channels}) does not fit an input of {input_shape}")
        return input_shape

    def describe(self) -> str:
        return f"{self.channels} {'channels' if self.spatial else 'features'}"
