"""Image uploads: decoding (app/imaging.py), the in-memory store (app/image_store.py) and the
/api/images routes, including the limits on bytes and pixels."""

from __future__ import annotations

import io
import select
import socket
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.image_encode import encode_image, make_preview
from app.image_store import ImageStore, ImageStoreCapacityError
from app.imaging import DecodedImage, ImageError, ImageTooLargeError, NotAnImageError, decode_image
from app.main import create_app
from app.settings import Settings, SettingsError
from tests import fixtures_images as fx

BOUNDARY = "convscope-test-boundary"


def upload(client: TestClient, data: bytes, filename: str = "upload", content_type: str = "application/octet-stream"):
    return client.post("/api/images", files={"file": (filename, data, content_type)})


@contextmanager
def _limited_client(tmp_path: Path, **limits: int) -> Iterator[TestClient]:
    """A client of an app with some limits changed from their defaults."""
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", **limits))) as c:
        yield c


def _decoded(pixels: np.ndarray, fmt: str = "PNG") -> DecodedImage:
    return DecodedImage(pixels=pixels, format=fmt, width=pixels.shape[1], height=pixels.shape[0])


# --------------------------------------------------------------------------- decoding: formats


@pytest.mark.parametrize(
    ("fmt", "params", "tolerance"),
    [
        ("PNG", {}, 0),
        ("BMP", {}, 0),
        ("TIFF", {}, 0),
        ("GIF", {}, 0),
        ("WEBP", {"lossless": True}, 0),
        ("WEBP", {"quality": 90}, 40),
        ("JPEG", {"quality": 95}, 40),
    ],
)
def test_round_trip_of_every_accepted_format(fmt, params, tolerance):
    source = fx.quadrants((32, 24))
    decoded = decode_image(fx.encode(source, fmt, **params))
    assert decoded.format == fmt
    assert (decoded.width, decoded.height) == (32, 24)
    assert decoded.pixels.shape == (24, 32, 3) and decoded.pixels.dtype == np.uint8
    expected = np.asarray(source)
    # Compare away from the quadrant edges, where lossy codecs smear.
    for y, x in [(5, 5), (5, 26), (18, 5), (18, 26)]:
        assert np.abs(decoded.pixels[y, x].astype(int) - expected[y, x]).max() <= tolerance, (fmt, y, x)


def test_decode_accepts_a_file_object():
    decoded = decode_image(io.BytesIO(fx.encode(fx.quadrants(), "PNG")))
    assert decoded.channels == 3


def test_palette_png_becomes_rgb():
    im = fx.palette_image((10, 200, 30))
    assert im.mode == "P"
    decoded = decode_image(fx.encode(im, "PNG"))
    assert decoded.pixels.shape[2] == 3
    assert tuple(decoded.pixels[0, 0]) == (10, 200, 30)


def test_transparent_palette_gif_is_composited_over_white():
    data = fx.encode(fx.transparent_rgba((8, 6)), "GIF")
    assert Image.open(io.BytesIO(data)).mode == "P"
    px = decode_image(data).pixels
    assert px.shape == (6, 8, 3)
    assert tuple(px[0, 0]) == (255, 0, 0)
    assert tuple(px[0, 7]) == (255, 255, 255)


def test_rgba_is_composited_over_white():
    px = decode_image(fx.encode(fx.transparent_rgba((8, 6)), "PNG")).pixels
    assert px.shape == (6, 8, 3)
    assert tuple(px[3, 1]) == (255, 0, 0)  # opaque red stays red
    assert tuple(px[3, 6]) == (255, 255, 255)  # transparent black becomes white


def test_half_transparent_rgba_blends_with_white():
    im = Image.new("RGBA", (2, 2), (0, 0, 0, 128))
    px = decode_image(fx.encode(im, "PNG")).pixels
    assert np.all(np.abs(px.astype(int) - 127) <= 1)


def test_la_is_composited_over_white_and_stays_one_channel():
    arr = np.array([[[10, 255], [10, 0], [10, 128]]], np.uint8)
    px = decode_image(fx.encode(Image.fromarray(arr, "LA"), "PNG")).pixels
    assert px.shape == (1, 3, 1)
    assert px[0, 0, 0] == 10 and px[0, 1, 0] == 255
    assert abs(int(px[0, 2, 0]) - round((10 * 128 + 255 * 127) / 255)) <= 1


def test_greyscale_stays_one_channel():
    for fmt in ("PNG", "JPEG", "TIFF", "BMP"):
        decoded = decode_image(fx.encode(Image.new("L", (5, 4), 77), fmt))
        assert decoded.pixels.shape == (4, 5, 1), fmt
        assert abs(int(decoded.pixels[2, 2, 0]) - 77) <= 1, fmt


def test_one_bit_becomes_greyscale_0_or_255():
    im = Image.new("1", (4, 2), 0)
    im.putpixel((1, 0), 1)
    px = decode_image(fx.encode(im, "PNG")).pixels
    assert px.shape == (2, 4, 1)
    assert px[0, 1, 0] == 255 and px[0, 0, 0] == 0


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_greyscale_keeps_the_top_8_bits(fmt):
    decoded = decode_image(fx.encode(fx.grey16([0, 255, 256, 32768, 65535]), fmt))
    assert decoded.pixels.dtype == np.uint8 and decoded.pixels.shape == (1, 5, 1)
    assert decoded.pixels[0, :, 0].tolist() == [0, 0, 1, 128, 255]


def test_big_endian_16_bit_greyscale():
    im = Image.frombytes("I;16B", (3, 1), np.array([256, 512, 65535], ">u2").tobytes())
    data = fx.encode(im, "TIFF")
    assert Image.open(io.BytesIO(data)).mode == "I;16B"
    assert decode_image(data).pixels[0, :, 0].tolist() == [1, 2, 255]


def test_32_bit_integer_greyscale_is_clipped_to_16_bits_then_scaled():
    im = Image.new("I", (4, 1))
    im.putdata([-5, 256, 65535, 70000])
    assert decode_image(fx.encode(im, "TIFF")).pixels[0, :, 0].tolist() == [0, 1, 255, 255]


def test_cmyk_jpeg_becomes_rgb():
    data = fx.encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    decoded = decode_image(data)
    assert decoded.pixels.shape == (16, 16, 3)
    assert np.abs(decoded.pixels[8, 8].astype(int) - [255, 0, 0]).max() <= 8


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animation_takes_the_first_frame(fmt):
    data = fx.animated(fmt, [fx.GREEN, fx.RED, fx.BLUE])
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 3
    px = decode_image(data).pixels
    assert px.shape == (8, 8, 3)
    assert np.abs(px[4, 4].astype(int) - fx.GREEN).max() <= 2


def test_exif_orientation_6_rotates_clockwise():
    decoded = decode_image(fx.exif_rotated_jpeg(orientation=6, size=(40, 20), mark=6))
    # Stored 40 wide, 20 high; shown rotated 90 degrees clockwise: 20 wide, 40 high.
    assert (decoded.width, decoded.height) == (20, 40)
    px = decoded.pixels.astype(int)
    # The stored top-left corner is now the top-right corner.
    assert np.abs(px[2, 17] - fx.RED).max() <= 40
    assert np.abs(px[2, 2] - 128).max() <= 20
    assert np.abs(px[37, 2] - 128).max() <= 20


def test_no_exif_orientation_leaves_the_image_as_stored():
    decoded = decode_image(fx.exif_rotated_jpeg(orientation=1, size=(40, 20)))
    assert (decoded.width, decoded.height) == (40, 20)
    assert np.abs(decoded.pixels[2, 2].astype(int) - fx.RED).max() <= 40


@pytest.mark.parametrize("mode,size", [("RGB", (301, 77)), ("L", (97, 250)), ("RGB", (1, 1))])
def test_pixels_copied_a_block_of_rows_at_a_time_equal_pillows_own_array(monkeypatch, mode, size):
    """The row-block copy (app/imaging.py's _pixels) against np.asarray(im), the reference, with
    blocks small enough that every image spans several of them and the last one is partial."""
    import app.imaging as imaging

    monkeypatch.setattr(imaging, "ROW_BLOCK_BYTES", 2_000)
    rng = np.random.default_rng(3)
    shape = (size[1], size[0], 3) if mode == "RGB" else (size[1], size[0])
    im = Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode)
    fast = imaging._pixels(im)
    assert fast.dtype == np.uint8 and np.array_equal(fast, np.asarray(im))


def test_an_upright_image_is_decoded_without_a_transposed_copy(monkeypatch):
    import app.imaging as imaging

    calls = []
    monkeypatch.setattr(imaging.ImageOps, "exif_transpose", lambda im, **kw: calls.append(im) or im)
    decode_image(fx.exif_rotated_jpeg(orientation=1, size=(40, 20)))
    decode_image(fx.encode(fx.quadrants(), "PNG"))
    assert calls == []
    decode_image(fx.exif_rotated_jpeg(orientation=6, size=(40, 20), mark=6))
    assert len(calls) == 1


# --------------------------------------------------------------------------- decoding: refusals


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is a text file\n" * 10,
        bytes(range(256)) * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"GIF",  # shorter than any signature
    ],
    ids=["text", "binary", "pdf", "short"],
)
def test_non_images_are_refused(data):
    with pytest.raises(NotAnImageError, match="expected PNG, JPEG, WebP, GIF, BMP or TIFF"):
        decode_image(data)


def test_other_image_formats_are_refused():
    with pytest.raises(NotAnImageError, match="not a supported image"):
        decode_image(fx.encode(fx.quadrants(), "ICO"))


def test_empty_data_is_refused():
    with pytest.raises(ImageError, match="empty"):
        decode_image(b"")


@pytest.mark.parametrize(
    "data",
    [
        fx.truncated(fx.encode(Image.fromarray(np.random.default_rng(1).integers(0, 256, (64, 64, 3), np.uint8)),
                               "PNG")),
        fx.truncated(fx.noisy_jpeg()),
        fx.encode(fx.quadrants(), "PNG")[:20],  # the header itself is cut
    ],
    ids=["png", "jpeg", "png-header"],
)
def test_truncated_images_are_refused_as_corrupt(data):
    with pytest.raises(ImageError, match="truncated or corrupt") as info:
        decode_image(data)
    assert not isinstance(info.value, NotAnImageError)


def test_header_claiming_a_huge_size_is_refused_before_decoding():
    data = fx.png_claiming_size(50_000, 50_000)
    assert len(data) < 200
    with pytest.raises(ImageTooLargeError, match=r"image is 2500000000 pixels; the limit is 40000000"):
        decode_image(data, max_pixels=40_000_000)


@pytest.mark.parametrize("size", [(1500, 1000), (4000, 3000)], ids=["1.5x-limit-warning", "12x-limit-error"])
def test_compressible_png_over_the_pixel_limit_is_refused(size):
    data = fx.compressible_png(*size)
    assert len(data) < 60_000
    pixels = size[0] * size[1]
    with pytest.raises(ImageTooLargeError, match=f"{size[0]}x{size[1]} = {pixels} pixels; the limit is 1000000"):
        decode_image(data, max_pixels=1_000_000)


def test_pixel_limit_is_inclusive():
    decoded = decode_image(fx.encode(Image.new("L", (100, 10)), "PNG"), max_pixels=1000)
    assert decoded.pixels.shape == (10, 100, 1)
    with pytest.raises(ImageTooLargeError):
        decode_image(fx.encode(Image.new("L", (101, 10)), "PNG"), max_pixels=1000)


def test_webp_over_the_pixel_limit_is_refused():
    data = fx.encode(Image.new("RGB", (3000, 1000)), "WEBP", lossless=True)
    with pytest.raises(ImageTooLargeError, match="the limit is 1000000"):
        decode_image(data, max_pixels=1_000_000)


def test_pillow_global_limit_is_restored_after_each_call():
    before = Image.MAX_IMAGE_PIXELS
    decode_image(fx.encode(fx.quadrants(), "PNG"), max_pixels=123_456)
    assert Image.MAX_IMAGE_PIXELS == before
    with pytest.raises(ImageTooLargeError):
        decode_image(fx.png_claiming_size(5000, 5000), max_pixels=1000)
    assert Image.MAX_IMAGE_PIXELS == before


# --------------------------------------------------------------------------- encode and preview


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
@pytest.mark.parametrize("channels", [1, 3])
def test_encode_round_trips(fmt, channels):
    pixels = np.zeros((12, 16, channels), np.uint8)
    pixels[:, 8:] = 200
    data = encode_image(pixels, fmt)
    back = decode_image(data).pixels
    assert back.shape == (12, 16, 3 if fmt == "webp" else channels)  # WebP has no greyscale mode
    assert np.abs(back[6, 2].astype(int) - 0).max() <= 3 and np.abs(back[6, 13].astype(int) - 200).max() <= 3
    if fmt == "png":
        assert np.array_equal(back, pixels)


def test_encode_rejects_bad_arguments():
    with pytest.raises(ValueError, match="format"):
        encode_image(np.zeros((2, 2, 3), np.uint8), "gif")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="uint8"):
        encode_image(np.zeros((2, 2, 3), np.float32), "png")
    with pytest.raises(ValueError, match="shape"):
        encode_image(np.zeros((2, 2, 2), np.uint8), "png")


def test_preview_keeps_the_aspect_ratio():
    pixels = np.zeros((3000, 4000, 3), np.uint8)
    pixels[:, 2000:] = 255
    small = make_preview(pixels, 1600)
    assert small.shape == (1200, 1600, 3) and small.dtype == np.uint8
    assert small[600, 10].tolist() == [0, 0, 0] and small[600, 1590].tolist() == [255, 255, 255]
    assert make_preview(np.zeros((4000, 10, 1), np.uint8), 1600).shape == (1600, 4, 1)


def test_small_images_are_their_own_preview():
    pixels = np.zeros((1200, 1600, 1), np.uint8)
    assert make_preview(pixels, 1600) is pixels


# --------------------------------------------------------------------------- the store


def _pixels(n: int = 10, channels: int = 3, value: int = 0) -> np.ndarray:
    return np.full((n, n, channels), value, np.uint8)


def test_store_put_and_get():
    store = ImageStore(byte_budget=1_000_000, preview_max_side=16)
    stored = store.put(_decoded(_pixels(40, 3, 7), "JPEG"))
    assert len(stored.id) == 16  # secrets.token_urlsafe(12)
    assert (stored.width, stored.height, stored.format, stored.channels) == (40, 40, "JPEG", 3)
    assert (stored.preview_width, stored.preview_height) == (16, 16)
    assert stored.preview.shape == (16, 16, 3)
    assert store.get(stored.id) is stored
    assert len(store) == 1
    assert store.bytes_used == 40 * 40 * 3 + 16 * 16 * 3
    with pytest.raises(KeyError):
        store.get("nope")


def test_stored_pixels_are_read_only():
    stored = ImageStore(1_000_000).put(_decoded(_pixels()))
    with pytest.raises(ValueError):
        stored.original[0, 0, 0] = 1
    with pytest.raises(ValueError):
        stored.preview[0, 0, 0] = 1


def test_store_evicts_the_least_recently_used():
    one = 2 * 10 * 10 * 3  # original + preview (the same small array, counted twice)
    store = ImageStore(byte_budget=3 * one)
    a, b, c = (store.put(_decoded(_pixels(value=v))) for v in (1, 2, 3))
    assert store.bytes_used == 3 * one and store.ids() == [a.id, b.id, c.id]
    store.get(a.id)  # a is now the most recently used; b the least
    d = store.put(_decoded(_pixels(value=4)))
    assert store.ids() == [c.id, a.id, d.id]
    with pytest.raises(KeyError):
        store.get(b.id)
    assert len(store) == 3 and store.bytes_used == 3 * one
    # A bigger image evicts as many as it needs, oldest first.
    big = store.put(_decoded(_pixels(n=14)))  # 2 * 14 * 14 * 3 = 1176 bytes: two of the others must go
    assert store.ids() == [d.id, big.id]
    assert store.bytes_used == one + big.nbytes <= store.byte_budget


def test_membership_does_not_count_as_a_use():
    one = 2 * 10 * 10 * 3
    store = ImageStore(byte_budget=2 * one)
    a, b = store.put(_decoded(_pixels())), store.put(_decoded(_pixels()))
    assert a.id in store
    store.put(_decoded(_pixels()))
    assert a.id not in store and b.id in store


def test_store_refuses_an_image_larger_than_the_whole_budget():
    store = ImageStore(byte_budget=1000)
    keep = store.put(_decoded(_pixels(5)))
    with pytest.raises(ImageStoreCapacityError, match=r"15x15 .*1350 bytes.*budget of 1000 bytes"):
        store.put(_decoded(_pixels(15)))
    assert store.ids() == [keep.id]  # nothing was evicted for it


def test_store_is_thread_safe():
    store = ImageStore(byte_budget=20 * 2 * 300)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(200):
                stored = store.put(_decoded(_pixels()))
                try:
                    store.get(stored.id)
                except KeyError:  # already evicted by another thread: allowed
                    pass
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store) == 20 and store.bytes_used == 20 * 600


def test_store_settings(monkeypatch):
    assert Settings().image_store_bytes == 512 * 1024 * 1024 and Settings().preview_max_side == 1600
    settings = Settings.from_env({"CONVSCOPE_IMAGE_STORE_BYTES": "1_000_000", "CONVSCOPE_PREVIEW_MAX_SIDE": "800"})
    assert settings.image_store_bytes == 1_000_000 and settings.preview_max_side == 800
    with pytest.raises(SettingsError, match="CONVSCOPE_IMAGE_STORE_BYTES"):
        Settings(image_store_bytes=0)
    with pytest.raises(SettingsError, match="CONVSCOPE_PREVIEW_MAX_SIDE"):
        Settings.from_env({"CONVSCOPE_PREVIEW_MAX_SIDE": "-1"})


# --------------------------------------------------------------------------- routes


def test_upload_then_fetch_info_and_preview(client):
    r = upload(client, fx.encode(fx.quadrants((32, 24)), "PNG"), "q.png", "image/png")
    assert r.status_code == 201, r.text
    info = r.json()
    assert set(info) == {"id", "width", "height", "format", "channels", "preview_width", "preview_height"}
    assert (info["width"], info["height"], info["format"], info["channels"]) == (32, 24, "PNG", 3)
    assert (info["preview_width"], info["preview_height"]) == (32, 24)
    assert r.headers["location"] == f"/api/images/{info['id']}"

    assert client.get(f"/api/images/{info['id']}").json() == info

    preview = client.get(f"/api/images/{info['id']}/preview")
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(preview.content)).size == (32, 24)

    full = client.get(f"/api/images/{info['id']}/preview", params={"full_resolution": "true"})
    assert full.status_code == 200 and full.headers["content-type"] == "image/png"
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(full.content))), np.asarray(fx.quadrants((32, 24))))


def test_format_is_sniffed_not_taken_from_the_name(client):
    r = upload(client, fx.encode(fx.quadrants(), "JPEG"), "photo.png", "image/png")
    assert r.status_code == 201 and r.json()["format"] == "JPEG"


def test_large_upload_gets_a_1600_pixel_preview(client):
    data = fx.encode(fx.quadrants((4000, 3000)), "JPEG", quality=80)
    info = upload(client, data, "big.jpg").json()
    assert (info["width"], info["height"]) == (4000, 3000)
    assert (info["preview_width"], info["preview_height"]) == (1600, 1200)
    preview = client.get(f"/api/images/{info['id']}/preview")
    assert Image.open(io.BytesIO(preview.content)).size == (1600, 1200)
    full = client.get(f"/api/images/{info['id']}/preview?full_resolution=true")
    assert Image.open(io.BytesIO(full.content)).size == (4000, 3000)


def test_greyscale_upload_has_one_channel(client):
    info = upload(client, fx.encode(Image.new("L", (9, 7), 40), "PNG")).json()
    assert info["channels"] == 1
    preview = Image.open(io.BytesIO(client.get(f"/api/images/{info['id']}/preview").content))
    assert preview.mode == "L" and preview.size == (9, 7)


def test_exif_rotated_upload_is_served_upright(client):
    info = upload(client, fx.exif_rotated_jpeg(orientation=6, size=(40, 20))).json()
    assert (info["width"], info["height"]) == (20, 40)
    preview = np.asarray(Image.open(io.BytesIO(client.get(f"/api/images/{info['id']}/preview").content)))
    assert preview.shape == (40, 20, 3)
    assert np.abs(preview[2, 17].astype(int) - fx.RED).max() <= 50


def test_unknown_id_is_404_with_advice(client):
    for path in ("/api/images/doesNotExist", "/api/images/doesNotExist/preview"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.json()["detail"] == ("no image with id 'doesNotExist'; upload it again (the store keeps the most "
                                      "recently used images)")


def test_evicted_image_is_404(tmp_path):
    # Each 20x20 RGB image counts 2 * 1200 bytes; the store holds two.
    with _limited_client(tmp_path, image_store_bytes=5000) as client:
        ids = [upload(client, fx.encode(Image.new("RGB", (20, 20), (i, 0, 0)), "PNG")).json()["id"]
               for i in range(3)]
        assert client.get(f"/api/images/{ids[0]}").status_code == 404
        assert client.get(f"/api/images/{ids[1]}").status_code == 200
        assert client.get(f"/api/images/{ids[2]}").status_code == 200
        r = upload(client, fx.encode(Image.new("RGB", (50, 50)), "PNG"))
        assert r.status_code == 413 and "CONVSCOPE_IMAGE_STORE_BYTES" in r.json()["detail"]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"just some text\n", 415, "not a supported image: expected PNG, JPEG, WebP, GIF, BMP or TIFF"),
        (b"", 400, "empty"),
        (fx.truncated(fx.noisy_jpeg()), 400, "truncated or corrupt image data"),
        (fx.encode(fx.quadrants(), "PNG")[:30], 400, "truncated or corrupt image data"),
        (fx.png_claiming_size(50_000, 50_000), 413,
         "image is 2500000000 pixels; the limit is 40000000"),
    ],
    ids=["text", "empty", "truncated-jpeg", "truncated-png", "bomb"],
)
def test_bad_uploads_get_a_4xx_with_a_message(client, data, status, message):
    r = upload(client, data, "x.png", "image/png")
    assert r.status_code == status, r.text
    assert message in r.json()["detail"]
    assert client.get("/api/health").status_code == 200


def test_missing_file_field_is_422_with_a_message(client):
    for kwargs in ({}, {"files": {"image": ("a.png", b"x", "image/png")}},
                   {"content": fx.encode(fx.quadrants(), "PNG"), "headers": {"content-type": "image/png"}}):
        r = client.post("/api/images", **kwargs)
        assert r.status_code == 422, kwargs
        assert "multipart/form-data in a file field named 'file'" in r.json()["detail"]
    # A plain form field is what a form on any site can send: refused as such, with the same hint.
    r = client.post("/api/images", data={"file": "not a file"})
    assert r.status_code == 403 and "the image as multipart/form-data, in a field named 'file'" in r.json()["detail"]


def test_pixel_limit_from_settings(tmp_path):
    with _limited_client(tmp_path, max_image_pixels=10_000) as client:
        r = upload(client, fx.encode(Image.new("L", (101, 100)), "PNG"))
        assert r.status_code == 413
        assert r.json()["detail"] == "image is 101x100 = 10100 pixels; the limit is 10000"
        assert upload(client, fx.encode(Image.new("L", (100, 100)), "PNG")).status_code == 201


def test_upload_over_the_byte_limit_with_content_length(tmp_path):
    with _limited_client(tmp_path, max_upload_bytes=50_000) as client:
        r = upload(client, b"\0" * 60_000)
        assert r.status_code == 413
        assert r.json()["detail"] == "the upload is larger than the limit of 50,000 bytes (CONVSCOPE_MAX_UPLOAD_BYTES)"
        assert upload(client, fx.encode(fx.quadrants(), "PNG")).status_code == 201


def _multipart_head(filename: str = "big.png") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode()


def _multipart(data: bytes) -> bytes:
    return _multipart_head() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def _asgi_post(tmp_path: Path, limit: int, headers: dict[str, str], chunks: int, chunk_size: int):
    """POST a streamed body of up to ``chunks`` chunks through the ASGI app (which, unlike
    TestClient, receives it chunk by chunk); return the response, the number of chunks the
    server pulled, and the status of a valid upload made afterwards."""
    app = create_app(Settings(runs_dir=tmp_path / "runs", max_upload_bytes=limit))
    consumed = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal consumed
        yield _multipart_head()
        for _ in range(chunks):
            consumed += 1
            yield b"\0" * chunk_size
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    async def main():
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://test") as c:
                r = await c.post("/api/images", content=body(), headers={
                    "content-type": f"multipart/form-data; boundary={BOUNDARY}", **headers})
                after = await c.post("/api/images", files={"file": ("ok.png", fx.encode(fx.quadrants(), "PNG"))})
                return r, after.status_code

    response, after = anyio.run(main)
    return response, consumed, after


def test_chunked_upload_over_the_byte_limit_is_refused_while_streaming(tmp_path):
    r, consumed, after = _asgi_post(tmp_path, limit=100_000, headers={}, chunks=1000, chunk_size=10_000)
    assert "content-length" not in r.request.headers
    assert r.status_code == 413
    assert "limit of 100,000 bytes" in r.json()["detail"]
    assert consumed <= 11  # refused as soon as the 100 kB were passed, not after 10 MB
    assert after == 201


def test_declared_content_length_over_the_limit_is_refused_unread(tmp_path):
    r, consumed, after = _asgi_post(tmp_path, limit=100_000, headers={"content-length": "10000200"},
                                    chunks=1000, chunk_size=10_000)
    assert r.status_code == 413 and "limit of 100,000 bytes" in r.json()["detail"]
    assert consumed == 0
    assert after == 201


def test_chunked_upload_under_the_byte_limit_is_accepted(tmp_path):
    app = create_app(Settings(runs_dir=tmp_path / "runs", max_upload_bytes=100_000))
    data = _multipart(fx.encode(fx.quadrants((64, 48)), "BMP"))

    async def body() -> AsyncIterator[bytes]:
        for i in range(0, len(data), 1000):
            yield data[i : i + 1000]

    async def main():
        async with app.router.lifespan_context(app):
            async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test") as c:
                return await c.post("/api/images", content=body(),
                                    headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})

    r = anyio.run(main)
    assert r.status_code == 201 and r.json()["format"] == "BMP"


def _read_http_response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, bytes]:
    sock.settimeout(timeout)
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {raw!r}"
        raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(head.split()[1]), body


def test_live_server_refuses_a_21_mb_upload_and_stays_healthy(live_server):
    """Against uvicorn with the default 20 MB limit: refused on the header alone, and refused
    part-way through a chunked body of unbounded length."""
    host, port = live_server.url.removeprefix("http://").split(":")
    request_head = (f"POST /api/images HTTP/1.1\r\nHost: {host}\r\n"
                    f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n")

    with socket.create_connection((host, int(port))) as sock:
        sock.sendall((request_head + "Content-Length: 21000000\r\n\r\n").encode() + _multipart_head())
        started = time.monotonic()
        status, body = _read_http_response(sock)
        assert status == 413 and b"limit of 20,000,000 bytes" in body
        assert time.monotonic() - started < 5

    sent = 0
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall((request_head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        piece = _multipart_head() + b"\0" * (256 * 1024)
        try:
            # Up to 200 MB, stopping as soon as the server answers.
            while sent < 200_000_000 and not select.select([sock], [], [], 0)[0]:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
                piece = b"\0" * (256 * 1024)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, body = _read_http_response(sock)
    assert status == 413 and b"limit of 20,000,000 bytes" in body
    assert sent < 60_000_000, f"the server read {sent} bytes before refusing"

    with urllib.request.urlopen(live_server.url + "/api/health", timeout=5) as resp:
        assert resp.status == 200


def test_images_api_is_documented(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/images", "/api/images/{image_id}", "/api/images/{image_id}/preview"} <= set(schema["paths"])
    assert "ImageInfo" in schema["components"]["schemas"]
    post = schema["paths"]["/api/images"]["post"]
    assert post["tags"] == ["images"] and set(post["responses"]) >= {"201", "400", "413", "415", "422"}
    body = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file"] and body["properties"]["file"]["format"] == "binary"
    assert any(tag["name"] == "images" for tag in schema["tags"])
