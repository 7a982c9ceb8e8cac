"""The PyTorch code the kernel playground shows, run in PyTorch: it gives the page's bytes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.filter_code import torch_code
from model.filters import apply_filter, luminance, make_kernel
from model.kernel_presets import PRESETS

RNG = np.random.default_rng(7)
PICTURE = RNG.integers(0, 256, size=(13, 17, 3), dtype=np.uint8)


def run_shown(code: str, pixels: np.ndarray) -> np.ndarray:
    """Executes the shown code on ``pixels`` (H, W, C) -> ``out`` as (OH, OW, C)."""
    scope = {"x": torch.from_numpy(pixels.transpose(2, 0, 1).copy())}
    exec(compile(code, "<shown code>", "exec"), scope)  # noqa: S102 - our own generated code
    out = scope["out"]
    assert out.dtype == torch.uint8
    return out.numpy().transpose(1, 2, 0)


def page(rows, divisor, flip, luminance_only, padding, stride, output, second=None):  # noqa: ANN001, ANN201
    pixels = luminance(PICTURE) if luminance_only else PICTURE
    kernel = make_kernel(rows, divisor, flip=flip)
    other = None if second is None else make_kernel(second, divisor, flip=flip)
    return apply_filter(pixels, kernel, padding, stride, output, other)


@pytest.mark.parametrize("padding", ["zero", "edge", "reflect", "wrap", "valid"])
@pytest.mark.parametrize("output", ["clip", "abs", "rescale", "offset"])
def test_the_shown_code_gives_the_pages_bytes_for_every_border_and_mapping(padding: str, output: str) -> None:
    for trial in range(4):
        kh, kw = (int(v) for v in RNG.integers(1, 6, size=2))
        rows = RNG.integers(-4, 5, size=(kh, kw)).tolist()
        divisor = float(RNG.choice([1, 2, 9, 16, 3.5]))
        flip, lum, stride = bool(trial % 2), trial == 3, int(RNG.integers(1, 4))
        code = torch_code(rows, divisor, flip=flip, luminance=lum, padding=padding, stride=stride, output=output)
        shown = run_shown(code, PICTURE)
        expected = page(rows, divisor, flip, lum, padding, stride, output)
        assert shown.shape == expected.shape, code
        assert np.array_equal(shown, expected), code


@pytest.mark.parametrize("preset", [p.name for p in PRESETS])
def test_every_preset_as_shown_gives_the_pages_bytes(preset: str) -> None:
    p = next(p for p in PRESETS if p.name == preset)
    code = torch_code(p.kernel, p.divisor, padding="edge", output=p.output, second=p.second_kernel)
    assert np.array_equal(run_shown(code, PICTURE), page(p.kernel, p.divisor, False, False, "edge", 1, p.output,
                                                         p.second_kernel)), code


def test_the_code_states_the_current_numbers() -> None:
    code = torch_code([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], 1, flip=True, padding="wrap", stride=2, output="clip")
    assert "F.conv2d(x, w, stride=2, groups=3)" in code
    assert "mode='circular'" in code and "w.flip(0, 1)" in code
    assert "[-1,  5, -1]," in code
