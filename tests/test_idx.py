"""IDX reader/writer: round trips and every kind of malformed file."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from model.idx import IdxFormatError, read_idx, write_idx

DTYPES = ["uint8", "int8", "int16", "int32", "float32", "float64"]


def _sample(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(0)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip(tmp_path: Path, dtype: str, compress: bool) -> None:
    array = _sample(dtype, (3, 4, 5))
    path = tmp_path / "a.idx"
    write_idx(path, array, gzip=compress)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


@pytest.mark.parametrize("shape", [(7,), (2, 3), (2, 3, 4), (1, 2, 3, 4), (0, 28, 28)])
def test_round_trip_shapes(tmp_path: Path, shape: tuple[int, ...]) -> None:
    array = _sample("uint8", shape)
    write_idx(tmp_path / "a", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a"), array)


def test_file_layout_is_big_endian(tmp_path: Path) -> None:
    write_idx(tmp_path / "a", np.array([1, 258], dtype="<i2"))
    assert (tmp_path / "a").read_bytes() == bytes.fromhex("0000 0B01 00000002 0001 0102")


def test_mnist_style_header(tmp_path: Path) -> None:
    path = tmp_path / "images"
    path.write_bytes(bytes.fromhex("00000803 00000002 00000002 00000003") + bytes(range(12)))
    images = read_idx(path)
    assert images.shape == (2, 2, 3) and images.dtype == np.uint8
    assert images[1, 1, 2] == 11


def test_gzip_detected_by_magic_not_extension(tmp_path: Path) -> None:
    array = _sample("int32", (4, 2))
    write_idx(tmp_path / "looks-raw.idx", array, gzip=True)
    write_idx(tmp_path / "looks-gzipped.gz", array, gzip=False)
    np.testing.assert_array_equal(read_idx(tmp_path / "looks-raw.idx"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "looks-gzipped.gz"), array)


def test_gzip_output_is_reproducible(tmp_path: Path) -> None:
    array = _sample("uint8", (10,))
    write_idx(tmp_path / "a", array, gzip=True)
    write_idx(tmp_path / "b", array, gzip=True)
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def _write(tmp_path: Path, data: bytes, *, compress: bool = False) -> Path:
    path = tmp_path / "broken-file.idx"
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def _header(code: int, *dims: int) -> bytes:
    return struct.pack(">HBB", 0, code, len(dims)) + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", r"truncated header.*got 0"),
        (b"\x00\x00\x08", r"truncated header.*got 3: 00 00 08"),
        (_header(0x08, 2, 3)[:9], r"truncated header: 2 dimensions need 12 header bytes, got 9"),
        (b"\x01\x02\x08\x01" + bytes(4), r"bad magic number.*00 00.*got 01 02 08 01"),
        (b"\x00\x00\x07\x01" + bytes(4), r"bad magic number: unknown dtype code 0x07"),
        (b"\x00\x00\x08\x00", r"bad magic number: ndim must be 1\.\.4, got 0"),
        (b"\x00\x00\x08\x05" + bytes(20), r"ndim must be 1\.\.4, got 5"),
        (_header(0x08, 2, 3) + bytes(5), r"expected 6 bytes after the 12-byte header, got 5"),
        (_header(0x08, 2, 3) + bytes(7), r"expected 6 bytes .*got 7"),
        (_header(0x0C, 4) + bytes(15), r"int32: expected 16 bytes .*got 15"),
        (_header(0x0E, 1), r"expected 8 bytes .*got 0"),
    ],
    ids=["empty", "short-preamble", "short-dims", "magic", "dtype", "ndim0", "ndim5",
         "short-data", "long-data", "short-int32", "no-data"],
)
def test_malformed_files(tmp_path: Path, data: bytes, match: str, compress: bool) -> None:
    path = _write(tmp_path, data, compress=compress)
    with pytest.raises(IdxFormatError, match=match) as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_truncated_real_sized_file(tmp_path: Path) -> None:
    path = tmp_path / "train-images-idx3-ubyte"
    write_idx(path, np.zeros((5, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(IdxFormatError, match=r"5 x 28 x 28 uint8: expected 3920 bytes .*got 3820"):
        read_idx(path)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda gz: gz[: len(gz) // 2],  # cut short
        lambda gz: gz[:10] + bytes(b ^ 0xFF for b in gz[10:20]) + gz[20:],  # bad deflate
        lambda gz: gz[:-8] + bytes(8),  # bad CRC and length trailer
        lambda gz: b"\x1f\x8b" + b"not really gzip",
    ],
    ids=["truncated", "garbled", "bad-crc", "fake-magic"],
)
def test_corrupt_gzip(tmp_path: Path, mangle) -> None:
    path = tmp_path / "labels.gz"
    write_idx(path, np.arange(200, dtype=np.uint8), gzip=True)
    path.write_bytes(mangle(path.read_bytes()))
    with pytest.raises(IdxFormatError, match="corrupt gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_missing_file_is_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


@pytest.mark.parametrize(
    ("array", "match"),
    [
        (np.zeros(3, dtype=np.uint16), "cannot store dtype uint16"),
        (np.zeros(3, dtype=np.int64), "cannot store dtype int64"),
        (np.zeros(3, dtype=bool), "cannot store dtype bool"),
        (np.zeros((), dtype=np.uint8), r"1\.\.4 dimensions"),
        (np.zeros((1,) * 5, dtype=np.uint8), r"1\.\.4 dimensions"),
    ],
)
def test_write_rejects_what_idx_cannot_hold(tmp_path: Path, array: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        write_idx(tmp_path / "a", array)
    assert not (tmp_path / "a").exists()
