"""The one output-size formula: how many positions a window has along one axis.

For a window of k taps with dilation d (so it spans d(k - 1) + 1 input cells), stride s and
padding p on each side (or p_before and p_after):

    n_out = floor((n + p_before + p_after - d(k - 1) - 1) / s) + 1

which is the lessons' floor((n + 2p - d(k - 1) - 1) / s) + 1 when the padding is symmetric, and
PyTorch's for Conv2d, MaxPool2d and AvgPool2d (ceil_mode=False). Convolutions, pooling, the kernel
playground's filters, the sliding-window lesson and the receptive fields all use this function.
"""

from __future__ import annotations


def conv_output_size(n: int, k: int, stride: int = 1, padding: int | tuple[int, int] = 0, dilation: int = 1) -> int:
    """floor((n + p_before + p_after - d(k - 1) - 1) / s) + 1; `padding` is p (both sides) or (before, after).
    Zero or negative when the window does not fit."""
    before, after = (padding, padding) if isinstance(padding, int) else padding
    return (n + before + after - dilation * (k - 1) - 1) // stride + 1


def window_span(k: int, dilation: int = 1) -> int:
    """Input cells a k-tap window with dilation d covers: d(k - 1) + 1."""
    return dilation * (k - 1) + 1
