"""The convscope command line: train (JSON events, weights + sidecar), evaluate, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.cli import main
from model.idx import write_idx
from model.zoo import load_model


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_train_writes_weights_sidecar_and_checkpoint(tmp_path, capsys):
    out = tmp_path / "w.npz"
    code = main(["train", "--train-size", "640", "--epochs", "2", "--seed", "3", "--json", "--out", str(out)])
    assert code == 0
    events = _json_lines(capsys.readouterr().out)
    kinds = [e["type"] for e in events]
    assert kinds.count("batch") == 20 and kinds.count("epoch") == 2 and kinds[-2:] == ["done", "saved"]
    epoch = next(e for e in events if e["type"] == "epoch")
    assert set(epoch) >= {"train_loss", "train_accuracy", "test_loss", "test_accuracy", "epoch_seconds",
                          "elapsed_seconds", "confusion"}
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["command"].startswith("convscope train --train-size 640")
    assert sidecar["seed"] == 3 and sidecar["epochs"] == 2 and sidecar["parameters"] == 61_684
    assert sidecar["normalization"]["applied_to"] == "pixels / 255"
    assert sidecar["test_accuracy"] == events[-1]["test_accuracy"]
    model, meta = load_model(out)
    assert meta["architecture"] == "lenet5"
    assert model.input_mean == pytest.approx(sidecar["normalization"]["mean"])
    assert out.with_suffix(".ckpt.npz").is_file()


def test_evaluate_prints_accuracy_and_confusion(tmp_path, capsys):
    out = tmp_path / "m.npz"
    assert main(["train", "--model", "mlp", "--train-size", "256", "--epochs", "1", "--json",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    cm = np.array(result["confusion"])
    assert cm.shape == (10, 10) and cm.sum() == result["test_images"] == 10_000
    assert result["test_accuracy"] == pytest.approx(np.trace(cm) / cm.sum())
    assert main(["evaluate", str(out)]) == 0
    assert "confusion matrix" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["--lr", "0"], "lr must be between"),
    (["--epochs", "0"], "epochs must be between"),
    (["--batch-size", "999999"], "batch_size must be between"),
    (["--shift", "7"], "augmentation shift must be between 0 and 6; got 7"),
    (["--elastic-sigma", "1"], "augmentation elastic_sigma must be between 2 and 8; got 1"),
])
def test_bad_hyper_parameters_exit_2_with_the_range(tmp_path, capsys, args, message):
    assert main(["train", "--out", str(tmp_path / "x.npz"), *args]) == 2
    assert message in capsys.readouterr().err


def test_bad_data_dir_is_a_clear_error(tmp_path, capsys):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 28, 28), np.uint8))
    assert main(["train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "x.npz")]) == 2
    err = capsys.readouterr().err
    assert "train-labels-idx1-ubyte" in err or "missing" in err


def test_evaluate_missing_weights_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "nope.npz")]) == 2
    assert "nope.npz" in capsys.readouterr().err


def test_train_records_its_augmentation_in_the_sidecar(tmp_path):
    out = tmp_path / "aug.npz"
    assert main(["train", "--out", str(out), "--epochs", "1", "--train-size", "256", "--shift", "2",
                 "--rotate", "10", "--elastic-alpha", "20"]) == 0
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["config"]["augment"] == {"shift": 2.0, "rotate": 10.0, "elastic_alpha": 20.0}
