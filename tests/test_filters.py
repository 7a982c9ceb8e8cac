"""Image filtering against scipy.ndimage.correlate (float64), and the pieces of the fast path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.ndimage as ndi
from PIL import Image

from model.filter_plan import make_plan, separate
from model.filters import (OUTPUT_MAPPINGS, apply_filter, correlate_image, explain_pixel, filter_image,
                           filter_values, luminance, make_kernel, map_output, output_size)
from model.kernel_presets import PRESETS

SAMPLES = Path(__file__).resolve().parent.parent / "static" / "samples"
if not SAMPLES.is_dir():  # before the page's copy lands
    SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SCIPY_MODE = {"zero": "constant", "edge": "nearest", "reflect": "mirror", "wrap": "wrap"}
PADDINGS = ["zero", "edge", "reflect", "wrap", "valid"]


def _load(name: str, crop: int = 160) -> np.ndarray:
    im = Image.open(SAMPLES / name)
    arr = np.asarray(im.convert("RGB") if im.mode != "L" else im)
    arr = arr if arr.ndim == 3 else arr[..., None]
    return np.ascontiguousarray(arr[:crop, :crop + 37])  # odd sizes, and fast


@pytest.fixture(scope="module", params=["astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png",
                                        "rocket.jpg"])
def photo(request) -> np.ndarray:
    return _load(request.param)


def scipy_reference(pixels: np.ndarray, weights: np.ndarray, divisor: float, padding: str,
                    stride: int) -> np.ndarray:
    """scipy.ndimage.correlate per channel in float64, cut and subsampled the way ours is."""
    kh, kw = weights.shape
    mode = SCIPY_MODE.get(padding, "constant")
    ref = np.stack([ndi.correlate(pixels[..., c].astype(np.float64), weights, mode=mode)
                    for c in range(pixels.shape[2])], axis=-1) / divisor
    if padding == "valid":
        h, w = pixels.shape[:2]
        ref = ref[kh // 2:h - (kh - 1 - kh // 2), kw // 2:w - (kw - 1 - kw // 2)]
    return ref[::stride, ::stride]


@pytest.mark.parametrize("padding", PADDINGS)
def test_every_preset_matches_scipy(photo, padding):
    for preset in PRESETS:
        if preset.second_kernel is not None:
            continue  # the magnitude is tested below
        kernel = make_kernel(preset.kernel, preset.divisor)
        ref = scipy_reference(photo, kernel.weights, kernel.divisor, padding, 1)
        ours = correlate_image(photo, kernel, padding)
        assert ours.shape == ref.shape, preset.name
        np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-3, err_msg=preset.name)
        # the mapped image differs from the float reference by rounding only
        for mapping in ("clip", "abs", "offset"):
            mapped = filter_image(photo, kernel, padding, 1, mapping).astype(int)
            assert np.abs(mapped - map_output(ref, mapping).astype(int)).max() <= 1, (preset.name, mapping)


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (3, 6), (7, 2), (15, 15)])
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_random_kernels_of_odd_and_even_sizes(shape, padding, stride):
    pixels = _load("coffee.png", crop=48)
    weights = np.random.default_rng(sum(shape) * stride).standard_normal(shape)
    kernel = make_kernel(weights)
    ref = scipy_reference(pixels, weights, 1.0, padding, stride)
    ours = correlate_image(pixels, kernel, padding, stride)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("n,k,stride", [(10, 3, 1), (10, 3, 2), (11, 4, 3), (7, 7, 4), (300, 5, 4)])
def test_valid_and_stride_sizes(n, k, stride):
    assert output_size(n, n + 1, k, k, "valid", stride) == ((n - k) // stride + 1, (n + 1 - k) // stride + 1)
    assert output_size(n, n, k, k, "edge", stride) == (-(-n // stride),) * 2


def test_flip_is_true_convolution():
    pixels = _load("chelsea.png", crop=40)
    weights = np.arange(9, dtype=float).reshape(3, 3) - 4
    flipped = correlate_image(pixels, make_kernel(weights, flip=True), "zero")
    ref = np.stack([ndi.convolve(pixels[..., c].astype(float), weights, mode="constant") for c in range(3)], -1)
    np.testing.assert_allclose(flipped, ref, atol=1e-3)


def test_sobel_magnitude_is_the_hypotenuse():
    pixels = _load("camera.png", crop=64)
    preset = next(p for p in PRESETS if p.second_kernel is not None)
    gx, gy = make_kernel(preset.kernel), make_kernel(preset.second_kernel)
    values = filter_values(pixels, gx, "edge", 1, gy)
    ref = np.hypot(scipy_reference(pixels, gx.weights, 1, "edge", 1), scipy_reference(pixels, gy.weights, 1, "edge", 1))
    np.testing.assert_allclose(values, ref, atol=1e-3)
    assert np.array_equal(apply_filter(pixels, gx, "edge", 1, "clip", gy), map_output(values, "clip"))


def test_output_mappings_round_half_up_and_clip():
    values = np.array([-3.0, 0.49, 0.5, 1.5, 2.5, 254.5, 300.0])
    assert map_output(values, "clip").tolist() == [0, 0, 1, 2, 3, 255, 255]
    assert map_output(values, "abs").tolist() == [3, 0, 1, 2, 3, 255, 255]
    assert map_output(values, "offset").tolist() == [125, 128, 129, 130, 131, 255, 255]
    assert map_output(np.array([10.0, 20.0, 30.0]), "rescale").tolist() == [0, 128, 255]
    assert map_output(np.array([7.0, 7.0]), "rescale").tolist() == [0, 0]
    with pytest.raises(ValueError, match="output must be one of"):
        map_output(values, "gamma")


@pytest.mark.parametrize("mapping", OUTPUT_MAPPINGS)
def test_exact_integer_path_agrees_with_the_float_mapping(mapping):
    pixels = _load("coffee.png", crop=64)
    for preset in PRESETS:
        if preset.second_kernel:
            continue
        kernel = make_kernel(preset.kernel, preset.divisor)
        expected = map_output(correlate_image(pixels, kernel, "edge").astype(np.float64), mapping)
        got = filter_image(pixels, kernel, "edge", 1, mapping)
        assert np.array_equal(got, expected), (preset.name, mapping)


def test_plans_use_integers_and_separate_where_they_can():
    box = make_plan(np.ones((3, 3)), 9)
    assert box.exact and box.dtype is np.int16 and len(box.passes) == 2
    gauss5 = make_plan(np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).astype(float), 256)
    assert gauss5.dtype is np.int32 and len(gauss5.passes) == 2  # 255 * 256 does not fit int16
    sharpen = make_plan(np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float), 1)
    assert sharpen.dtype is np.int16 and len(sharpen.passes) == 1 and len(sharpen.passes[0]) == 5
    assert not make_plan(np.full((3, 3), 0.1), 1).exact
    column, row = separate(np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float))
    assert np.array_equal(np.outer(column, row), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert separate(np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float)) is None


def test_one_or_two_threads_give_the_same_image():
    pixels = _load("chelsea.png", crop=200)
    kernel = make_kernel(np.random.default_rng(1).standard_normal((5, 5)))
    assert np.array_equal(filter_image(pixels, kernel, "reflect", 1, None, threads=1),
                          filter_image(pixels, kernel, "reflect", 1, None, threads=2))


def test_explain_pixel_matches_the_filtered_image():
    pixels = _load("chelsea.png", crop=50)
    kernel = make_kernel([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16)
    values = correlate_image(pixels, kernel, "reflect", 2)
    (left, top), channels = explain_pixel(pixels, kernel, 0, 3, "reflect", 2)
    assert (left, top) == (-1, 5)
    assert channels[0].outside[:, 0].all() and not channels[0].outside[:, 1:].any()
    for c, arithmetic in enumerate(channels):
        np.testing.assert_array_equal(arithmetic.products, arithmetic.window * kernel.weights)
        assert arithmetic.total == arithmetic.products.sum()
        assert arithmetic.value == pytest.approx(values[3, 0, c], abs=1e-4)
    with pytest.raises(ValueError, match="outside"):
        explain_pixel(pixels, kernel, 999, 0, "reflect", 2)


def test_luminance_uses_itu_601_weights():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 100, 50]]], dtype=np.uint8)
    expected = Image.fromarray(rgb).convert("L")
    assert luminance(rgb)[..., 0].tolist() == np.asarray(expected).tolist()


@pytest.mark.parametrize("kernel,message", [
    ([], "non-empty"), ([[]], "non-empty"), ([[1, 2], [3]], "same length"),
    ([[float("nan")]], "finite"), ([[float("inf"), 1]], "finite"), ([[1] * 16], "largest allowed is 15x15"),
])
def test_bad_kernels_say_what_is_expected(kernel, message):
    with pytest.raises(ValueError, match=message):
        make_kernel(kernel)


def test_bad_divisor_and_reflect_on_a_tiny_image():
    with pytest.raises(ValueError, match="divisor"):
        make_kernel([[1]], divisor=0)
    with pytest.raises(ValueError, match="reflect"):
        output_size(2, 2, 5, 5, "reflect", 1)
    with pytest.raises(ValueError, match="does not fit"):
        output_size(3, 3, 5, 5, "valid", 1)
