"""The kernel playground API: presets, apply (every option), explain, and every kind of bad input."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.main import create_app
from app.settings import Settings
from model.filters import correlate_image, make_kernel, map_output
from model.kernel_presets import PRESETS


def _png(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels.squeeze()).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def rgb() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (37, 53, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def api(tmp_path_factory, rgb):
    settings = Settings(runs_dir=tmp_path_factory.mktemp("runs"), preview_max_side=40)
    with TestClient(create_app(settings)) as client:
        ids = {}
        for name, pixels in {"rgb": rgb, "grey": rgb[..., :1].copy()}.items():
            r = client.post("/api/images", files={"file": (f"{name}.png", _png(pixels), "image/png")})
            assert r.status_code == 201, r.text
            ids[name] = r.json()["id"]
        client.ids = ids
        yield client


def _decode(response) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(response.content)))


def test_presets_list_every_kernel_with_a_description(api):
    body = api.get("/api/kernels/presets").json()
    assert [p["name"] for p in body] == [p.name for p in PRESETS]
    names = {p["name"] for p in body}
    assert {"identity", "box-blur", "gaussian-3", "gaussian-5", "sharpen", "unsharp-mask", "outline", "laplacian",
            "sobel-top", "sobel-bottom", "sobel-left", "sobel-right", "prewitt", "emboss", "motion-blur", "shift",
            "sobel-magnitude"} <= names
    assert all(p["description"].endswith(".") and len(p["description"]) > 40 for p in body)
    assert next(p for p in body if p["name"] == "sobel-magnitude")["second_kernel"] is not None


@pytest.mark.parametrize("padding", ["zero", "edge", "reflect", "wrap", "valid"])
@pytest.mark.parametrize("stride", [1, 2, 4])
@pytest.mark.parametrize("output", ["clip", "abs", "rescale", "offset"])
def test_apply_full_resolution_png_equals_the_engine(api, rgb, padding, stride, output):
    kernel = [[1, -2, 0], [3, 1, -1], [0, 2, -3]]
    r = api.post("/api/kernels/apply", json={"image_id": api.ids["rgb"], "kernel": kernel, "padding": padding,
                                             "stride": stride, "output": output, "full_resolution": True})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    got = _decode(r)
    expected = map_output(correlate_image(rgb, make_kernel(kernel), padding, stride), output)
    assert got.shape == expected.shape
    assert (int(r.headers["x-output-width"]), int(r.headers["x-output-height"])) == (got.shape[1], got.shape[0])
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1


def test_apply_luminance_flip_divisor_normalize_and_formats(api, rgb):
    base = {"image_id": api.ids["rgb"], "full_resolution": True}
    lum = _decode(api.post("/api/kernels/apply", json=base | {"preset": "identity", "channels": "luminance"}))
    assert lum.ndim == 2 and lum.tolist() == np.asarray(Image.fromarray(rgb).convert("L")).tolist()
    shift = [[1, 0, 0]]
    right = _decode(api.post("/api/kernels/apply", json=base | {"kernel": shift, "padding": "zero"}))
    left = _decode(api.post("/api/kernels/apply", json=base | {"kernel": shift, "padding": "zero", "flip": True}))
    assert np.array_equal(right[:, 1:], rgb[:, :-1]) and np.array_equal(left[:, :-1], rgb[:, 1:])
    halved = _decode(api.post("/api/kernels/apply", json=base | {"kernel": [[1]], "divisor": 2}))
    assert np.abs(halved.astype(int) - np.floor(rgb / 2 + 0.5)).max() == 0
    normalised = _decode(api.post("/api/kernels/apply", json=base | {"kernel": [[2, 2]], "normalize": True,
                                                                      "padding": "valid"}))
    assert np.abs(normalised.astype(int) - np.floor((rgb[:, :-1].astype(int) + rgb[:, 1:]) / 2 + 0.5)).max() == 0
    for fmt, media in [("jpeg", "image/jpeg"), ("webp", "image/webp"), ("png", "image/png")]:
        r = api.post("/api/kernels/apply", json={"image_id": api.ids["rgb"], "preset": "sharpen", "format": fmt})
        assert r.status_code == 200 and r.headers["content-type"] == media
        assert Image.open(io.BytesIO(r.content)).size == (40, 28)  # the preview, at most 40 px here


def test_apply_greyscale_and_sobel_magnitude(api):
    r = api.post("/api/kernels/apply", json={"image_id": api.ids["grey"], "preset": "sobel-magnitude"})
    assert r.status_code == 200 and _decode(r).ndim == 2


def test_explain_matches_the_applied_image(api, rgb):
    options = {"image_id": api.ids["rgb"], "preset": "gaussian-3", "padding": "reflect", "stride": 2,
               "output": "offset", "full_resolution": True}
    image = _decode(api.post("/api/kernels/apply", json=options))
    body = api.post("/api/kernels/explain", json=options | {"x": 0, "y": 5}).json()
    assert (body["window_left"], body["window_top"]) == (-1, 9)
    assert body["outside"][0] == [True, False, False]
    assert body["kernel"] == [[1, 2, 1], [2, 4, 2], [1, 2, 1]] and body["divisor"] == 16
    for c, ch in enumerate(body["channels"]):
        window, products = np.array(ch["first"]["window"]), np.array(ch["first"]["products"])
        assert np.array_equal(products, window * body["kernel"])
        assert ch["first"]["sum"] == products.sum() and ch["first"]["value"] == products.sum() / 16
        assert ch["mapped"] == image[5, 0, c]
    assert [ch["channel"] for ch in body["channels"]] == ["R", "G", "B"]


def test_explain_rescale_and_magnitude(api):
    options = {"image_id": api.ids["grey"], "preset": "sobel-magnitude", "output": "rescale", "full_resolution": True}
    image = _decode(api.post("/api/kernels/apply", json=options))
    body = api.post("/api/kernels/explain", json=options | {"x": 7, "y": 3}).json()
    ch = body["channels"][0]
    assert ch["channel"] == "Y" and ch["second"] is not None
    assert ch["value"] == pytest.approx(np.hypot(ch["first"]["value"], ch["second"]["value"]))
    low, high = body["rescale_range"]
    assert ch["mapped"] == image[3, 7] == int(np.floor((ch["value"] - low) * 255 / (high - low) + 0.5))


@pytest.mark.parametrize("change,status,message", [
    ({"image_id": "missing"}, 404, "upload it again"),
    ({"kernel": [[1, 2], [3]]}, 422, "same length"),
    ({"kernel": []}, 422, "the kernel needs at least 1 item"),
    ({"kernel": [[False]]}, 422, "the kernel, row 1, column 1 must be a number"),
    ({"kernel": [[1]], "sharpness": 2}, 422, "sharpness is not expected here"),
    ({"kernel": [[1] * 16]}, 422, "15x15"),
    ({"kernel": [[float("nan")]]}, 422, "finite"),
    ({"preset": "sharpen"}, 422, "not both"),
    ({"kernel": None}, 422, "either `kernel`"),
    ({"kernel": None, "preset": "blurry"}, 422, "the preset must be one of 'identity', 'box-blur'"),
    ({"divisor": 0}, 422, "divisor"),
    ({"stride": 5}, 422, "stride must be at most 4"),
    ({"stride": 0}, 422, "stride must be at least 1"),
    ({"padding": "mirror"}, 422, "'zero', 'edge', 'reflect', 'wrap' or 'valid'"),
    ({"output": "gamma"}, 422, "'clip', 'abs', 'rescale' or 'offset'"),
    ({"channels": "cmyk"}, 422, "'rgb' or 'luminance'"),
    ({"format": "gif"}, 422, "'png', 'jpeg' or 'webp'"),
    ({"kernel": [[1] * 15] * 15, "padding": "valid", "full_resolution": False}, 200, ""),
    ({"kernel": [[1] * 15] * 15, "padding": "reflect"}, 422, "reflect"),
])
def test_bad_apply_requests_get_a_4xx_that_says_what_was_expected(api, change, status, message):
    body = {"image_id": api.ids["grey"], "kernel": [[1]]} | change
    if message == "reflect":  # a 15x15 kernel reflected on a 5x5 image would need to mirror 7 pixels
        small = api.post("/api/images", files={"file": ("s.png", _png(np.zeros((5, 5), np.uint8)), "image/png")})
        body["image_id"] = small.json()["id"]
    # json.dumps writes NaN as the bare token NaN, as a careless client would
    r = api.post("/api/kernels/apply", content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    if status != 200:
        assert message in str(r.json()["detail"])


def test_kernel_larger_than_the_image_with_valid_padding(api):
    tiny = api.post("/api/images", files={"file": ("t.png", _png(np.zeros((4, 4), np.uint8)), "image/png")}).json()
    r = api.post("/api/kernels/apply", json={"image_id": tiny["id"], "kernel": [[1] * 5] * 5, "padding": "valid"})
    assert r.status_code == 422 and "does not fit" in r.json()["detail"]


def test_explain_outside_the_result_and_kernel_size_limit_is_configurable(api, tmp_path):
    r = api.post("/api/kernels/explain", json={"image_id": api.ids["rgb"], "preset": "sharpen", "x": 400, "y": 0})
    assert r.status_code == 422 and "outside" in r.json()["detail"]
    with TestClient(create_app(Settings(runs_dir=tmp_path, max_kernel_size=3))) as small:
        image_id = small.post("/api/images", files={"file": ("g.png", _png(np.zeros((9, 9), np.uint8)),
                                                             "image/png")}).json()["id"]
        r = small.post("/api/kernels/apply", json={"image_id": image_id, "kernel": [[1] * 5] * 5})
        assert r.status_code == 422 and "3x3" in r.json()["detail"]


def test_padding_modes_are_documented_with_numpys_names(api):
    schema = api.get("/openapi.json").json()
    doc = schema["components"]["schemas"]["ApplyRequest"]["properties"]["padding"]["description"]
    assert "'reflect'" in doc and "without* repeating the edge" in doc and "'constant'" in doc


@pytest.mark.parametrize("preset,flip,name", [("sobel-left", True, "sobel-right"), ("sobel-left", False, "sobel-left"),
                                              ("emboss", True, "emboss-flipped"), ("gaussian-3", True, "gaussian-3"),
                                              (None, True, "custom")])
def test_the_file_is_named_after_the_kernel_as_applied(api, preset, flip, name):
    body = {"image_id": api.ids["grey"], "flip": flip} | ({"preset": preset} if preset else {"kernel": [[1, 2]]})
    r = api.post("/api/kernels/apply", json=body)
    assert r.status_code == 200 and f'filename="convscope-{name}.png"' in r.headers["content-disposition"]


@pytest.mark.parametrize("options", [
    {"preset": "sharpen"},
    {"preset": "sobel-magnitude"},
    {"preset": "box-blur", "flip": True, "padding": "reflect", "stride": 2},
    {"kernel": [[1, 0, -2], [3, 1, 0]], "divisor": 3, "padding": "wrap", "output": "rescale", "channels": "luminance"},
    {"kernel": [[1, 2], [0, -1]], "padding": "zero", "output": "offset", "image": "grey"},
])
def test_the_code_the_playground_shows_runs_in_pytorch_and_gives_its_result(api, options):
    import torch

    from tests.test_filter_code import run_shown

    image_id = api.ids[options.get("image", "rgb")]
    body = {k: v for k, v in options.items() if k != "image"} | {"image_id": image_id}
    shown = api.post("/api/kernels/code", json=body)
    assert shown.status_code == 200, shown.text
    code = shown.json()["code"]
    assert "F.conv2d(" in code and torch.__version__
    preview = api.app.state.images.get(image_id).preview  # the pixels the playground filters
    result = _decode(api.post("/api/kernels/apply", json=body))
    result = result[..., None] if result.ndim == 2 else result
    assert np.array_equal(run_shown(code, preview), result), code


def test_the_code_of_a_bad_kernel_is_the_same_422_as_applying_it(api):
    body = {"image_id": api.ids["rgb"], "kernel": [[1, 2], [3]]}
    assert api.post("/api/kernels/code", json=body).status_code == 422
