"""Grouped convolution, from groups = 1 to depthwise, as its lesson shows it.

A convolution with G groups splits its C_in input channels and its C_out filters into G equal
groups; filter f belongs to group g = f // (C_out/G) and sees only that group's C_in/G channels:

    out[n, f] = sum over c < C_in/G of  w[f, c] (*) x[n, g*C_in/G + c]
    weights        C_out * (C_in/G) * k * k            (+ C_out biases)
    multiply-adds  C_out * (C_in/G) * k * k * H_out * W_out

so every step up in G divides both by it. G must divide C_in and C_out. At G = 1 it is LeNet's
convolution (every filter sees every channel); at G = C_in each filter sees one channel, the
depthwise convolution; a depthwise 3x3 followed by a 1x1 convolution that mixes the channels is
the depthwise separable layer (MobileNets), whose cost the seed writes

    D_K^2 * M * D_F^2 + M * N * D_F^2    against    D_K^2 * M * N * D_F^2

(``model/conv_types.py``). The timings are the engine's own ``conv2d`` (``model/functional.py``)
on a batch of random images, best of a few runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.conv_types import best_of, cost_formulas, costs
from model.functional import conv2d

#: The lesson's ranges, the one source of truth for its API and its page.
MAX_CHANNELS = 16  # C_in and C_out
KERNELS = (1, 3, 5, 7)  # odd: "same" padding keeps the map's size
MIN_SIZE, MAX_SIZE = 4, 48  # the feature map's side, D_F
TIMING_BATCH = 4  # images per timed call
TIMING_REPEATS = 3


def valid_groups(c_in: int, c_out: int) -> list[int]:
    """Every G that divides both channel counts, smallest first: the slider's stops."""
    common = math.gcd(c_in, c_out)
    return [g for g in range(1, common + 1) if common % g == 0]


def check_groups(c_in: int, c_out: int, groups: int) -> None:
    if groups not in valid_groups(c_in, c_out):
        raise ValueError(f"groups must divide both the {c_in} input channels and the {c_out} filters "
                         f"(it can be {', '.join(map(str, valid_groups(c_in, c_out)))}); got {groups}")


def channels_seen(c_in: int, c_out: int, groups: int) -> list[list[int]]:
    """For each filter f, the input channels it sees: those of its group f // (C_out/G)."""
    per_group_in, per_group_out = c_in // groups, c_out // groups
    return [list(range((f // per_group_out) * per_group_in, (f // per_group_out + 1) * per_group_in))
            for f in range(c_out)]


@dataclass(frozen=True)
class Setting:
    groups: int
    weights: int
    macs: int
    weights_formula: str
    macs_formula: str
    seconds: float  # measured: one call on TIMING_BATCH images


def setting_costs(c_in: int, c_out: int, k: int, size: int, groups: int) -> tuple[int, int, str, str]:
    """(weights, multiply-adds, each formula with the numbers in it) for one G."""
    per = c_in // groups
    weights = c_out * per * k * k
    macs = weights * size * size
    return (weights, macs, f"{c_out} \u00d7 {per} \u00d7 {k} \u00d7 {k} = {weights:,}",
            f"{c_out} \u00d7 {per} \u00d7 {k} \u00d7 {k} \u00d7 {size} \u00d7 {size} = {macs:,}")


def time_setting(c_in: int, c_out: int, k: int, size: int, groups: int, seed: int = 0) -> float:
    """Seconds for the engine's conv2d with G groups on TIMING_BATCH random images, best of a few."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((TIMING_BATCH, c_in, size, size)).astype(np.float32)  # (N, C_in, H, W)
    w = rng.standard_normal((c_out, c_in // groups, k, k)).astype(np.float32)  # (C_out, C_in/G, k, k)
    return best_of(lambda: conv2d(x, w, padding="same", groups=groups), TIMING_REPEATS)


def settings(c_in: int, c_out: int, k: int, size: int) -> list[Setting]:
    """Every G the channels allow, with its costs and the engine's time."""
    out = []
    for g in valid_groups(c_in, c_out):
        weights, macs, wf, mf = setting_costs(c_in, c_out, k, size, g)
        out.append(Setting(g, weights, macs, wf, mf, time_setting(c_in, c_out, k, size, g)))
    return out


@dataclass(frozen=True)
class Separable:
    """Depthwise (G = C_in, one k x k kernel per channel) then a 1x1 convolution to C_out."""

    standard: int
    separable: int
    ratio: float
    formulas: dict[str, str]  # model/conv_types.py's, with M = C_in, N = C_out, D_K = k, D_F = size
    seconds_standard: float
    seconds_separable: float


def separable(c_in: int, c_out: int, k: int, size: int, seed: int = 0) -> Separable:
    c = costs(k, c_in, c_out, size)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((TIMING_BATCH, c_in, size, size)).astype(np.float32)  # (N, M, H, W)
    full = rng.standard_normal((c_out, c_in, k, k)).astype(np.float32)  # (N, M, k, k)
    depthwise = rng.standard_normal((c_in, 1, k, k)).astype(np.float32)  # (M, 1, k, k)
    pointwise = rng.standard_normal((c_out, c_in, 1, 1)).astype(np.float32)  # (N, M, 1, 1)
    return Separable(
        c.standard, c.separable, c.ratio, cost_formulas(k, c_in, c_out, size),
        best_of(lambda: conv2d(x, full, padding="same"), TIMING_REPEATS),
        best_of(lambda: conv2d(conv2d(x, depthwise, padding="same", groups=c_in), pointwise), TIMING_REPEATS),
    )


def torch_code(c_in: int, c_out: int, k: int, size: int, groups: int) -> str:
    """Runnable PyTorch that prints what the lesson shows for this G: the weight's shape, the
    weights, and which input channels reach each filter (the nonzero gradient of its output)."""
    return "\n".join([
        "import torch",
        "",
        f"conv = torch.nn.Conv2d({c_in}, {c_out}, kernel_size={k}, padding={k // 2}, groups={groups}, bias=False)",
        "print(tuple(conv.weight.shape))  # (C_out, C_in / groups, k, k)",
        "print(conv.weight.numel())  # the weights",
        "",
        "# Which input channels each filter sees: those its output's gradient reaches",
        f"x = torch.randn(1, {c_in}, {size}, {size}, requires_grad=True)",
        "y = conv(x)",
        f"for f in range({c_out}):",
        "    (grad,) = torch.autograd.grad(y[0, f].sum(), x, retain_graph=True)",
        f"    print(f, [c for c in range({c_in}) if grad[0, c].abs().sum() > 0])",
    ]) + "\n"
