"""Read and write IDX files, the format MNIST is distributed in.

An IDX file is a tiny header followed by one flat block of numbers::

    offset  size  field
    0       2     zero       always 0x0000
    2       1     dtype code what each number is (see below)
    3       1     ndim       how many dimensions, 1 for labels, 3 for images
    4       4*n   sizes      one big-endian uint32 per dimension
    4+4*n   ...   data       product(sizes) numbers, row-major (C order)

The dtype codes are::

    0x08  unsigned byte       uint8
    0x09  signed byte         int8
    0x0B  short (2 bytes)     int16
    0x0C  int (4 bytes)       int32
    0x0D  float (4 bytes)     float32
    0x0E  double (8 bytes)    float64

Every multi-byte number (sizes and data) is big-endian in the file. So MNIST's
training images start ``00 00 08 03 | 00 00 ea 60 | 00 00 00 1c | 00 00 00 1c``:
uint8 data, 3 dimensions, 60000 x 28 x 28. The first four bytes read as one
big-endian integer are often called the "magic number" (0x00000803 here).

Files are often gzip-compressed. :func:`read_idx` recognises gzip by its own
magic bytes (``1f 8b``), not by the file name, and returns a native-endian,
writable NumPy array. Anything malformed raises :class:`IdxFormatError`, whose
message names the file and shows the bytes that were actually found.
"""

from __future__ import annotations

import gzip as _gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import TypeAlias

import numpy as np

__all__ = ["DTYPE_CODES", "IdxFormatError", "read_idx", "write_idx"]

PathLike: TypeAlias = str | os.PathLike[str]

#: IDX dtype code -> big-endian NumPy dtype of the numbers in the file.
DTYPE_CODES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: Largest number of dimensions accepted (MNIST-like files use 1 or 3).
MAX_NDIM = 4

_GZIP_MAGIC = b"\x1f\x8b"
_PREAMBLE = struct.Struct(">HBB")  # zero, dtype code, ndim


class IdxFormatError(ValueError):
    """The bytes of a file are not a well-formed IDX file."""


def _show(data: bytes, limit: int = 16) -> str:
    """Render the first ``limit`` bytes as hex, e.g. ``'00 00 08 03'``."""
    if not data:
        return "(no bytes)"
    shown = data[:limit].hex(" ")
    return shown + (" ..." if len(data) > limit else "")


def _read_bytes(path: Path) -> bytes:
    """Return the file's content, gunzipped if it starts with the gzip magic."""
    raw = path.read_bytes()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return _gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        raise IdxFormatError(f"{path}: corrupt gzip data ({exc})") from exc


def read_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzip-compressed) into a native-endian array.

    Raises :class:`IdxFormatError` if the header or data are malformed and
    :class:`OSError` (e.g. ``FileNotFoundError``) if the file cannot be read.
    """
    path = Path(path)
    data = _read_bytes(path)

    if len(data) < _PREAMBLE.size:
        raise IdxFormatError(
            f"{path}: truncated header: need at least {_PREAMBLE.size} bytes, "
            f"got {len(data)}: {_show(data)}"
        )
    zero, dtype_code, ndim = _PREAMBLE.unpack_from(data, 0)
    if zero != 0:
        raise IdxFormatError(
            f"{path}: bad magic number: the first two bytes must be 00 00, "
            f"got {_show(data[:4])}"
        )
    if dtype_code not in DTYPE_CODES:
        known = ", ".join(f"0x{c:02X}" for c in DTYPE_CODES)
        raise IdxFormatError(
            f"{path}: bad magic number: unknown dtype code 0x{dtype_code:02X} "
            f"(known: {known}) in {_show(data[:4])}"
        )
    if not 1 <= ndim <= MAX_NDIM:
        raise IdxFormatError(
            f"{path}: bad magic number: ndim must be 1..{MAX_NDIM}, "
            f"got {ndim} in {_show(data[:4])}"
        )

    header_size = _PREAMBLE.size + 4 * ndim
    if len(data) < header_size:
        raise IdxFormatError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} "
            f"header bytes, got {len(data)}: {_show(data, header_size)}"
        )
    dims = struct.unpack_from(f">{ndim}I", data, _PREAMBLE.size)

    dtype = DTYPE_CODES[dtype_code]
    expected = math.prod(dims) * dtype.itemsize
    got = len(data) - header_size
    if got != expected:
        shape = " x ".join(str(d) for d in dims)
        raise IdxFormatError(
            f"{path}: wrong data length for {shape} {dtype.name}: "
            f"expected {expected} bytes after the {header_size}-byte header, "
            f"got {got} (header: {_show(data[:header_size], header_size)})"
        )

    flat = np.frombuffer(data, dtype=dtype, count=math.prod(dims), offset=header_size)
    # astype copies: the result is writable and in the machine's byte order.
    return flat.astype(dtype.newbyteorder("=")).reshape(dims)


def _dtype_code(dtype: np.dtype) -> int:
    for code, file_dtype in DTYPE_CODES.items():
        if (dtype.kind, dtype.itemsize) == (file_dtype.kind, file_dtype.itemsize):
            return code
    supported = ", ".join(d.name for d in DTYPE_CODES.values())
    raise ValueError(f"IDX cannot store dtype {dtype}; supported: {supported}")


def write_idx(path: PathLike, array: np.ndarray, gzip: bool = False) -> None:
    """Write ``array`` as an IDX file, gzip-compressed if ``gzip`` is true.

    The array must have 1..4 dimensions and one of the dtypes in
    :data:`DTYPE_CODES` (any byte order). Gzip output is reproducible: the
    gzip header's timestamp is set to 0.
    """
    array = np.asarray(array)
    code = _dtype_code(array.dtype)
    if not 1 <= array.ndim <= MAX_NDIM:
        raise ValueError(f"IDX needs 1..{MAX_NDIM} dimensions, got shape {array.shape}")
    if any(d > 0xFFFFFFFF for d in array.shape):
        raise ValueError(f"IDX sizes are uint32, shape {array.shape} is too large")

    header = _PREAMBLE.pack(0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    body = np.ascontiguousarray(array, dtype=DTYPE_CODES[code]).tobytes()
    payload = header + body
    if gzip:
        payload = _gzip.compress(payload, mtime=0)
    Path(path).write_bytes(payload)
