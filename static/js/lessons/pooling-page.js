// Lesson 4, /lessons/pooling: max and average pooling, forward and backward, on a grid the
// learner edits (POST /api/lessons/pooling with an upstream gradient). Arg-max cells are ringed;
// picking an output ("cell-pick") shows its window's arithmetic in both columns.

import { EditableGrid } from "./editable-grid.js";
import { captioned, numberGrid, op, showError } from "./lesson-draw.js";
import { TIMES, fillValue, formatNumber, poolLength, poolWindow, subscript } from "./lesson-math.js";
import { pooling } from "./lessons-api.js";
import { PageState, numberSelect, rendered, stale, start } from "./lesson-page.js";

const X = [[1, 3, 2, 4], [5, 5, 1, 0], [7, 2, 9, 9], [0, 1, 9, 3]];
const DELTA = [[1, 2], [3, 4]];
const texts = (values) => values.map(String);
const size = (g) => `${g.length}${TIMES}${g[0].length}`;
const at = (r, c) => subscript(`${r + 1},${c + 1}`);

function withTies(rows, cols) {
  // small integers, so that windows often share their maximum
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => String(((r * 5 + c * 3 + r * c) % 4) * 2 + (r % 2))));
}

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);
  const section = $('[data-section="pooling"]');
  const errorBox = $('[data-error="pooling"]');
  const xGrid = new EditableGrid($('[data-edit="x"]'), { name: "x", cells: X.map(texts), fill: (r, c) => String(Math.abs(fillValue("pattern", r, c))) });
  const deltaGrid = new EditableGrid($('[data-edit="delta"]'), { name: "delta", cells: DELTA.map(texts), fill: (r, c) => String(r * 2 + c + 1) });
  const rowsSelect = $('[data-size="x-rows"]');
  const colsSelect = $('[data-size="x-cols"]');
  const kernelSelect = $('[data-option="kernel"]');
  const strideSelect = $('[data-option="stride"]');
  numberSelect(rowsSelect, 1, 8, 4);
  numberSelect(colsSelect, 1, 8, 4);
  numberSelect(kernelSelect, 1, 4, 2);
  numberSelect(strideSelect, 1, 4, 2);
  const picked = { i: 0, j: 0 };
  let shown = null;

  const query = state.query(pooling, {
    onResult: (result, body) => {
      shown = { result, body };
      showError(errorBox, null);
      draw();
      rendered(section, body);
    },
    onError: (error) => {
      showError(errorBox, error.message || String(error));
      stale(section);
    },
  });

  function request() {
    const x = xGrid.read();
    xGrid.markErrors(x.errors);
    const k = Number(kernelSelect.value);
    const s = Number(strideSelect.value);
    const oh = poolLength(xGrid.rows, k, s);
    const ow = poolLength(xGrid.cols, k, s);
    const fits = oh >= 1 && ow >= 1;
    if (fits) deltaGrid.resize(oh, ow, { silent: true });
    deltaGrid.root.closest(".ls-input").hidden = !fits;
    $("[data-delta-size]").textContent = fits ? `${oh} ${TIMES} ${ow}, one per output` : "";
    const delta = deltaGrid.read();
    deltaGrid.markErrors(delta.errors);
    const message = x.errors[0]?.message ?? delta.errors[0]?.message;
    showError(errorBox, message);
    if (message) {
      stale(section);
      query.cancel();
      return;
    }
    const body = { x: x.values, kernel: k, stride: s };
    if (fits) body.delta = delta.values;
    query.schedule(body);
  }

  function draw() {
    const { result, body } = shown;
    const k = body.kernel;
    const s = body.stride;
    const oh = result.max.length;
    const ow = result.max[0].length;
    picked.i = Math.min(picked.i, oh - 1);
    picked.j = Math.min(picked.j, ow - 1);
    const { i, j } = picked;
    const window = poolWindow(i, j, k, s);
    const inWindow = new Set(window.map(([r, c]) => `${r},${c}`));
    const argmax = new Set(result.argmax.flat().map(([r, c]) => `${r},${c}`));
    const covered = (r, c) => r < (oh - 1) * s + k && c < (ow - 1) * s + k;
    const inputClass = (r, c) => [
      inWindow.has(`${r},${c}`) ? "is-window" : "",
      !covered(r, c) ? "is-future" : "",
    ];
    const outputClass = (r, c) => (r === i && c === j ? "is-selected" : "");
    const [ar, ac] = result.argmax[i][j];
    const values = window.map(([r, c]) => body.x[r][c]);

    $('[data-where="pooling"]').textContent = `Output (${i + 1}, ${j + 1}) pools input rows ${window[0][0] + 1} to `
      + `${window[0][0] + k}, columns ${window[0][1] + 1} to ${window[0][1] + k}.`;

    // Max pooling.
    $('[data-figures="max-forward"]').replaceChildren(
      captioned(numberGrid(body.x, {
        kind: "max-x", label: "Input, arg-max cells ringed", name: "x",
        cellClass: (r, c) => [...inputClass(r, c), argmax.has(`${r},${c}`) ? "is-argmax" : ""],
      }), `Input ${size(body.x)}`),
      op("\u2192"),
      captioned(numberGrid(result.max, { kind: "max", label: "Max pooled: pick a cell", pick: true, name: "y", cellClass: outputClass }),
        `Max ${size(result.max)}`),
    );
    const best = Math.max(...values);
    const ties = values.filter((v) => v === best).length;
    $('[data-sum="max"]').textContent = `max(${values.map((v) => formatNumber(v)).join(", ")}) = ${formatNumber(result.max[i][j])}`
      + ` at x${at(ar, ac)}` + (ties > 1 ? ` (${ties} cells tie: the first in reading order wins)` : "");

    // Average pooling.
    $('[data-figures="average-forward"]').replaceChildren(
      captioned(numberGrid(body.x, { kind: "avg-x", label: "Input", name: "x", cellClass: inputClass }), `Input ${size(body.x)}`),
      op("\u2192"),
      captioned(numberGrid(result.average, { kind: "average", label: "Average pooled: pick a cell", pick: true, name: "y", cellClass: outputClass }),
        `Average ${size(result.average)}`),
    );
    $('[data-sum="average"]').textContent = `(${values.map((v) => formatNumber(v)).join(" + ")}) / ${k * k} = ${formatNumber(result.average[i][j])}`;

    // Backward.
    const maxBack = $('[data-figures="max-backward"]');
    const avgBack = $('[data-figures="average-backward"]');
    if (!result.dx_max) {
      maxBack.replaceChildren();
      avgBack.replaceChildren();
      $('[data-back="max"]').textContent = "";
      $('[data-back="average"]').textContent = "";
      return;
    }
    const delta = body.delta;
    const deltaGridFigure = (kind) => captioned(numberGrid(delta, { kind, label: "Upstream gradient: pick a cell", name: "delta", pick: true, cellClass: outputClass }),
      `\u03b4 ${size(delta)}`);
    maxBack.replaceChildren(
      deltaGridFigure("max-delta"),
      op("\u2192"),
      captioned(numberGrid(result.dx_max, {
        kind: "dx-max", label: "Gradient after max pooling", name: "dL/dx",
        cellClass: (r, c) => [inWindow.has(`${r},${c}`) ? "is-window" : "", argmax.has(`${r},${c}`) ? "is-routed" : ""],
      }), `\u2202L/\u2202x ${size(result.dx_max)}`),
    );
    // Every window whose maximum is the same cell sends its delta there.
    const senders = [];
    result.argmax.forEach((row, wi) => row.forEach(([r, c], wj) => {
      if (r === ar && c === ac) senders.push([wi, wj]);
    }));
    const deltaTerms = senders.map(([wi, wj]) => `\u03b4${at(wi, wj)}`).join(" + ");
    const deltaValues = senders.map(([wi, wj]) => formatNumber(delta[wi][wj])).join(" + ");
    $('[data-back="max"]').textContent = `\u2202L/\u2202x${at(ar, ac)} = ${deltaTerms}`
      + (senders.length > 1 || deltaValues !== formatNumber(result.dx_max[ar][ac]) ? ` = ${deltaValues}` : "")
      + ` = ${formatNumber(result.dx_max[ar][ac])}; the other ${k * k - 1} cell${k * k - 1 === 1 ? "" : "s"} of the window get nothing from it`;

    avgBack.replaceChildren(
      deltaGridFigure("avg-delta"),
      op("\u2192"),
      captioned(numberGrid(result.dx_average, {
        kind: "dx-average", label: "Gradient after average pooling", name: "dL/dx",
        cellClass: (r, c) => [inWindow.has(`${r},${c}`) ? "is-window" : "", !covered(r, c) ? "is-future" : ""],
      }), `\u2202L/\u2202x ${size(result.dx_average)}`),
    );
    const [r0, c0] = window[0];
    const sharing = [];
    for (let wi = 0; wi < oh; wi += 1) {
      for (let wj = 0; wj < ow; wj += 1) {
        if (poolWindow(wi, wj, k, s).some(([r, c]) => r === r0 && c === c0)) sharing.push([wi, wj]);
      }
    }
    $('[data-back="average"]').textContent = `\u2202L/\u2202x${at(r0, c0)} = `
      + sharing.map(([wi, wj]) => `\u03b4${at(wi, wj)} / ${k * k}`).join(" + ") + " = "
      + sharing.map(([wi, wj]) => `${formatNumber(delta[wi][wj])} / ${k * k}`).join(" + ")
      + ` = ${formatNumber(result.dx_average[r0][c0])}`
      + (sharing.length > 1 ? " (the windows overlap, so this cell gets a share from each)" : ": every cell of the window gets the same share");
  }

  function fill(kind) {
    const cells = kind === "ties"
      ? withTies(xGrid.rows, xGrid.cols)
      : Array.from({ length: xGrid.rows }, (_, r) => Array.from({ length: xGrid.cols }, (_, c) => String(fillValue(kind, r, c))));
    xGrid.setCells(cells);
    request();
  }

  for (const grid of [xGrid, deltaGrid]) grid.root.addEventListener("grid-edit", request);
  rowsSelect.addEventListener("change", () => xGrid.resize(Number(rowsSelect.value), xGrid.cols));
  colsSelect.addEventListener("change", () => xGrid.resize(xGrid.rows, Number(colsSelect.value)));
  kernelSelect.addEventListener("change", request);
  strideSelect.addEventListener("change", request);
  for (const button of root.querySelectorAll("[data-fill]")) button.addEventListener("click", () => fill(button.dataset.fill));
  section.addEventListener("cell-pick", (event) => {
    if (!shown || !["max", "average", "max-delta", "avg-delta"].includes(event.detail.kind)) return;
    picked.i = event.detail.r;
    picked.j = event.detail.c;
    draw();
    section.querySelector(`[data-grid="${event.detail.kind}"] [data-r="${picked.i}"][data-c="${picked.j}"]`)?.focus();
  });

  request();
}

start("pooling", setUp);
