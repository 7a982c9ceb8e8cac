"""The PyTorch code that computes what the kernel playground shows, with its current numbers.

The playground's filter (``model/filters.py``) is one ``F.conv2d`` with ``groups`` equal to the
channels: one kernel slid over each colour channel on its own. Around it, the steps it takes:

    the luminance        Y = (19595 R + 38470 G + 7471 B + 2^15) >> 16   (0.299 R + 0.587 G + 0.114 B)
    the flip             w rotated by 180 degrees: convolution rather than cross-correlation
    the border           F.pad with the mode of the same meaning (edge -> replicate, wrap -> circular)
    the sum              F.conv2d(x, w / divisor, stride=s, groups=C)
    the magnitude        sqrt(a^2 + b^2) of two kernels' responses (Sobel)
    the output mapping   clip, |v|, min..max onto 0..255, or v + 128; rounded half up

Computed in float64, so it gives the page's bytes exactly (``tests/test_filter_code.py`` runs it).
"""

from __future__ import annotations

from typing import Sequence

#: The playground's border modes as F.pad's; "valid" pads nothing.
TORCH_PAD_MODES = {"zero": "constant", "edge": "replicate", "reflect": "reflect", "wrap": "circular"}

_MAPPINGS = {
    "clip": None,  # the clamp below is all it takes
    "abs": "y.abs()",
    "offset": "y + 128",
    "rescale": "(y - y.min()) * (255 / (y.max() - y.min())) if y.max() > y.min() else torch.zeros_like(y)",
}
_MAPPING_NOTES = {"abs": "|v|: edges of either sign show bright",
                  "offset": "v + 128: zero shows as mid-grey", "rescale": "min..max of the result onto 0..255"}


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def rows_text(rows: Sequence[Sequence[float]], indent: str) -> str:
    width = max(len(number_text(v)) for row in rows for v in row)
    lines = [indent + "[" + ", ".join(number_text(v).rjust(width) for v in row) + "]," for row in rows]
    return "\n".join(lines)


def torch_code(kernel: Sequence[Sequence[float]], divisor: float, *, flip: bool = False, channels: int = 3,
               luminance: bool = False, padding: str = "edge", stride: int = 1, output: str = "clip",
               second: Sequence[Sequence[float]] | None = None) -> str:
    """Runnable Python for the playground's settings. It expects ``x``, the picture as a uint8
    tensor (C, H, W) (C = 3 for colour, 1 for grey), and leaves the result in ``out``: uint8
    (C, OH, OW), the bytes the page shows. ``kernel`` is as typed (before any flip)."""
    if padding not in (*TORCH_PAD_MODES, "valid"):
        raise ValueError(f"padding must be one of {', '.join(TORCH_PAD_MODES)} or valid; got {padding!r}")
    if output not in _MAPPINGS:
        raise ValueError(f"output must be one of {', '.join(_MAPPINGS)}; got {output!r}")
    kh, kw = len(kernel), len(kernel[0])
    groups = 1 if luminance else channels
    lines = ["import torch", "import torch.nn.functional as F", "",
             "# x: the picture, a uint8 tensor (C, H, W); out: what the page shows, uint8 (C, OH, OW)",
             "x = x.to(torch.float64)[None]  # (1, C, H, W)"]
    if luminance:
        lines += ["r, g, b = x[:, 0:1].long(), x[:, 1:2].long(), x[:, 2:3].long()",
                  "x = ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16).to(torch.float64)"
                  "  # luminance: 0.299 R + 0.587 G + 0.114 B, rounded"]
    for name, rows in (("w", kernel), ("w2", second)):
        if rows is None:
            continue
        scale = "" if divisor == 1 else f" / {number_text(divisor)}  # the divisor"
        lines += [f"{name} = torch.tensor([", rows_text(rows, "    "), f"], dtype=torch.float64){scale}"]
        if flip:
            lines.append(f"{name} = {name}.flip(0, 1)  # rotated 180 degrees: a true convolution")
        lines.append(f"{name} = {name}.expand({groups}, 1, {kh}, {kw})  # the same kernel for each of "
                     f"{groups} channel{'s' if groups > 1 else ''} (groups={groups})")
    if padding != "valid":
        top, left = kh // 2, kw // 2
        pads = (left, kw - 1 - left, top, kh - 1 - top)  # F.pad: (left, right, top, bottom)
        if any(pads):
            lines.append(f"x = F.pad(x, {pads}, mode={TORCH_PAD_MODES[padding]!r})  # the border: {padding}")
    call = f"groups={groups}" if stride == 1 else f"stride={stride}, groups={groups}"
    if second is None:
        lines.append(f"y = F.conv2d(x, w, {call})[0]")
    else:
        lines.append(f"y = torch.hypot(F.conv2d(x, w, {call}), F.conv2d(x, w2, {call}))[0]  # sqrt(a^2 + b^2)")
    if _MAPPINGS[output] is not None:
        lines.append(f"y = {_MAPPINGS[output]}  # the output mapping: {_MAPPING_NOTES[output]}")
    lines.append("out = torch.floor(y + 0.5).clamp(0, 255).to(torch.uint8)  # rounded half up, kept in 0..255")
    return "\n".join(lines) + "\n"
