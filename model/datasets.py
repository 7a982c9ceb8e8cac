"""Load MNIST-like datasets (four IDX files) into memory, with checksums and a cache.

A dataset directory holds the four standard files, each raw or gzip-compressed::

    train-images-idx3-ubyte[.gz]   N x 28 x 28 uint8
    train-labels-idx1-ubyte[.gz]   N labels 0..9
    t10k-images-idx3-ubyte[.gz]    M x 28 x 28 uint8
    t10k-labels-idx1-ubyte[.gz]    M labels 0..9

and optionally a ``SHA256SUMS`` file (``sha256sum`` output). When it is there,
every file it lists is checked before use. The bundled MNIST lives in
``<repo>/data/mnist``; Debian's ``dataset-fashion-mnist`` package installs
Fashion-MNIST, same names gzipped and no SHA256SUMS, in
``/usr/share/datasets/fashion-mnist``.

Decoding is done once: the arrays are saved to an ``.npz`` cache that records
each source file's SHA256, size and mtime. A later load whose source files still
have the recorded size and mtime (and are older than the cache file) reads only
the cache; otherwise they are re-hashed and the cached arrays are used only if
the hashes still match. A corrupt cache is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .idx import IdxFormatError, read_idx

__all__ = [
    "DATA_DIR_ENV", "CACHE_DIR_ENV", "DEFAULT_MNIST_DIR", "DEFAULT_CACHE_DIR",
    "FASHION_MNIST_DIR", "DATASET_FILES", "Dataset", "DatasetError",
    "resolve_data_dir", "load_dataset", "normalization_stats",
]

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MNIST_DIR = REPO_ROOT / "data" / "mnist"
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "datasets"
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
DATA_DIR_ENV = "CONVSCOPE_DATA_DIR"
CACHE_DIR_ENV = "CONVSCOPE_CACHE_DIR"

#: Dataset field -> standard file name (without ``.gz``).
DATASET_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
TRAIN_IMAGES, TEST_IMAGES = 60_000, 10_000  # in MNIST's training and test sets, and in Fashion-MNIST's
_CACHE_VERSION = 1


class DatasetError(Exception):
    """A dataset directory is missing files, fails its checksums or is inconsistent."""


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """Images ``(N, 28, 28)`` uint8 and labels ``(N,)`` (uint8 as in the files)."""

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, train={self.train_images.shape}, "
                f"test={self.test_images.shape})")


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """The argument if given, else ``$CONVSCOPE_DATA_DIR``, else the bundled MNIST."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_DIR_ENV) or DEFAULT_MNIST_DIR
    return Path(data_dir).expanduser()


def _resolve_cache_dir(cache_dir: str | Path | None) -> Path:
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR
    return Path(cache_dir).expanduser()


def _find_files(data_dir: Path) -> dict[str, Path]:
    """Map each dataset field to its file, accepting the name with or without .gz."""
    found: dict[str, Path] = {}
    missing: list[str] = []
    for field, stem in DATASET_FILES.items():
        candidates = [data_dir / f"{stem}.gz", data_dir / stem]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            missing.append(f"{stem}[.gz]")
        else:
            found[field] = path
    if missing:
        raise DatasetError(f"{data_dir}: missing dataset file(s): {', '.join(missing)}")
    return found


def _read_sha256sums(path: Path) -> dict[str, str]:
    """Parse ``sha256sum`` output: ``<64 hex>  <name>`` (or ``*<name>``) per line."""
    sums: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line.rstrip())
        if match is None:
            raise DatasetError(f"{path}:{lineno}: not a sha256sum line: {line!r}")
        sums[match.group(2)] = match.group(1).lower()
    return sums


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_hash(path: Path, expected: str, actual: str) -> None:
    if actual != expected:
        raise DatasetError(f"{path}: SHA256 mismatch: expected {expected}, got {actual}")


def _check_hashes(data_dir: Path, names: list[str], hashes: list[str],
                  sums: dict[str, str]) -> None:
    for name, actual in zip(names, hashes):
        if name in sums:
            _check_hash(data_dir / name, sums[name], actual)


def _validate(arrays: dict[str, np.ndarray], where: object) -> None:
    """Check shapes, dtypes, image/label counts and the label range."""
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
            raise DatasetError(f"{where}: {split} images must be (N, 28, 28) uint8, "
                               f"got {images.shape} {images.dtype}")
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise DatasetError(f"{where}: {split} labels must be (N,) integers, "
                               f"got {labels.shape} {labels.dtype}")
        if len(images) != len(labels):
            raise DatasetError(f"{where}: {split} has {len(images)} images "
                               f"but {len(labels)} labels")
        if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
            raise DatasetError(f"{where}: {split} labels must be in 0..{NUM_CLASSES - 1}, "
                               f"found {labels.min()}..{labels.max()}")


def _cache_path(cache_dir: Path, data_dir: Path) -> Path:
    """One cache file per dataset directory: ``<dir name>-<hash of its path>.npz``."""
    resolved = data_dir.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", resolved.name) or "dataset"
    return cache_dir / f"{name}-{tag}.npz"


def _read_cache(path: Path) -> dict[str, np.ndarray] | None:
    """Everything in the cache, or None if it is missing, unreadable or malformed."""
    if not path.is_file():
        return None
    try:
        mtime_ns = path.stat().st_mtime_ns
        # Open the file ourselves: np.load(path) leaks its handle on a bad zip.
        with path.open("rb") as f, np.load(f, allow_pickle=False) as npz:
            cache = {key: npz[key] for key in npz.files}
        cache["mtime_ns"] = np.array(mtime_ns)
        if int(cache["version"]) != _CACHE_VERSION or cache["stats"].shape != (4, 2):
            raise ValueError("unknown cache layout")
        _validate(cache, path)
        return cache
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, DatasetError) as exc:
        log.warning("ignoring unusable dataset cache %s: %s", path, exc)
        return None


def _write_cache(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, np.ndarray]) -> None:
    """Write the cache atomically: a temp file in the same directory, then os.replace."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            np.savez(tmp, **arrays, **meta)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)  # NamedTemporaryFile creates 0600
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:  # a read-only checkout must still load, just slower
        log.warning("could not write dataset cache %s: %s", path, exc)
    finally:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)


def load_dataset(
    data_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    verify: bool = True,
) -> Dataset:
    """Load the four IDX files of ``data_dir`` (see :func:`resolve_data_dir`).

    With ``verify`` and a ``SHA256SUMS`` in the directory, every listed file
    must match and the dataset files must be listed. ``cache_dir`` defaults to
    ``$CONVSCOPE_CACHE_DIR`` or ``<repo>/.cache/datasets``. Raises
    :class:`DatasetError` for anything wrong with the data.
    """
    data_dir = resolve_data_dir(data_dir)
    if not data_dir.is_dir():
        raise DatasetError(f"{data_dir}: dataset directory not found")
    files = _find_files(data_dir)
    names = [files[field].name for field in DATASET_FILES]

    sums_path = data_dir / "SHA256SUMS"
    sums = _read_sha256sums(sums_path) if verify and sums_path.is_file() else {}
    if sums:
        unlisted = [name for name in names if name not in sums]
        if unlisted:
            raise DatasetError(f"{sums_path}: does not list {', '.join(unlisted)}")
        for name, expected in sums.items():  # other listed files: always hashed
            if name not in names:
                if not (data_dir / name).is_file():
                    raise DatasetError(f"{data_dir / name}: listed in {sums_path} but missing")
                _check_hash(data_dir / name, expected, _sha256(data_dir / name))

    stats = np.array([[st.st_size, st.st_mtime_ns]
                      for st in (files[field].stat() for field in DATASET_FILES)],
                     dtype=np.int64)
    cache_path = _cache_path(_resolve_cache_dir(cache_dir), data_dir)
    cache = _read_cache(cache_path)
    if cache is not None and list(cache["names"]) != names:
        cache = None

    # "Racy" files, modified in the same clock tick the cache was written, could
    # have changed without changing (size, mtime_ns): re-hash those (as git does).
    if (cache is not None and np.array_equal(cache["stats"], stats)
            and stats[:, 1].max() < int(cache["mtime_ns"])):
        hashes = [str(h) for h in cache["sha256"]]  # unchanged files: trust recorded hashes
        _check_hashes(data_dir, names, hashes, sums)
        arrays = {field: cache[field] for field in DATASET_FILES}
    else:
        hashes = [_sha256(files[field]) for field in DATASET_FILES]
        _check_hashes(data_dir, names, hashes, sums)
        if cache is not None and [str(h) for h in cache["sha256"]] == hashes:
            arrays = {field: cache[field] for field in DATASET_FILES}  # only mtimes moved
        else:
            try:
                arrays = {field: read_idx(files[field]) for field in DATASET_FILES}
            except IdxFormatError as exc:
                raise DatasetError(str(exc)) from exc
            _validate(arrays, data_dir)
        meta = {"version": np.array(_CACHE_VERSION), "names": np.array(names),
                "sha256": np.array(hashes), "stats": stats}
        _write_cache(cache_path, arrays, meta)

    return Dataset(name=data_dir.resolve().name, **arrays)


def normalization_stats(images: np.ndarray) -> tuple[float, float]:
    """Mean and (population) standard deviation of ``images / 255``.

    Sums of pixels and of squared pixels are taken as exact integers, in
    chunks, so a (60000, 28, 28) uint8 training set needs no full float copy.
    Use the training set's numbers for train and test alike.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(f"expected uint8 pixels, got {images.dtype}")
    if images.size == 0:
        raise ValueError("no pixels to take statistics of")
    flat = images.reshape(-1)
    n = flat.size
    total = int(flat.sum(dtype=np.uint64))
    total_sq = 0
    for start in range(0, n, 1 << 20):  # 2**20 * 255**2 fits easily in uint64
        chunk = flat[start:start + (1 << 20)].astype(np.uint64)
        total_sq += int(chunk @ chunk)
    mean = total / n / 255.0
    var = (total_sq * n - total * total) / (n * n * 255.0**2)  # exact numerator
    return mean, max(var, 0.0) ** 0.5
