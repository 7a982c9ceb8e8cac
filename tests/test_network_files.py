"""Networks in and out over HTTP: the served network as PyTorch code plus safetensors loads into
torch.nn and gives our logits; a network trained in PyTorch, saved with safetensors and uploaded,
gives PyTorch's predictions on the whole MNIST test set; pickles are refused (415) and weights that
do not fit are named key by key (422)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from model.datasets import load_dataset
from model.torch_code import layers_from_code, pytorch_code
from model.zoo import MNIST_MEAN, MNIST_STD

SMALL = [{"kind": "conv", "channels": 4, "kernel": 5, "padding": 2}, {"kind": "relu"}, {"kind": "maxpool", "kernel": 2},
         {"kind": "batchnorm"}, {"kind": "flatten"}, {"kind": "linear", "features": 10}]


@pytest.fixture
def api(tmp_path):
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", train_threads=1))) as client:
        yield client


@pytest.fixture(scope="module")
def mnist():
    return load_dataset()


def normalised(images: np.ndarray) -> np.ndarray:
    return ((images / 255.0 - MNIST_MEAN) / MNIST_STD).astype(np.float32)[:, None]


def upload(api: TestClient, weights: bytes, name: str, **fields: str):  # noqa: ANN201
    files = {"weights": (name, weights, "application/octet-stream")}
    return api.post("/api/networks/import", files=files, data=fields)


def test_the_export_runs_in_pytorch_and_gives_our_logits(api, mnist):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load

    code = api.get("/api/model/export/pytorch")
    assert code.status_code == 200 and code.headers["content-type"].startswith("text/x-python")
    namespace: dict = {}
    exec(compile(code.text, "convscope_model.py", "exec"), namespace)  # our own export, as a learner would run it
    model = namespace["model"].eval()
    model.load_state_dict(load(api.get("/api/model/export/safetensors").content))  # strict: every key ours
    images = mnist.test_images[:64]
    ours = np.array(api.post("/api/digits/predict", json={"pixels": images[0].tolist()}).json()["probabilities"])
    with torch.no_grad():
        theirs = torch.softmax(model(torch.from_numpy(normalised(images))), dim=1).numpy()
    assert np.abs(ours - theirs[0]).max() < 1e-4


def test_a_network_trained_in_pytorch_comes_in_and_predicts_as_it_did(api, mnist):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save

    namespace: dict = {}
    exec(compile(pytorch_code(SMALL), "small.py", "exec"), namespace)
    model = namespace["model"]
    torch.manual_seed(0)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    x, y = torch.from_numpy(normalised(mnist.train_images[:3000])), torch.from_numpy(mnist.train_labels[:3000].astype(np.int64))
    model.train()
    for start in range(0, 3000, 50):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x[start:start + 50]), y[start:start + 50]).backward()
        optimiser.step()
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(normalised(mnist.test_images))).numpy()
    r = upload(api, save(model.state_dict()), "small.safetensors", code=pytorch_code(SMALL))
    assert r.status_code == 201, r.text
    assert r.json()["model"]["source"] == f"import:{r.json()['id']}"
    assert [row["name"] for row in r.json()["model"]["layers"]] == ["conv1", "relu1", "pool1", "bn1", "flatten", "fc1"]
    assert api.get("/api/model").json()["source"] == f"import:{r.json()['id']}"  # it answers this browser now
    served = api.app.state.networks.resolve(f"import:{r.json()['id']}").model
    ours = served.predict_logits(mnist.test_images)
    assert np.abs(ours - logits).max() < 1e-4
    agree = (ours.argmax(1) == logits.argmax(1)).mean()
    assert agree == 1.0, f"{agree:.4%} of the 10,000 predictions agree"
    assert (logits.argmax(1) == mnist.test_labels).mean() > 0.8  # it did learn
    # And back out: the export loads strictly into the same torch.nn code (batch norm's count included).
    from safetensors.torch import load

    again: dict = {}
    exec(compile(api.get("/api/model/export/pytorch").text, "again.py", "exec"), again)
    again["model"].load_state_dict(load(api.get("/api/model/export/safetensors").content))


def test_pickles_are_refused_with_the_way_to_export_safetensors(api):
    torch = pytest.importorskip("torch")
    buffer = io.BytesIO()
    torch.save({"conv1.weight": torch.zeros(4, 1, 5, 5)}, buffer)
    for name in ("model.pt", "model.safetensors", "weights.pth"):
        r = upload(api, buffer.getvalue(), name, layers=json.dumps(SMALL))
        assert r.status_code == 415 and "save_file(model.state_dict()" in r.json()["detail"], r.text
    assert upload(api, b"\x80\x04K\x01.", "x.bin").status_code == 415


def test_weights_that_do_not_fit_are_named_key_by_key(api):
    from safetensors.numpy import save

    good = {"conv1.weight": np.zeros((4, 1, 5, 5), np.float32), "conv1.bias": np.zeros(4, np.float32),
            "bn1.weight": np.ones(4, np.float32), "bn1.bias": np.zeros(4, np.float32),
            "bn1.running_mean": np.zeros(4, np.float32), "bn1.running_var": np.ones(4, np.float32),
            "fc1.weight": np.zeros((10, 784), np.float32), "fc1.bias": np.zeros(10, np.float32)}
    layers = json.dumps(SMALL)
    assert upload(api, save(good), "w.safetensors", layers=layers).status_code == 201
    cases = [
        ({**good, "conv1.weight": np.zeros((4, 1, 3, 3), np.float32)}, "conv1.weight: expected shape [4, 1, 5, 5], got [4, 1, 3, 3]"),
        ({k: v for k, v in good.items() if k != "fc1.bias"}, "the weights have no fc1.bias (expected shape [10])"),
        ({**good, "fc2.weight": np.zeros((1,), np.float32)}, "the weights hold fc2.weight, which this network has no place for"),
        ({**good, "conv1.bias": np.full(4, np.nan, np.float32)}, "conv1.bias holds values that are not finite numbers"),
    ]
    for arrays, words in cases:
        r = upload(api, save(arrays), "w.safetensors", layers=layers)
        assert r.status_code == 422 and words in r.json()["detail"], r.text
    r = upload(api, save(good), "w.safetensors")
    assert r.status_code == 422 and "give the architecture too" in r.json()["detail"]
    r = upload(api, save(good), "w.safetensors", code="model = nn.Sequential(nn.Conv2d(1, 4, 5), nn.LSTM(4, 4))")
    assert r.status_code == 422 and "nn.LSTM is not a layer convscope can build" in r.json()["detail"]
    r = upload(api, save(good), "w.safetensors", layers=json.dumps([{"kind": "conv", "channels": 4}]))
    assert r.status_code == 422 and "layers" in r.json()["detail"] and "kernel" in r.json()["detail"]
    r = upload(api, b"not weights at all", "w.safetensors", layers=layers)
    assert r.status_code == 422 and "not a safetensors or .npz file" in r.json()["detail"]
    assert api.post("/api/networks/import", json={"layers": SMALL}).status_code == 422  # not multipart


def test_code_is_read_not_run():
    text = pytorch_code(SMALL) + "\nimport os\nos.system('touch /tmp/convscope-ran')\n"
    specs, names = layers_from_code(text)
    assert names == ["conv1", "relu1", "pool1", "bn1", "flatten", "fc1"]
    assert [s["kind"] for s in specs] == [s["kind"] for s in SMALL]
    import os
    assert not os.path.exists("/tmp/convscope-ran")
    specs, names = layers_from_code("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(1, 8, (3, 3), padding=1), "
                                    "nn.ReLU(), nn.Flatten(), nn.Linear(6272, 10))")
    assert specs[0] == {"kind": "conv", "channels": 8, "kernel": 3, "stride": 1, "padding": 1, "dilation": 1, "bias": True}
    assert names == ["0", "1", "2", "3"]  # as PyTorch names an nn.Sequential's layers


def test_an_unnamed_sequential_from_pytorch_loads_by_position(api, mnist):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save

    nn = torch.nn
    code = "import torch.nn as nn\nmodel = nn.Sequential(nn.Conv2d(1, 3, 3), nn.Tanh(), nn.Flatten(), nn.Linear(2028, 10))"
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.Tanh(), nn.Flatten(), nn.Linear(2028, 10)).eval()
    r = upload(api, save(model.state_dict()), "w.safetensors", code=code)
    assert r.status_code == 201, r.text
    with torch.no_grad():
        theirs = model(torch.from_numpy(normalised(mnist.test_images[:100]))).numpy()
    served = api.app.state.networks.resolve(f"import:{r.json()['id']}").model
    assert np.abs(served.predict_logits(mnist.test_images[:100]) - theirs).max() < 1e-4


def test_only_the_newest_imports_are_kept(tmp_path):
    from safetensors.numpy import save

    from model.zoo import from_spec

    net = from_spec((1, 28, 28), SMALL, seed=2)
    weights = save({k: np.array(v, order="C") for k, v in net.state_dict().items()})
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", max_imports_kept=2))) as api:
        ids = [upload(api, weights, "w.safetensors", layers=json.dumps(SMALL)).json()["id"] for _ in range(3)]
    kept = sorted(p.stem for p in (tmp_path / "runs" / "imports").glob("*.npz"))
    assert kept == sorted(ids[1:])


def test_a_file_that_describes_a_huge_network_is_refused_before_it_is_built(api):
    """The .npz's own meta may describe any network: it meets the limits before a weight exists."""
    buffer = io.BytesIO()
    huge = [{"kind": "flatten"}, {"kind": "linear", "features": 100_000}, {"kind": "linear", "features": 100_000},
            {"kind": "linear", "features": 10}]
    np.savez(buffer, __meta__=np.array(json.dumps({"architecture": "custom", "layers": huge})))
    r = upload(api, buffer.getvalue(), "huge.npz")
    assert r.status_code == 422 and "at most 5,000,000 parameters are allowed here" in r.json()["detail"], r.text
