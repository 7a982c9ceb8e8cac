// Lesson 1, /lessons/cross-correlation: 1-D cross-correlation term by term (POST
// /api/lessons/correlate-1d), its gradients with the finite-difference check, then the same in
// 2-D (POST /api/lessons/correlate-2d). The inputs are EditableGrids ("grid-edit" events); the
// strips and grids are drawn from the API's answer; picking an output ("strip-pick",
// "cell-pick") only moves the highlight.

import { el } from "../shared/dom.js";
import { EditableGrid } from "./editable-grid.js";
import { captioned, entryList, numberGrid, op, showError, strip, symbol } from "./lesson-draw.js";
import {
  TIMES,
  examplePattern,
  flip1d,
  formatNumber,
  formatPrecise,
  formatScientific,
  outputLength,
  subscript as sub,
  symbolText,
  window2d,
  window2dNumeric,
} from "./lesson-math.js";
import { correlate1d, correlate2d } from "./lessons-api.js";
import { PageState, numberSelect, rendered, stale, start } from "./lesson-page.js";

const X = [1, 2, 5, 6, 2, -1, 3, -2];
const W = [1, 0, -1];
const X2 = [[3, 1, 0, 2, 1], [1, 4, 2, 0, 3], [0, 2, 5, 1, 0], [2, 1, 0, 3, 2], [1, 0, 2, 1, 4]];
const W2 = [[1, 2, 0], [0, 1, 0], [-1, 0, 1]];
const AGREE = 1e-6;

const texts = (values) => values.map(String);
const fillPattern = (r, c) => String(examplePattern(1, r * 3 + c)[0]);

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);
  const forward = $('[data-section="forward"]');
  const backward = $('[data-section="backward"]');
  const twoD = $('[data-section="two-d"]');
  const errors = {
    forward: $('[data-error="forward"]'),
    backward: $('[data-error="backward"]'),
    twoD: $('[data-error="two-d"]'),
  };

  // ---------------------------------------------------------------- 1-D

  const xGrid = new EditableGrid($('[data-edit="x"]'), { name: "x", cells: [texts(X)], indices: true, fill: fillPattern });
  const wGrid = new EditableGrid($('[data-edit="w"]'), { name: "w", cells: [texts(W)], indices: true, fill: () => "0" });
  const deltaGrid = new EditableGrid($('[data-edit="delta"]'), {
    name: "delta", cells: [texts(examplePattern(X.length - W.length + 1))], indices: true, fill: fillPattern,
  });
  const xSize = $('[data-size="x"]');
  const wSize = $('[data-size="w"]');
  const deltaSize = $("[data-delta-size]");
  numberSelect(xSize, 1, 16, X.length);
  numberSelect(wSize, 1, 9, W.length);

  const selected = { y: 1, dx: 1, dw: 1 };
  let shown = null; // {result, body} of the 1-D answer on screen

  const query1d = state.query(correlate1d, { onResult: show1d, onError: fail1d });

  function request1d() {
    const x = xGrid.read();
    const w = wGrid.read();
    xGrid.markErrors(x.errors);
    wGrid.markErrors(w.errors);
    const nOut = outputLength(xGrid.cols, wGrid.cols);
    if (nOut >= 1) deltaGrid.resize(1, nOut, { silent: true });
    deltaGrid.root.hidden = nOut < 1;
    deltaSize.textContent = nOut >= 1 ? `${nOut} number${nOut > 1 ? "s" : ""}: one per output` : "";
    const delta = deltaGrid.read();
    deltaGrid.markErrors(delta.errors);

    const inputError = x.errors[0]?.message ?? w.errors[0]?.message;
    showError(errors.forward, inputError);
    showError(errors.backward, delta.errors[0]?.message ?? null);
    if (inputError) {
      stale(forward);
      stale(backward);
      query1d.cancel();
      return;
    }
    const body = { x: x.values[0], w: w.values[0], pad: 0 };
    if (nOut >= 1 && delta.values) body.delta = delta.values[0];
    else stale(backward);
    query1d.schedule(body);
  }

  function fail1d(error) {
    const message = error.message || String(error);
    if (/delta/i.test(message)) {
      showError(errors.backward, message);
      stale(backward);
    } else {
      showError(errors.forward, message);
      stale(forward);
      stale(backward);
    }
  }

  function show1d(result, body) {
    shown = { result, body };
    showError(errors.forward, null);
    drawForward();
    rendered(forward, body);
    if (result.dx) {
      showError(errors.backward, null);
      drawBackward();
      rendered(backward, body);
    }
  }

  function drawForward() {
    const { result, body } = shown;
    const n = body.x.length;
    const k = body.w.length;
    selected.y = Math.min(Math.max(selected.y, 1), result.y.length);
    const i = selected.y;
    const entry = result.y[i - 1];
    const inWindow = (c) => c >= i - 1 && c < i - 1 + k;
    const rows = [
      { label: "", start: 0, cells: body.x.map((_, c) => ({ text: String(c + 1), cls: "ls-idx" })) },
      { label: symbol("x"), start: 0, cells: body.x.map((v, c) => ({ text: formatNumber(v), cls: inWindow(c) ? "is-window" : "" })) },
      { label: symbol("w"), start: i - 1, cells: body.w.map((v, j) => ({ text: formatNumber(v), cls: "is-weight", title: symbolText("w", [j + 1]) })) },
      { label: `x${TIMES}w`, start: i - 1, cells: entry.terms.map((t) => ({ text: formatNumber(t.product), cls: "is-product" })) },
      {
        label: symbol("y"), start: 0, cells: result.y.map((e) => ({
          text: formatNumber(e.value), pick: e.index[0], pressed: e.index[0] === i,
          cls: `is-out${e.index[0] === i ? " is-selected" : ""}`, ariaLabel: `y ${e.index[0]}: ${formatNumber(e.value)}`,
        })),
      },
    ];
    $('[data-strip="forward"]').replaceChildren(strip(rows, n, { kind: "forward", label: "x, the kernel under output y's window, and y" }));
    $('[data-where="forward"]').textContent = `(y${sub(i)}: inputs ${i} to ${i + k - 1})`;
    $('[data-entries="y"]').replaceChildren(entryList(result.y, "y", { selected: (e) => e.index[0] === i }));
  }

  function drawBackward() {
    const { result, body } = shown;
    const n = body.x.length;
    const k = body.w.length;
    const delta = body.delta;
    const nOut = delta.length;

    // dL/dx: delta padded by k - 1 zeros each side, the flipped kernel under window m.
    selected.dx = Math.min(Math.max(selected.dx, 1), result.dx.length);
    const m = selected.dx;
    const dxEntry = result.dx[m - 1];
    const padded = [...Array(k - 1).fill(null), ...delta, ...Array(k - 1).fill(null)];
    const dxProducts = flip1d(body.w).map((_, j) => {
      const deltaIndex = m + j - k + 1; // 1-based index into delta under position j of the window
      const term = dxEntry.terms.find((t) => t.b.index[0] === deltaIndex);
      return term ? { text: formatNumber(term.product), cls: "is-product" } : { text: "0", cls: "is-product is-pad", title: "padding" };
    });
    const inDxWindow = (c) => c >= m - 1 && c < m - 1 + k;
    const dxRows = [
      {
        label: symbol("delta"), start: 0, cells: padded.map((v, c) => (v === null
          ? { text: "0", cls: `is-pad${inDxWindow(c) ? " is-window" : ""}`, title: "padding: a zero" }
          : { text: formatNumber(v), cls: inDxWindow(c) ? "is-window" : "", title: symbolText("delta", [c - k + 2]) })),
      },
      {
        label: "w flipped", start: m - 1, cells: flip1d(body.w).map((v, j) => ({
          text: formatNumber(v), cls: "is-weight", title: symbolText("w", [k - j]),
        })),
      },
      { label: `${TIMES}`, start: m - 1, cells: dxProducts },
      {
        label: symbol("dL/dx"), start: 0, cells: result.dx.map((e) => ({
          text: formatNumber(e.value), pick: e.index[0], pressed: e.index[0] === m,
          cls: `is-out${e.index[0] === m ? " is-selected" : ""}`, ariaLabel: `dL/dx ${e.index[0]}: ${formatNumber(e.value)}`,
        })),
      },
    ];
    $("[data-pad-note]").textContent = `k \u2212 1 = ${k - 1}`;
    $('[data-strip="dx"]').replaceChildren(strip(dxRows, nOut + 2 * (k - 1), { kind: "dx", label: "delta padded with zeros, the flipped kernel, and dL/dx" }));
    $('[data-where="dx"]').textContent = `(\u2202L/\u2202x${sub(m)})`;
    $('[data-entries="dx"]').replaceChildren(entryList(result.dx, "dx", { selected: (e) => e.index[0] === m }));

    // dL/dw: x with delta under window j.
    selected.dw = Math.min(Math.max(selected.dw, 1), result.dw.length);
    const j = selected.dw;
    const dwEntry = result.dw[j - 1];
    const inDwWindow = (c) => c >= j - 1 && c < j - 1 + nOut;
    const dwRows = [
      { label: symbol("x"), start: 0, cells: body.x.map((v, c) => ({ text: formatNumber(v), cls: inDwWindow(c) ? "is-window" : "" })) },
      { label: symbol("delta"), start: j - 1, cells: delta.map((v, c) => ({ text: formatNumber(v), cls: "is-weight", title: symbolText("delta", [c + 1]) })) },
      { label: `${TIMES}`, start: j - 1, cells: dwEntry.terms.map((t) => ({ text: formatNumber(t.product), cls: "is-product" })) },
      {
        label: symbol("dL/dw"), start: 0, cells: result.dw.map((e) => ({
          text: formatNumber(e.value), pick: e.index[0], pressed: e.index[0] === j,
          cls: `is-out${e.index[0] === j ? " is-selected" : ""}`, ariaLabel: `dL/dw ${e.index[0]}: ${formatNumber(e.value)}`,
        })),
      },
    ];
    $('[data-strip="dw"]').replaceChildren(strip(dwRows, n, { kind: "dw", label: "x, delta under the window, and dL/dw" }));
    $('[data-where="dw"]').textContent = `(\u2202L/\u2202w${sub(j)})`;
    $('[data-entries="dw"]').replaceChildren(entryList(result.dw, "dw", { selected: (e) => e.index[0] === j }));

    // The finite-difference check.
    const tbody = $('[data-check="1d"] tbody');
    const rows = [
      ...result.dx.map((e, c) => [e, result.dx_numeric[c]]),
      ...result.dw.map((e, c) => [e, result.dw_numeric[c]]),
    ].map(([e, numeric]) => {
      const tr = el("tr");
      tr.dataset.check = `${e.name === "dL/dx" ? "dx" : "dw"}-${e.index[0]}`;
      const th = el("th");
      th.scope = "row";
      th.append(symbol(e.name, e.index));
      tr.append(th, el("td", "", formatNumber(e.value)), el("td", "", formatPrecise(numeric)),
        el("td", "", formatScientific(Math.abs(e.value - numeric))));
      return tr;
    });
    tbody.replaceChildren(...rows);
    const max = result.max_difference;
    const verdict = $("[data-max-difference]");
    verdict.textContent = `Largest difference: ${formatScientific(max)}. `
      + (max < AGREE ? "The formulas and the finite differences agree." : "They disagree: something is wrong.");
    verdict.dataset.value = String(max);
    verdict.classList.toggle("is-bad", !(max < AGREE));
  }

  for (const grid of [xGrid, wGrid, deltaGrid]) grid.root.addEventListener("grid-edit", request1d);
  xSize.addEventListener("change", () => xGrid.resize(1, Number(xSize.value)));
  wSize.addEventListener("change", () => wGrid.resize(1, Number(wSize.value)));
  root.addEventListener("strip-pick", (event) => {
    const { kind, index } = event.detail;
    if (!shown) return;
    if (kind === "forward") {
      selected.y = index;
      drawForward();
    } else if (kind === "dx" || kind === "dw") {
      selected[kind] = index;
      drawBackward();
    }
    root.querySelector(`[data-strip="${kind}"] [data-pick="${index}"]`)?.focus();
  });

  // ---------------------------------------------------------------- 2-D

  const x2Grid = new EditableGrid($('[data-edit="x2"]'), { name: "x", cells: X2.map(texts), fill: fillPattern });
  const w2Grid = new EditableGrid($('[data-edit="w2"]'), { name: "w", cells: W2.map(texts), fill: () => "0" });
  const delta2Grid = new EditableGrid($('[data-edit="delta2"]'), {
    name: "delta", cells: [0, 1, 2].map((r) => texts(examplePattern(3, r))), fill: fillPattern,
  });
  const sizes2 = {
    xRows: $('[data-size="x2-rows"]'), xCols: $('[data-size="x2-cols"]'),
    wRows: $('[data-size="w2-rows"]'), wCols: $('[data-size="w2-cols"]'),
  };
  const padSelect = $('[data-option="pad"]');
  const strideSelect = $('[data-option="stride"]');
  numberSelect(sizes2.xRows, 1, 8, X2.length);
  numberSelect(sizes2.xCols, 1, 8, X2[0].length);
  numberSelect(sizes2.wRows, 1, 5, W2.length);
  numberSelect(sizes2.wCols, 1, 5, W2[0].length);
  numberSelect(padSelect, 0, 2, 0);
  numberSelect(strideSelect, 1, 3, 1);
  const picked = { i: 0, j: 0 };
  let shown2 = null;

  const query2d = state.query(correlate2d, { onResult: show2d, onError: fail2d });

  function request2d() {
    const x = x2Grid.read();
    const w = w2Grid.read();
    x2Grid.markErrors(x.errors);
    w2Grid.markErrors(w.errors);
    const pad = Number(padSelect.value);
    const stride = Number(strideSelect.value);
    const outRows = outputLength(x2Grid.rows, w2Grid.rows, pad, stride);
    const outCols = outputLength(x2Grid.cols, w2Grid.cols, pad, stride);
    const fits = outRows >= 1 && outCols >= 1;
    if (fits) delta2Grid.resize(outRows, outCols, { silent: true });
    delta2Grid.root.closest(".ls-input").hidden = !fits;
    const delta = delta2Grid.read();
    delta2Grid.markErrors(delta.errors);
    const message = x.errors[0]?.message ?? w.errors[0]?.message ?? delta.errors[0]?.message;
    showError(errors.twoD, message);
    if (x.errors.length || w.errors.length) {
      stale(twoD);
      query2d.cancel();
      return;
    }
    const body = { x: x.values, w: w.values, pad, stride, flip: false };
    if (fits && delta.values) body.delta = delta.values;
    query2d.schedule(body);
  }

  function fail2d(error) {
    showError(errors.twoD, error.message || String(error));
    stale(twoD);
  }

  function show2d(result, body) {
    shown2 = { result, body };
    if (!body.delta || !delta2Grid.read().errors.length) showError(errors.twoD, null);
    draw2d();
    rendered(twoD, body);
  }

  function draw2d() {
    const { result, body } = shown2;
    const y = result.y;
    picked.i = Math.min(picked.i, y.length - 1);
    picked.j = Math.min(picked.j, y[0].length - 1);
    const kh = result.kernel.length;
    const kw = result.kernel[0].length;
    const cells = window2d(picked.i, picked.j, kh, kw, body.pad, body.stride);
    const inside = new Set(cells.map(({ r, c }) => `${r},${c}`));
    const outside = cells.filter(({ r, c }) => r < 0 || c < 0 || r >= body.x.length || c >= body.x[0].length).length;
    const size = (g) => `${g.length}${TIMES}${g[0].length}`;
    const figures = [
      captioned(numberGrid(body.x, {
        kind: "x", label: "Input x", heat: true, name: "x",
        cellClass: (r, c) => (inside.has(`${r},${c}`) ? "is-window" : ""),
      }), `Input x, ${size(body.x)}`),
      op("\u22c6"),
      captioned(numberGrid(result.kernel, { kind: "w", label: "Kernel w", heat: true, name: "w" }), `Kernel w, ${size(result.kernel)}`),
      op("="),
      captioned(numberGrid(y, {
        kind: "y", label: "Output y: pick a cell", heat: true, pick: true, name: "y",
        cellClass: (r, c) => (r === picked.i && c === picked.j ? "is-selected" : ""),
      }), `Output y, ${size(y)}`),
    ];
    $('[data-figures="two-d"]').replaceChildren(...figures);
    $('[data-where="two-d"]').replaceChildren(symbol("y", [picked.i + 1, picked.j + 1]), " =");
    $('[data-sum="two-d"]').textContent = window2dNumeric(body.x, result.kernel, body.pad, body.stride, picked.i,
      picked.j, y[picked.i][picked.j]) + (outside ? `  (${outside} padding zero${outside > 1 ? "s" : ""})` : "");

    const grads = $('[data-figures="two-d-grad"]');
    const verdict = $("[data-max-difference-2d]");
    if (result.dx) {
      const precise = (v) => formatNumber(v, 6);
      grads.replaceChildren(
        captioned(numberGrid(result.dx, { kind: "dx", label: "dL/dx by the engine", heat: true, name: "dL/dx" }), "\u2202L/\u2202x, by the engine"),
        captioned(numberGrid(result.dx_numeric, { kind: "dx-numeric", label: "dL/dx by finite differences", heat: true, format: precise }), "\u2202L/\u2202x, by finite differences"),
        captioned(numberGrid(result.dw, { kind: "dw", label: "dL/dw by the engine", heat: true, name: "dL/dw" }), "\u2202L/\u2202w, by the engine"),
        captioned(numberGrid(result.dw_numeric, { kind: "dw-numeric", label: "dL/dw by finite differences", heat: true, format: precise }), "\u2202L/\u2202w, by finite differences"),
      );
      const max = result.max_difference;
      verdict.textContent = `Largest difference between the engine\u2019s gradients and the finite differences: ${formatScientific(max)}. `
        + (max < AGREE ? "They agree." : "They disagree: something is wrong.");
      verdict.dataset.value = String(max);
      verdict.classList.toggle("is-bad", !(max < AGREE));
    } else {
      grads.replaceChildren();
      verdict.textContent = "";
    }
  }

  for (const grid of [x2Grid, w2Grid, delta2Grid]) grid.root.addEventListener("grid-edit", request2d);
  sizes2.xRows.addEventListener("change", () => x2Grid.resize(Number(sizes2.xRows.value), x2Grid.cols));
  sizes2.xCols.addEventListener("change", () => x2Grid.resize(x2Grid.rows, Number(sizes2.xCols.value)));
  sizes2.wRows.addEventListener("change", () => w2Grid.resize(Number(sizes2.wRows.value), w2Grid.cols));
  sizes2.wCols.addEventListener("change", () => w2Grid.resize(w2Grid.rows, Number(sizes2.wCols.value)));
  padSelect.addEventListener("change", request2d);
  strideSelect.addEventListener("change", request2d);
  $('[data-figures="two-d"]').addEventListener("cell-pick", (event) => {
    if (event.detail.kind !== "y" || !shown2) return;
    picked.i = event.detail.r;
    picked.j = event.detail.c;
    draw2d();
    $(`[data-figures="two-d"] [data-grid="y"] [data-r="${picked.i}"][data-c="${picked.j}"]`)?.focus();
  });

  // ---------------------------------------------------------------- start

  request1d();
  request2d();
}

start("cross-correlation", setUp);
