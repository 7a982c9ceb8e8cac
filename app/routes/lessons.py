"""The lessons' numbers, computed by the engine: cross-correlation and its gradients, padding and
stride, pooling, convolution types and their costs, parameter counts, and the tutorial's results."""

from __future__ import annotations

import json
import threading
from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Query
from PIL import Image
from pydantic import BaseModel, Field

from app.paths import STATIC_DIR
from model.conv_types import costs, time_conv_types
from model.correlation_lesson import Entry, correlate_1d, correlate_2d, finite_difference_1d, gradients_1d
from model.datasets import load_dataset
from model.reference import avgpool_forward_loops, maxpool_backward_loops, maxpool_forward_loops
from model.sliding_lesson import slide
from model.training import evaluate
from model.zoo import PRETRAINED_LENET5, PRETRAINED_MLP, build_model, from_spec, load_model

router = APIRouter(prefix="/api/lessons", tags=["lessons"])

LIMIT = 1e6  # inputs beyond a million would only overflow the sums a lesson shows
Number = Annotated[float, Field(allow_inf_nan=False, ge=-LIMIT, le=LIMIT)]
Vector = Annotated[list[Number], Field(min_length=1, max_length=32)]
Grid = Annotated[list[Annotated[list[Number], Field(min_length=1, max_length=32)]], Field(min_length=1, max_length=32)]


def _grid(rows: list[list[float]], name: str, max_side: int = 32) -> np.ndarray:
    if len({len(r) for r in rows}) != 1:
        raise HTTPException(422, f"{name} must be a rectangle: every row the same length")
    if len(rows) > max_side or len(rows[0]) > max_side:
        raise HTTPException(422, f"{name} may be at most {max_side}x{max_side}")
    return np.array(rows, dtype=np.float64)


def _fail(exc: ValueError) -> HTTPException:
    return HTTPException(422, str(exc))


# ---- 1. cross-correlation ---------------------------------------------------------------------
class Factor(BaseModel):
    name: str
    index: list[int] = Field(..., description="1-based.")
    value: float


class TermOut(BaseModel):
    a: Factor
    b: Factor
    product: float


class EntryOut(BaseModel):
    name: str = Field(..., examples=["y"])
    index: list[int] = Field(..., description="1-based, as in the tutorial.")
    value: float
    terms: list[TermOut]


def _entries(entries: list[Entry]) -> list[EntryOut]:
    return [EntryOut(name=e.name, index=list(e.index), value=e.value, terms=[
        TermOut(a=Factor(name=t.a_name, index=list(t.a_index), value=t.a_value),
                b=Factor(name=t.b_name, index=list(t.b_index), value=t.b_value), product=t.product)
        for t in e.terms]) for e in entries]


class Correlate1dIn(BaseModel):
    x: Vector = Field(..., examples=[[1, 2, 5, 6, 2, -1, 3, -2]])
    w: Annotated[list[Number], Field(min_length=1, max_length=9)] = Field(..., examples=[[1, 0, 0]])
    pad: int = Field(0, ge=0, le=8, description="Zeros added on each side.")
    delta: Annotated[list[Number], Field(max_length=64)] | None = Field(
        None, description="Upstream gradient dL/dy, one per output.")


class Correlate1dOut(BaseModel):
    y: list[EntryOut]
    dx: list[EntryOut] | None = None
    dw: list[EntryOut] | None = None
    dx_numeric: list[float] | None = Field(None, description="Central differences of L = sum delta_i y_i.")
    dw_numeric: list[float] | None = None
    max_difference: float | None = Field(None, description="Largest |analytic - numeric| gradient entry.")


@router.post("/correlate-1d", response_model=Correlate1dOut, summary="1-D cross-correlation and its gradients")
def correlate_one(body: Correlate1dIn) -> Correlate1dOut:
    x, w = np.array(body.x, dtype=float), np.array(body.w, dtype=float)
    try:
        y = correlate_1d(x, w, body.pad)
        if body.delta is None:
            return Correlate1dOut(y=_entries(y))
        delta = np.array(body.delta, dtype=float)
        dx, dw = gradients_1d(x, w, delta, body.pad)
    except ValueError as exc:
        raise _fail(exc) from None
    nx, nw = finite_difference_1d(x, w, delta, body.pad)
    diff = max(np.abs(nx - [e.value for e in dx]).max(), np.abs(nw - [e.value for e in dw]).max())
    return Correlate1dOut(y=_entries(y), dx=_entries(dx), dw=_entries(dw), dx_numeric=nx.tolist(),
                          dw_numeric=nw.tolist(), max_difference=float(diff))


class Correlate2dIn(BaseModel):
    x: Grid = Field(..., description="Up to 12x12.")
    w: Grid = Field(..., description="Up to 5x5.")
    pad: int = Field(0, ge=0, le=4)
    stride: int = Field(1, ge=1, le=3)
    flip: bool = Field(False, description="Rotate w by 180 degrees first: true convolution.")
    delta: Grid | None = None


class Correlate2dOut(BaseModel):
    kernel: list[list[float]] = Field(..., description="The weights used (flipped, if asked).")
    y: list[list[float]]
    dx: list[list[float]] | None = None
    dw: list[list[float]] | None = None
    dx_numeric: list[list[float]] | None = None
    dw_numeric: list[list[float]] | None = None
    max_difference: float | None = None


@router.post("/correlate-2d", response_model=Correlate2dOut, summary="2-D cross-correlation (or convolution) "
             "and its gradients, by the engine")
def correlate_two(body: Correlate2dIn) -> Correlate2dOut:
    x, w = _grid(body.x, "x", 12), _grid(body.w, "w", 5)
    if body.flip:
        w = w[::-1, ::-1].copy()
    delta = _grid(body.delta, "delta", 12) if body.delta is not None else None
    try:
        r = correlate_2d(x, w, delta, body.pad, body.stride)
    except ValueError as exc:
        raise _fail(exc) from None
    out = Correlate2dOut(kernel=w.tolist(), y=r["y"].tolist())
    if delta is not None:
        out.dx, out.dw = r["dx"].tolist(), r["dw"].tolist()
        out.dx_numeric, out.dw_numeric = r["dx_numeric"].tolist(), r["dw_numeric"].tolist()
        out.max_difference = float(max(np.abs(r["dx"] - r["dx_numeric"]).max(), np.abs(r["dw"] - r["dw_numeric"]).max()))
    return out


# ---- 2. padding and stride --------------------------------------------------------------------
class SlideIn(BaseModel):
    x: Grid
    w: Annotated[list[list[Number]], Field(min_length=1, max_length=7)]
    padding: Literal["zero", "edge", "reflect", "wrap", "valid"] = "zero"
    stride: int = Field(1, ge=1, le=4)
    dilation: int = Field(1, ge=1, le=4)


class AxisOut(BaseModel):
    n: int
    k: int
    p_before: int
    p_after: int
    s: int
    d: int
    size: int
    formula: str = Field(..., description="floor((n + 2p - d(k - 1) - 1) / s) + 1 with the numbers filled in.")


class Position(BaseModel):
    out: list[int] = Field(..., description="[i, j] of the output.")
    rows: list[int] = Field(..., description="Rows of the padded input under the kernel.")
    cols: list[int]


class SlideOut(BaseModel):
    padded: list[list[float]]
    offset: list[int] = Field(..., description="[rows, cols] of padding before the input in `padded`.")
    output: list[list[float]]
    rows: AxisOut
    cols: AxisOut
    positions: list[Position]


@router.post("/slide", response_model=SlideOut, summary="A sliding window with any border, stride and dilation")
def slide_window(body: SlideIn) -> SlideOut:
    x, w = _grid(body.x, "x"), _grid(body.w, "w", 7)
    try:
        s = slide(x, w, body.padding, body.stride, body.dilation)
    except ValueError as exc:
        raise _fail(exc) from None

    def axis_out(a) -> AxisOut:  # noqa: ANN001
        return AxisOut(n=a.n, k=a.k, p_before=a.p_before, p_after=a.p_after, s=a.s, d=a.d, size=a.size,
                       formula=a.expression())

    return SlideOut(padded=s.padded.tolist(), offset=[s.rows.p_before, s.cols.p_before], output=s.output.tolist(),
                    rows=axis_out(s.rows), cols=axis_out(s.cols),
                    positions=[Position(out=[i, j], rows=r, cols=c) for i, j, r, c in s.positions])


# ---- 4. pooling -------------------------------------------------------------------------------
class PoolIn(BaseModel):
    x: Annotated[list[list[Number]], Field(min_length=1, max_length=16)]
    kernel: int = Field(2, ge=1, le=4)
    stride: int | None = Field(None, ge=1, le=4, description="Default: the kernel size.")
    delta: Annotated[list[list[Number]], Field(max_length=16)] | None = None


class PoolOut(BaseModel):
    max: list[list[float]]
    argmax: list[list[list[int]]] = Field(..., description="[row, col] in the input of each window's first maximum.")
    average: list[list[float]]
    dx_max: list[list[float]] | None = Field(None, description="delta routed to each window's arg-max.")
    dx_average: list[list[float]] | None = Field(None, description="delta shared equally over each window.")


@router.post("/pooling", response_model=PoolOut, summary="Max and average pooling, forward and backward")
def pooling(body: PoolIn) -> PoolOut:
    x = _grid(body.x, "x", 16)
    k, s = body.kernel, body.stride or body.kernel
    if k > min(x.shape):
        raise HTTPException(422, f"the {k}x{k} window does not fit the {x.shape[0]}x{x.shape[1]} input")
    out, arg = maxpool_forward_loops(x[None, None], k, s)
    avg = avgpool_forward_loops(x[None, None], k, s)
    oh, ow = out.shape[2:]
    argmax = [[[i * s + int(arg[0, 0, i, j]) // k, j * s + int(arg[0, 0, i, j]) % k] for j in range(ow)]
              for i in range(oh)]
    result = PoolOut(max=out[0, 0].tolist(), argmax=argmax, average=avg[0, 0].tolist())
    if body.delta is not None:
        delta = _grid(body.delta, "delta", 16)
        if delta.shape != (oh, ow):
            raise HTTPException(422, f"delta must have the output's shape {oh}x{ow}")
        result.dx_max = maxpool_backward_loops(delta[None, None], (1, 1, *x.shape), arg, k, s)[0, 0].tolist()
        dx_avg = np.zeros_like(x)
        for i in range(oh):
            for j in range(ow):
                dx_avg[i * s:i * s + k, j * s:j * s + k] += delta[i, j] / (k * k)
        result.dx_average = dx_avg.tolist()
    return result


# ---- 5. convolution types ---------------------------------------------------------------------
class CostIn(BaseModel):
    dk: int = Field(3, ge=1, le=11, description="D_K: kernel size.")
    m: int = Field(32, ge=1, le=2048, description="M: input channels.")
    n: int = Field(64, ge=1, le=2048, description="N: output channels.")
    df: int = Field(112, ge=1, le=1024, description="D_F: output feature-map size.")


class CostOut(BaseModel):
    depthwise: int = Field(..., description="D_K*D_K*M*D_F*D_F: one kernel per channel (image-editor style).")
    standard: int = Field(..., description="D_K*D_K*M*N*D_F*D_F (LeNet style).")
    separable: int = Field(..., description="D_K*D_K*M*D_F*D_F + M*N*D_F*D_F.")
    ratio: float = Field(..., description="separable / standard = 1/N + 1/D_K^2.")
    formulas: dict[str, str]


def _costs(body: CostIn) -> CostOut:
    c = costs(body.dk, body.m, body.n, body.df)
    k, m, n, f = body.dk, body.m, body.n, body.df
    return CostOut(depthwise=c.depthwise, standard=c.standard, separable=c.separable, ratio=c.ratio, formulas={
        "depthwise": f"{k}*{k}*{m}*{f}*{f} = {c.depthwise:,}",
        "standard": f"{k}*{k}*{m}*{n}*{f}*{f} = {c.standard:,}",
        "separable": f"{k}*{k}*{m}*{f}*{f} + {m}*{n}*{f}*{f} = {c.separable:,}",
        "ratio": f"1/{n} + 1/{k}^2 = {c.ratio:.4f}"})


@router.post("/conv-cost", response_model=CostOut, summary="Multiply-adds of each convolution type, by formula")
def conv_cost(body: CostIn) -> CostOut:
    return _costs(body)


class RunTypesIn(BaseModel):
    dk: int = Field(3, ge=1, le=7)
    m: int = Field(16, ge=1, le=64)
    n: int = Field(32, ge=1, le=128)
    df: int = Field(128, ge=16, le=256, description="The photo is resized to D_F x D_F.")


class RunTypesOut(BaseModel):
    cost: CostOut
    seconds: dict[str, float] = Field(..., description="Measured by the engine: the best of 2 runs each.")
    measured_ratio: float = Field(..., description="separable / standard, measured.")


_run_lock = threading.Lock()  # one measurement at a time: two would time each other


MAX_RUN_MACS = 400_000_000  # the standard convolution's multiply-adds: about a second here


@router.post("/conv-types/run", response_model=RunTypesOut, summary="Run each convolution type on a real "
             "photo and time it", responses={422: {"description": "Too much work for one request."}})
def run_conv_types(body: RunTypesIn) -> RunTypesOut:
    standard = costs(body.dk, body.m, body.n, body.df).standard
    if standard > MAX_RUN_MACS:
        raise HTTPException(422, f"that standard convolution needs {standard:,} multiply-adds; runs here are "
                                 f"limited to {MAX_RUN_MACS:,} (make D_F, M, N or D_K smaller)")
    photo = Image.open(STATIC_DIR / "samples" / "chelsea.png").convert("RGB").resize((body.df, body.df))
    rgb = np.asarray(photo, dtype=np.float32) / 255
    # M channels: the photo's R, G, B, then shifted copies of them (any M maps from a real image)
    channels = [np.roll(rgb[..., c % 3], c // 3, axis=c % 2) for c in range(body.m)]
    with _run_lock:
        t = time_conv_types(np.stack(channels, axis=-1), body.n, body.dk, repeats=2)
    seconds = {"depthwise": t.depthwise, "standard": t.standard, "separable": t.separable}
    return RunTypesOut(cost=_costs(CostIn(dk=body.dk, m=body.m, n=body.n, df=body.df)), seconds=seconds,
                       measured_ratio=t.separable / t.standard)


# ---- 6. parameters ----------------------------------------------------------------------------
class LayerSpec(BaseModel):
    kind: Literal["conv", "maxpool", "avgpool", "relu", "tanh", "flatten", "linear"]
    channels: int | None = Field(None, ge=1, le=1024, description="conv: output channels.")
    kernel: int | None = Field(None, ge=1, le=15, description="conv, pooling.")
    stride: int | None = Field(None, ge=1, le=8)
    padding: int | None = Field(None, ge=0, le=14)
    dilation: int | None = Field(None, ge=1, le=8)
    features: int | None = Field(None, ge=1, le=100_000, description="linear: output features.")
    bias: bool = True


class ArchitectureIn(BaseModel):
    input: list[int] = Field([1, 28, 28], min_length=3, max_length=3, description="[C, H, W].")
    layers: list[LayerSpec] = Field(..., min_length=1, max_length=30)


class ParamRow(BaseModel):
    name: str
    type: str
    description: str
    output_shape: list[int]
    params: int
    formula: str = Field(..., description="How the count is made up.")


class ParamsOut(BaseModel):
    architecture: str
    layers: list[ParamRow]
    total: int
    conv: int = Field(..., description="In the convolutional layers.")
    classifier: int = Field(..., description="In the fully connected layers.")


def _params(net) -> ParamsOut:  # noqa: ANN001
    rows = []
    for (name, layer), row in zip(net.layers, net.summary()):
        if layer.kind == "Conv2d":
            f, c, kh, kw = layer.params["weight"].shape
            formula = f"{f}*{c}*{kh}*{kw}" + (f" + {f}" if "bias" in layer.params else "") + f" = {row.params:,}"
        elif layer.kind == "Linear":
            o, i = layer.params["weight"].shape
            formula = f"{o}*{i}" + (f" + {o}" if "bias" in layer.params else "") + f" = {row.params:,}"
        else:
            formula = "0"
        rows.append(ParamRow(name=name, type=row.kind, description=row.description,
                             output_shape=list(row.output_shape), params=row.params, formula=formula))
    conv = sum(r.params for r in rows if r.type == "Conv2d")
    dense = sum(r.params for r in rows if r.type == "Linear")
    return ParamsOut(architecture=net.architecture, layers=rows, total=net.num_params(), conv=conv, classifier=dense)


@router.get("/parameters", response_model=ParamsOut, summary="Parameters of LeNet-5 or the MLP, layer by layer")
def parameters(model: Annotated[Literal["lenet5", "mlp"], Query()] = "lenet5") -> ParamsOut:
    return _params(build_model(model))


@router.post("/parameters", response_model=ParamsOut, summary="Parameters of an architecture you describe")
def custom_parameters(body: ArchitectureIn) -> ParamsOut:
    missing = {"conv": ("channels", "kernel"), "maxpool": ("kernel",), "avgpool": ("kernel",), "linear": ("features",)}
    specs = []
    for i, layer in enumerate(body.layers, start=1):
        absent = [f for f in missing.get(layer.kind, ()) if getattr(layer, f) is None]
        if absent:
            raise HTTPException(422, f"layer {i} ({layer.kind}) needs {', '.join(absent)}")
        specs.append({k: v for k, v in layer.model_dump().items() if v is not None})
    if min(body.input) < 1 or max(body.input) > 1024:
        raise HTTPException(422, "input must be [C, H, W] with each between 1 and 1024")
    try:
        net = from_spec(tuple(body.input), specs)
    except ValueError as exc:
        raise _fail(exc) from None
    if net.num_params() > 50_000_000:
        raise HTTPException(422, f"that network has {net.num_params():,} parameters; the limit here is 50,000,000")
    return _params(net)


# ---- 7. results -------------------------------------------------------------------------------
class ModelResult(BaseModel):
    architecture: str
    params: int
    test_accuracy: float
    test_error: float
    confusion: list[list[int]]
    trained_with: str | None


class ResultsOut(BaseModel):
    lenet5: ModelResult
    mlp: ModelResult
    error_ratio: float = Field(..., description="MLP error / LeNet-5 error: the tutorial says about 2.")
    size_ratio: float = Field(..., description="MLP parameters / LeNet-5 parameters: the tutorial says about 4.")


_results: dict[str, ResultsOut] = {}
_results_lock = threading.Lock()


@router.get("/results", response_model=ResultsOut, summary="The committed LeNet-5 and MLP on the 10,000 test "
            "images, side by side")
def results() -> ResultsOut:
    with _results_lock:  # computed once per process: the weights and the test set do not change
        if "mnist" not in _results:
            data = load_dataset()
            found = {}
            for path in (PRETRAINED_LENET5, PRETRAINED_MLP):
                net, _ = load_model(path)
                ev = evaluate(net, data.test_images, data.test_labels)
                sidecar = json.loads(path.with_suffix(".json").read_text()) if path.with_suffix(".json").is_file() else {}
                found[net.architecture] = ModelResult(architecture=net.architecture, params=net.num_params(),
                                                      test_accuracy=ev.accuracy, test_error=1 - ev.accuracy,
                                                      confusion=ev.confusion.tolist(),
                                                      trained_with=sidecar.get("command"))
            lenet, mlp = found["lenet5"], found["mlp"]
            _results["mnist"] = ResultsOut(lenet5=lenet, mlp=mlp, error_ratio=mlp.test_error / lenet.test_error,
                                           size_ratio=mlp.params / lenet.params)
        return _results["mnist"]
