"""Dataset loading: checksums, validation, the .npz cache, and the bundled MNIST."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest

import model.datasets as datasets
from model.datasets import (
    DEFAULT_MNIST_DIR, FASHION_MNIST_DIR, Dataset, DatasetError,
    load_dataset, normalization_stats, resolve_data_dir,
)
from model.idx import write_idx

N_TRAIN, N_TEST = 6, 4
OLD_NS = 1_600_000_000 * 10**9  # sources older than any cache: no "racy" re-hash


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datasets.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(datasets.CACHE_DIR_ENV, str(tmp_path / "cache"))


def _set_mtime(path: Path, ns: int) -> None:
    os.utime(path, ns=(ns, ns))


def _write_sums(data_dir: Path) -> None:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
             for p in sorted(data_dir.glob("*-ubyte*"))]
    (data_dir / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def make_dataset(
    root: Path, *, gzip: bool = True, sums: bool = True, seed: int = 0,
    n_train: int = N_TRAIN, n_train_labels: int = N_TRAIN, labels_max: int = 9,
    image_shape: tuple[int, int] = (28, 28),
) -> tuple[Path, dict[str, np.ndarray]]:
    """A tiny MNIST-like directory; returns it and the arrays written."""
    rng = np.random.default_rng(seed)
    data_dir = root / "tiny"
    data_dir.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, *image_shape), dtype=np.uint8),
        "train_labels": rng.integers(0, labels_max + 1, n_train_labels, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }
    for field, stem in datasets.DATASET_FILES.items():
        path = data_dir / (stem + ".gz" if gzip else stem)
        write_idx(path, arrays[field], gzip=gzip)
        _set_mtime(path, OLD_NS)
    if sums:
        _write_sums(data_dir)
    return data_dir, arrays


def assert_matches(ds: Dataset, arrays: dict[str, np.ndarray]) -> None:
    for field, expected in arrays.items():
        np.testing.assert_array_equal(getattr(ds, field), expected, err_msg=field)


def forbid(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make model.datasets.<name> fail if it is called."""
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{name} was called")
    monkeypatch.setattr(datasets, name, boom)


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("*"))


# --- loading and verification -------------------------------------------------

@pytest.mark.parametrize("gzip", [True, False], ids=["gzip", "raw"])
def test_loads_verified_dataset(tmp_path: Path, gzip: bool) -> None:
    data_dir, arrays = make_dataset(tmp_path, gzip=gzip)
    ds = load_dataset(data_dir)
    assert ds.name == "tiny"
    assert_matches(ds, arrays)
    assert ds.train_images.shape == (N_TRAIN, 28, 28) and ds.train_images.dtype == np.uint8
    assert "train=(6, 28, 28)" in repr(ds)
    with pytest.raises(AttributeError):
        ds.name = "other"  # type: ignore[misc]


def test_loads_without_sha256sums(tmp_path: Path) -> None:
    data_dir, arrays = make_dataset(tmp_path, sums=False)
    assert_matches(load_dataset(data_dir), arrays)


def test_tampered_file_names_it_and_both_hashes(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    path = data_dir / "t10k-labels-idx1-ubyte.gz"
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    write_idx(path, np.array([1, 2, 3, 4], np.uint8), gzip=True)
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatasetError, match="SHA256 mismatch") as info:
        load_dataset(data_dir)
    message = str(info.value)
    assert str(path) in message and expected in message and actual in message
    assert cache_files(tmp_path) == []
    load_dataset(data_dir, verify=False)  # the data itself is fine


def test_tampering_after_caching_is_caught(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    load_dataset(data_dir)
    path = data_dir / "train-labels-idx1-ubyte.gz"
    write_idx(path, np.zeros(N_TRAIN, np.uint8), gzip=True)
    _set_mtime(path, OLD_NS + 1)
    with pytest.raises(DatasetError, match="train-labels-idx1-ubyte.gz: SHA256 mismatch"):
        load_dataset(data_dir)


def test_edited_sha256sums_is_checked_against_a_warm_cache(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    load_dataset(data_dir)
    sums = data_dir / "SHA256SUMS"
    sums.write_text(sums.read_text().replace(sums.read_text()[:64], "0" * 64, 1))
    with pytest.raises(DatasetError, match="expected 0{64}"):
        load_dataset(data_dir)


def test_sha256sums_must_list_the_dataset_files(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    sums = data_dir / "SHA256SUMS"
    sums.write_text("".join(l + "\n" for l in sums.read_text().splitlines() if "t10k-images" not in l))
    with pytest.raises(DatasetError, match="does not list t10k-images-idx3-ubyte.gz"):
        load_dataset(data_dir)


def test_other_listed_files_are_verified_too(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    readme = data_dir / "README.md"
    readme.write_text("hello\n")
    digest = hashlib.sha256(b"hello\n").hexdigest()
    with (data_dir / "SHA256SUMS").open("a") as f:
        f.write(f"{digest} *README.md\n")
    load_dataset(data_dir)
    readme.write_text("changed\n")
    with pytest.raises(DatasetError, match="README.md: SHA256 mismatch"):
        load_dataset(data_dir)
    readme.unlink()
    with pytest.raises(DatasetError, match="README.md: listed in .* but missing"):
        load_dataset(data_dir)


def test_malformed_sha256sums(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    (data_dir / "SHA256SUMS").write_text("deadbeef  train-images-idx3-ubyte.gz\n")
    with pytest.raises(DatasetError, match=r"SHA256SUMS:1: not a sha256sum line"):
        load_dataset(data_dir)


# --- validation -----------------------------------------------------------------

def test_count_mismatch(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path, n_train_labels=N_TRAIN - 1)
    with pytest.raises(DatasetError, match="train has 6 images but 5 labels"):
        load_dataset(data_dir)


def test_label_out_of_range(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path, labels_max=200, seed=3)
    with pytest.raises(DatasetError, match=r"train labels must be in 0\.\.9"):
        load_dataset(data_dir)


def test_wrong_image_shape(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path, image_shape=(32, 32))
    with pytest.raises(DatasetError, match=r"\(N, 28, 28\) uint8, got \(6, 32, 32\)"):
        load_dataset(data_dir)


def test_missing_file(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path, sums=False)
    (data_dir / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match=r"missing dataset file\(s\): t10k-images-idx3-ubyte\[\.gz\]"):
        load_dataset(data_dir)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="dataset directory not found"):
        load_dataset(tmp_path / "nowhere")


def test_corrupt_idx_becomes_dataset_error(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path, sums=False, gzip=False)
    path = data_dir / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(DatasetError, match="expected 4704 bytes") as info:
        load_dataset(data_dir)
    assert str(path) in str(info.value)


# --- the cache ------------------------------------------------------------------

def test_cache_is_created_then_used_without_parsing_or_hashing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, arrays = make_dataset(tmp_path)
    load_dataset(data_dir)
    [cache] = cache_files(tmp_path)
    assert cache.name.startswith("tiny-") and cache.suffix == ".npz"
    forbid(monkeypatch, "read_idx")
    forbid(monkeypatch, "_sha256")
    assert_matches(load_dataset(data_dir), arrays)


def test_touched_file_is_rehashed_but_not_reparsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, arrays = make_dataset(tmp_path)
    load_dataset(data_dir)
    _set_mtime(data_dir / "train-images-idx3-ubyte.gz", OLD_NS + 5)
    forbid(monkeypatch, "read_idx")
    assert_matches(load_dataset(data_dir), arrays)
    forbid(monkeypatch, "_sha256")  # the cache now records the new mtime
    assert_matches(load_dataset(data_dir), arrays)


def test_changed_file_invalidates_cache(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    load_dataset(data_dir)
    new_images = np.full((N_TRAIN, 28, 28), 7, np.uint8)
    path = data_dir / "train-images-idx3-ubyte.gz"
    write_idx(path, new_images, gzip=True)
    _set_mtime(path, OLD_NS)  # same mtime: only the size gives the change away
    _write_sums(data_dir)
    np.testing.assert_array_equal(load_dataset(data_dir).train_images, new_images)


def test_same_size_change_within_a_clock_tick_is_rehashed(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path, gzip=False, sums=False)
    load_dataset(data_dir)
    path = data_dir / "train-labels-idx1-ubyte"
    write_idx(path, np.full(N_TRAIN, 3, np.uint8))  # same size as before
    _set_mtime(path, OLD_NS)  # (size, mtime) exactly as recorded ...
    [cache] = cache_files(tmp_path)
    _set_mtime(cache, OLD_NS)  # ... but no older than the cache: "racy", so re-hashed
    assert (load_dataset(data_dir).train_labels == 3).all()


@pytest.mark.parametrize("damage", [b"", b"not a zip file", "truncate"])
def test_corrupt_cache_is_rebuilt(
    tmp_path: Path, damage: bytes | str, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir, arrays = make_dataset(tmp_path)
    load_dataset(data_dir)
    [cache] = cache_files(tmp_path)
    content = cache.read_bytes()
    cache.write_bytes(content[: len(content) // 2] if damage == "truncate" else damage)
    with caplog.at_level(logging.WARNING, logger="model.datasets"):
        assert_matches(load_dataset(data_dir), arrays)
    assert "ignoring unusable dataset cache" in caplog.text
    forbid(monkeypatch, "read_idx")  # rebuilt and usable again
    assert_matches(load_dataset(data_dir), arrays)


def test_cache_holding_bad_arrays_is_rebuilt(tmp_path: Path) -> None:
    data_dir, arrays = make_dataset(tmp_path)
    load_dataset(data_dir)
    [cache] = cache_files(tmp_path)
    with np.load(cache) as npz:
        fields = {key: npz[key] for key in npz.files}
    fields["train_labels"] = fields["train_labels"][:-1]
    with cache.open("wb") as f:
        np.savez(f, **fields)
    assert_matches(load_dataset(data_dir), arrays)


def test_cache_is_written_atomically_and_readable(tmp_path: Path) -> None:
    data_dir, _ = make_dataset(tmp_path)
    load_dataset(data_dir)
    [cache] = cache_files(tmp_path)  # no temp file left behind
    assert cache.stat().st_mode & 0o777 == 0o644


def test_unwritable_cache_dir_still_loads(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir, arrays = make_dataset(tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    with caplog.at_level(logging.WARNING, logger="model.datasets"):
        assert_matches(load_dataset(data_dir, cache_dir=blocker / "sub"), arrays)
    assert "could not write dataset cache" in caplog.text


def test_separate_dirs_get_separate_caches(tmp_path: Path) -> None:
    a, arrays_a = make_dataset(tmp_path / "a", seed=1)
    b, arrays_b = make_dataset(tmp_path / "b", seed=2)
    for _ in range(2):
        assert_matches(load_dataset(a), arrays_a)
        assert_matches(load_dataset(b), arrays_b)
    assert len(cache_files(tmp_path)) == 2


# --- where things are -------------------------------------------------------------

def test_resolve_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_data_dir(None) == DEFAULT_MNIST_DIR
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert resolve_data_dir(None) == tmp_path / "from-env"
    assert resolve_data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    assert resolve_data_dir(str(tmp_path)) == tmp_path


def test_env_var_selects_the_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, arrays = make_dataset(tmp_path)
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(data_dir))
    assert_matches(load_dataset(), arrays)


def test_cache_dir_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, _ = make_dataset(tmp_path)
    monkeypatch.setenv(datasets.CACHE_DIR_ENV, str(tmp_path / "elsewhere"))
    load_dataset(data_dir)
    assert len(list((tmp_path / "elsewhere").glob("*.npz"))) == 1


def test_default_dirs_do_not_depend_on_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo_root = Path(datasets.__file__).resolve().parents[1]
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_MNIST_DIR == repo_root / "data" / "mnist"
    assert datasets.DEFAULT_CACHE_DIR == repo_root / ".cache" / "datasets"
    assert (DEFAULT_MNIST_DIR / "SHA256SUMS").is_file()
    assert FASHION_MNIST_DIR == Path("/usr/share/datasets/fashion-mnist")


# --- normalization --------------------------------------------------------------

def test_normalization_stats_match_numpy() -> None:
    images = np.random.default_rng(0).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    mean, std = normalization_stats(images)
    scaled = images / 255.0
    assert mean == pytest.approx(scaled.mean(), rel=1e-12)
    assert std == pytest.approx(scaled.std(), rel=1e-12)
    assert normalization_stats(np.full((2, 2), 255, np.uint8)) == (1.0, 0.0)


def test_normalization_stats_rejects_non_uint8() -> None:
    with pytest.raises(TypeError, match="uint8"):
        normalization_stats(np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="no pixels"):
        normalization_stats(np.zeros((0, 28, 28), np.uint8))


# --- the real data -------------------------------------------------------------------

def test_bundled_mnist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start = time.perf_counter()
    cold = load_dataset()
    cold_s = time.perf_counter() - start
    assert cold.name == "mnist"
    assert cold.train_images.shape == (60000, 28, 28) and cold.test_images.shape == (10000, 28, 28)
    assert cold.train_labels.shape == (60000,) and cold.test_labels.shape == (10000,)
    assert np.bincount(cold.train_labels).tolist() == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(cold.test_labels).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    mean, std = normalization_stats(cold.train_images)
    assert (round(mean, 4), round(std, 4)) == (0.1307, 0.3081)

    forbid(monkeypatch, "read_idx")  # the warm load comes from the cache
    start = time.perf_counter()
    warm = load_dataset()
    warm_s = time.perf_counter() - start
    np.testing.assert_array_equal(warm.train_images, cold.train_images)
    print(f"MNIST load: cold {cold_s * 1000:.0f} ms, warm {warm_s * 1000:.0f} ms")


@pytest.mark.skipif(not FASHION_MNIST_DIR.is_dir(), reason="dataset-fashion-mnist not installed")
def test_fashion_mnist_package() -> None:
    ds = load_dataset(FASHION_MNIST_DIR)
    assert ds.name == "fashion-mnist"
    assert ds.train_images.shape == (60000, 28, 28) and ds.test_images.shape == (10000, 28, 28)
    assert np.bincount(ds.train_labels).tolist() == [6000] * 10
    assert np.bincount(ds.test_labels).tolist() == [1000] * 10
