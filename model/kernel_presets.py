"""The kernel playground's presets: classic image-editor kernels, each with what it does and why.

Each preset is a kernel (rows of integer weights) and the divisor its sum is divided by, so
the arithmetic a learner sees stays in whole numbers. "sobel-magnitude" combines two kernels:
sqrt(Gx^2 + Gy^2) of the left-to-right and top-to-bottom Sobel responses.
"""

from __future__ import annotations

from dataclasses import dataclass

GAUSS5_ROW = [1, 4, 6, 4, 1]


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    kernel: list[list[int]]
    divisor: int
    description: str
    output: str = "clip"  # the output mapping that shows it best
    second_kernel: list[list[int]] | None = None  # combined as sqrt(a^2 + b^2)


def _outer(col: list[int], row: list[int]) -> list[list[int]]:
    return [[a * b for b in row] for a in col]


SOBEL_RIGHT = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
SOBEL_BOTTOM = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]

PRESETS: tuple[Preset, ...] = (
    Preset("identity", "Identity", [[0, 0, 0], [0, 1, 0], [0, 0, 0]], 1,
           "Copies every pixel unchanged: the only non-zero weight sits under the pixel itself."),
    Preset("box-blur", "Box blur 3x3", [[1, 1, 1], [1, 1, 1], [1, 1, 1]], 9,
           "Each pixel becomes the plain mean of its 3x3 neighbourhood, so noise and fine detail "
           "are averaged away."),
    Preset("gaussian-3", "Gaussian blur 3x3", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16,
           "A weighted mean that trusts nearer pixels more; it blurs as smoothly as a lens would, "
           "without the box blur's blocky look."),
    Preset("gaussian-5", "Gaussian blur 5x5", _outer(GAUSS5_ROW, GAUSS5_ROW), 256,
           "The same bell-shaped weights over 5x5 pixels: a wider, stronger blur."),
    Preset("sharpen", "Sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], 1,
           "Adds the difference between a pixel and its four neighbours back onto it, so edges "
           "become steeper and look crisper."),
    Preset("unsharp-mask", "Unsharp mask 5x5",
           [[-a * b if (i, j) != (2, 2) else 476 for j, b in enumerate(GAUSS5_ROW)]
            for i, a in enumerate(GAUSS5_ROW)], 256,
           "Twice the image minus its Gaussian blur: the photographer's sharpening, which boosts "
           "detail by subtracting a blurred copy."),
    Preset("outline", "Outline", [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], 1,
           "The 8-neighbour Laplacian: zero where the image is flat, bright where a pixel differs "
           "from the ones around it, which draws the outlines."),
    Preset("laplacian", "Laplacian", [[0, 1, 0], [1, -4, 1], [0, 1, 0]], 1,
           "The 4-neighbour second derivative: it responds to changes in brightness on both sides "
           "of an edge, with opposite signs (shown around mid-grey).", output="offset"),
    Preset("sobel-top", "Sobel top", [[1, 2, 1], [0, 0, 0], [-1, -2, -1]], 1,
           "Brighter above than below gives a positive response: it finds horizontal edges that "
           "are lit from the top."),
    Preset("sobel-bottom", "Sobel bottom", SOBEL_BOTTOM, 1,
           "Brighter below than above: horizontal edges lit from the bottom."),
    Preset("sobel-left", "Sobel left", [[1, 0, -1], [2, 0, -2], [1, 0, -1]], 1,
           "Brighter on the left than on the right: vertical edges lit from the left."),
    Preset("sobel-right", "Sobel right", SOBEL_RIGHT, 1,
           "Brighter on the right: vertical edges lit from the right. The centre row counts twice, "
           "which smooths along the edge while differentiating across it."),
    Preset("prewitt", "Prewitt", [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], 1,
           "Like Sobel right but with equal weights: a plain difference of the right and left "
           "columns, shown around mid-grey so both signs of edge are visible.", output="offset"),
    Preset("emboss", "Emboss", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], 1,
           "Differences along the diagonal added to the pixel itself: edges facing one way turn "
           "light, the other way dark, as if pressed into metal."),
    Preset("motion-blur", "Motion blur", [[int(i == j) for j in range(9)] for i in range(9)], 9,
           "The mean along a 9-pixel diagonal line: the smear of a camera moving diagonally while "
           "the shutter is open."),
    Preset("shift", "Shift (delay)", [[1, 0, 0, 0, 0, 0, 0, 0, 0]], 1,
           "The tutorial's delay kernel [1, 0, 0] made wider: every output pixel copies the input "
           "pixel 4 to its left, so the whole picture moves right by 4 pixels."),
    Preset("sobel-magnitude", "Sobel magnitude", SOBEL_RIGHT, 1,
           "Two kernels at once: sqrt(Gx^2 + Gy^2) of Sobel right (Gx) and Sobel bottom (Gy), the "
           "strength of an edge whatever its direction.", second_kernel=SOBEL_BOTTOM),
)

PRESETS_BY_NAME = {p.name: p for p in PRESETS}


def _flipped(rows: list[list[int]] | None) -> list[list[int]] | None:
    """Rotated by 180 degrees: row order and column order reversed."""
    return None if rows is None else [row[::-1] for row in rows[::-1]]


def applied_name(preset_name: str | None, flip: bool) -> str:
    """The name of the kernel as applied: the preset's own, or with ``flip`` the preset it turns into
    (Sobel left flipped is "sobel-right"; a blur flipped is still itself), else "<preset>-flipped";
    "custom" for weights that are no preset. The kernel playground names its downloads the same way."""
    preset = PRESETS_BY_NAME.get(preset_name or "")
    if preset is None:
        return "custom"
    if not flip:
        return preset.name
    kernel, second = _flipped(preset.kernel), _flipped(preset.second_kernel)
    for candidate in (preset, *PRESETS):
        if candidate.kernel == kernel and candidate.second_kernel == second:
            return candidate.name
    return f"{preset.name}-flipped"
