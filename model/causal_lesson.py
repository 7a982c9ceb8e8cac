"""1-D convolution, "same" against causal, and dilated causal stacks, as their lesson shows them.

A signal x_0 .. x_{L-1} through a K-tap kernel w with dilation d (``model/functional.py``):

    same     y_t = sum_u w_u * x_{t + (u - (K-1)/2)*d}    centred: it looks (K-1)*d/2 samples ahead
    causal   y_t = sum_u w_u * x_{t - (K-1-u)*d}          (K-1)*d zeros on the left only: never ahead

Both keep the length L. A causal output can be computed as the signal arrives (audio, text, a
sensor); a "same" one needs samples that have not come yet.

A stack of causal layers with dilations d_i sees

    R = 1 + sum_i (K - 1) * d_i

inputs: with K = 2 and d = 1, 2, 4, ..., 2^(n-1) (WaveNet, van den Oord et al. 2016) that is 2^n,
against n + 1 without dilation. The lesson finds which inputs reach the last output by sending a
gradient back through the stack (``causal_conv1d_backward``): the inputs it reaches are the
receptive field, and its values (with all-ones kernels) count the paths from each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.filter_code import number_text
from model.functional import causal_conv1d, causal_conv1d_backward, conv1d

#: The lesson's ranges, the one source of truth for its API and its page.
MIN_LENGTH, MAX_LENGTH = 8, 64
MAX_TAPS = 7
MAX_DILATION = 8
MAX_LAYERS = 6
STACK_TAPS = (2, 3)
SIGNALS = ("sine", "step")
MAX_NOISE = 1.0


def make_signal(kind: str, length: int, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A sine of period 16 samples with Gaussian noise of that standard deviation, or a step from 0
    to 1 half-way (plus the same noise)."""
    t = np.arange(length)
    clean = np.sin(2 * np.pi * t / 16) if kind == "sine" else (t >= length // 2).astype(np.float64)
    return np.round(clean + noise * np.random.default_rng(seed).standard_normal(length), 4)


def check_kernel(taps: int, dilation: int, length: int) -> None:
    if (taps - 1) * dilation >= length:
        raise ValueError(f"a {taps}-tap kernel with dilation {dilation} spans {(taps - 1) * dilation + 1} samples, "
                         f"more than the {length} of the signal: shorten the kernel or the dilation")
    if taps % 2 == 0:
        raise ValueError(f"'same' padding centres the kernel, so it needs an odd number of taps; got {taps}")


@dataclass(frozen=True)
class SameAndCausal:
    same: np.ndarray  # (L,): conv1d(x, w, padding="same", dilation=d)
    causal: np.ndarray  # (L,): causal_conv1d(x, w, dilation=d)
    ahead: int  # samples the "same" output looks ahead: (K-1)*d/2
    code: str


def same_and_causal(x: np.ndarray, w: np.ndarray, dilation: int) -> SameAndCausal:
    """The signal (L,) through the kernel (K,) both ways."""
    check_kernel(len(w), dilation, len(x))
    x3, w3 = x[None, None], w[None, None]  # (L,) -> (N=1, C=1, L); (K,) -> (C_out=1, C_in=1, K)
    same = conv1d(x3, w3, padding="same", dilation=dilation)[0, 0]
    causal = causal_conv1d(x3, w3, dilation=dilation)[0, 0]
    return SameAndCausal(same, causal, (len(w) - 1) * dilation // 2, torch_code(x, w, dilation))


def dilations(layers: int, dilated: bool) -> list[int]:
    return [2 ** i if dilated else 1 for i in range(layers)]


def receptive_fields(taps: int, ds: list[int]) -> list[int]:
    """After each layer: 1 + sum over the layers so far of (K - 1) * d."""
    return [1 + sum((taps - 1) * d for d in ds[: i + 1]) for i in range(len(ds))]


@dataclass(frozen=True)
class Stack:
    dilations: list[int]
    fields: list[int]  # receptive field after each layer, by the formula
    other_fields: list[int]  # the same layers with the other choice: undilated if dilated, and back
    paths: np.ndarray  # (layers + 1, L): paths from each unit to the last output; row 0 is the input
    output: np.ndarray  # (L,): the stack's output on the signal, each kernel an average of its taps
    code: str


def causal_stack(x: np.ndarray, taps: int, layers: int, dilated: bool) -> Stack:
    """A stack of causal layers on the signal x (L,), and which units reach its last output."""
    ds = dilations(layers, dilated)
    ones = np.ones((1, 1, taps))  # (C_out=1, C_in=1, K)
    activations, h = [x[None, None]], x[None, None]
    for d in ds:
        h = causal_conv1d(h, ones / taps, dilation=d)
        activations.append(h)
    # Back from the last output: one unit of gradient at t = L - 1, through every layer.
    delta = np.zeros_like(h)
    delta[0, 0, -1] = 1.0
    paths = [delta[0, 0]]
    for d, below in zip(reversed(ds), reversed(activations[:-1])):
        delta = causal_conv1d_backward(delta, below, ones, dilation=d)[0]
        paths.append(delta[0, 0])
    return Stack(ds, receptive_fields(taps, ds), receptive_fields(taps, dilations(layers, not dilated)), np.array(paths[::-1]),
                 h[0, 0], stack_code(x, taps, ds))


def torch_code(x: np.ndarray, w: np.ndarray, dilation: int) -> str:
    """Runnable PyTorch that prints the lesson's two outputs."""
    k = len(w)
    return "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = torch.tensor([{', '.join(number_text(v) for v in x)}], dtype=torch.float64)[None, None]  # (N, C, L)",
        f"w = torch.tensor([{', '.join(number_text(v) for v in w)}], dtype=torch.float64)[None, None]  # (C_out, C_in, K)",
        "",
        f"same = F.conv1d(x, w, padding=\"same\", dilation={dilation})",
        f"# Causal: ({k} - 1) * {dilation} = {(k - 1) * dilation} zeros on the left only; PyTorch has no causal flag",
        f"causal = F.conv1d(F.pad(x, ({(k - 1) * dilation}, 0)), w, dilation={dilation})",
        "print(same[0, 0].tolist())",
        "print(causal[0, 0].tolist())",
    ]) + "\n"


def stack_code(x: np.ndarray, taps: int, ds: list[int]) -> str:
    """Runnable PyTorch that prints the stack's output and the inputs that reach its last output."""
    return "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = torch.tensor([{', '.join(number_text(v) for v in x)}], dtype=torch.float64)[None, None]",
        "x.requires_grad_(True)",
        f"w = torch.full((1, 1, {taps}), 1 / {taps}, dtype=torch.float64)  # each layer: the average of its taps",
        "h = x",
        f"for d in {ds}:  # dilated causal layers, WaveNet-style",
        f"    h = F.conv1d(F.pad(h, (({taps} - 1) * d, 0)), w, dilation=d)",
        "print(h[0, 0].tolist())",
        "h[0, 0, -1].backward()  # which inputs reach the last output?",
        "print([t for t in range(x.shape[-1]) if x.grad[0, 0, t] != 0])",
    ]) + "\n"
