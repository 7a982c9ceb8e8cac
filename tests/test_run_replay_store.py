"""A run's replay files: the per-batch history log and the snapshot shelf, bounded, and cut back
when a run resumes from an earlier checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.runs.history_log import ROW, HistoryLog, read_rows, read_stride
from app.runs.snapshots import SnapshotShelf, early_steps, kernel_bytes, map_bytes


def _log(log: HistoryLog, steps) -> None:
    for step in steps:
        log.add(step, 1 + (step - 1) // 10, 2.0 / step, 1.0 / step, step / 1000, 0.01 * step, 100.0 + step)
    log.flush()


def test_every_batch_is_one_row_read_back_as_written(tmp_path: Path) -> None:
    log = HistoryLog(tmp_path, cap_bytes=10_000)
    _log(log, range(1, 21))
    rows = read_rows(tmp_path)
    assert rows["step"].tolist() == list(range(1, 21))
    assert rows["epoch"].tolist() == [1] * 10 + [2] * 10
    np.testing.assert_allclose(rows["lr"], 0.01 * np.arange(1, 21), rtol=1e-6)
    assert (tmp_path / "history.bin").stat().st_size == 20 * ROW.itemsize


def test_a_half_written_row_is_not_read(tmp_path: Path) -> None:
    _log(HistoryLog(tmp_path, cap_bytes=10_000), range(1, 4))
    with (tmp_path / "history.bin").open("ab") as out:
        out.write(b"\x01\x02\x03")  # the worker is half-way through a write
    assert read_rows(tmp_path)["step"].tolist() == [1, 2, 3]


def test_past_its_cap_the_history_keeps_every_other_step_then_every_fourth(tmp_path: Path) -> None:
    cap = 50 * ROW.itemsize
    log = HistoryLog(tmp_path, cap_bytes=cap)
    _log(log, range(1, 51))
    assert log.stride == 1 and len(read_rows(tmp_path)) == 50
    _log(log, range(51, 61))  # 60 rows > 50: stride 2 keeps 30
    assert log.stride == 2 and read_stride(tmp_path) == 2
    assert read_rows(tmp_path)["step"].tolist() == list(range(2, 61, 2))
    _log(log, range(61, 200))
    rows = read_rows(tmp_path)
    assert rows.nbytes <= cap
    assert set(np.diff(rows["step"]).tolist()) == {4} and log.stride == 4  # 49 rows of steps 4..196
    assert HistoryLog(tmp_path, cap_bytes=cap).stride == 4  # a resumed worker keeps thinning the same way


def test_a_resumed_run_drops_the_rows_it_will_train_again(tmp_path: Path) -> None:
    _log(HistoryLog(tmp_path, cap_bytes=10_000), range(1, 16))  # epoch 2 cut off at step 15
    log = HistoryLog(tmp_path, cap_bytes=10_000)
    log.keep_until(10)  # resumed from the checkpoint of epoch 1
    _log(log, range(11, 21))
    assert read_rows(tmp_path)["step"].tolist() == list(range(1, 21))


def test_early_steps_double_until_the_first_epoch_ends() -> None:
    assert early_steps(10) == [1, 2, 4, 8]
    assert early_steps(938) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert early_steps(1) == []


def test_kernel_and_map_bytes_read_back_within_one_step_of_the_scale() -> None:
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(6, 1, 5, 5))
    scale, data = kernel_bytes(weights)
    assert scale == np.abs(weights).max() and data.dtype == np.uint8
    assert np.abs((data.astype(float) - 128) / 127 * scale - weights).max() <= scale / 254 + 1e-12
    low, high, maps = map_bytes(weights[0])
    assert maps.min() == 0 and maps.max() == 255 and (low, high) == (weights[0].min(), weights[0].max())


def _snap(step: int, kind: str, size: int = 4000) -> tuple[dict, dict]:
    noise = np.random.default_rng(step).integers(0, 256, size, dtype=np.uint8)  # does not compress
    meta = {"step": step, "epoch": 1, "batch": step, "kind": kind, "test_images": 10, "test_accuracy": 0.5}
    return meta, {"noise": noise}


def test_snapshots_read_back_and_the_index_lists_them_by_step(tmp_path: Path) -> None:
    shelf = SnapshotShelf(tmp_path, cap_bytes=1_000_000)
    for step, kind in [(2, "early"), (1, "early"), (10, "epoch")]:
        assert shelf.add(*_snap(step, kind))
    assert [e["step"] for e in shelf.index()] == [1, 2, 10]
    meta, arrays = shelf.read(10)
    assert meta["kind"] == "epoch" and np.array_equal(arrays["noise"], _snap(10, "epoch")[1]["noise"])
    assert shelf.read(3) is None


def test_a_full_shelf_drops_the_epoch_snapshot_that_leaves_the_smallest_gap(tmp_path: Path) -> None:
    one = len(_encoded_size(tmp_path))
    shelf = SnapshotShelf(tmp_path / "run", cap_bytes=int(one * 6.5))
    for step, kind in [(1, "early"), (2, "early"), (10, "epoch"), (20, "epoch"), (30, "epoch"), (40, "epoch")]:
        assert shelf.add(*_snap(step, kind))
    assert shelf.add(*_snap(50, "epoch"))  # 7 do not fit: one epoch end goes
    kept = [e["step"] for e in shelf.index()]
    assert kept == [1, 2, 20, 30, 40, 50]  # 10 went: 0..20 was the smallest gap it left (first of the ties)
    assert sum(e["bytes"] for e in shelf.index()) <= shelf.cap_bytes
    assert len(list((tmp_path / "run" / "snapshots").glob("*.npz"))) == 6


def test_an_epoch_end_makes_room_from_the_latest_early_step_and_a_late_early_step_is_refused(tmp_path: Path) -> None:
    shelf = SnapshotShelf(tmp_path, cap_bytes=int(len(_encoded_size(tmp_path / "x")) * 2.5))
    assert shelf.add(*_snap(1, "early")) and shelf.add(*_snap(2, "early"))
    assert not shelf.add(*_snap(4, "early"))  # full: an early step does not push out another
    assert shelf.add(*_snap(10, "epoch"))  # the newest state does: the latest early one goes
    assert [e["step"] for e in shelf.index()] == [1, 10]
    assert shelf.add(*_snap(20, "epoch"))  # and a newer epoch end replaces the only older one
    assert [e["step"] for e in shelf.index()] == [1, 20]


def test_a_resumed_run_drops_the_snapshots_it_will_take_again(tmp_path: Path) -> None:
    shelf = SnapshotShelf(tmp_path, cap_bytes=1_000_000)
    for step, kind in [(1, "early"), (10, "epoch"), (20, "epoch")]:
        shelf.add(*_snap(step, kind))
    shelf.keep_until(10)
    assert [e["step"] for e in shelf.index()] == [1, 10]
    assert not list((tmp_path / "snapshots").glob("000000020-*"))


def _encoded_size(where: Path) -> bytes:
    """One test snapshot's bytes on disk."""
    shelf = SnapshotShelf(where, cap_bytes=10 ** 9)
    shelf.add(*_snap(99, "epoch"))
    return (where / "snapshots" / shelf.index()[0]["file"]).read_bytes()
