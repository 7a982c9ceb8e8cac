// Lesson 2, /lessons/padding-and-stride: the tutorial's zero-fill example in 1-D (POST
// /api/lessons/correlate-1d with pad 1 and pad 0, side by side), then a 2-D sliding window with
// every border mode, stride and dilation (POST /api/lessons/slide): the output-size formula filled
// in, and the window animated through the API's list of positions by a SlidePlayer
// ("step-change" events).

import { EditableGrid } from "./editable-grid.js";
import { captioned, cellMatrix, entryList, numberGrid, op, showError, strip, symbol } from "./lesson-draw.js";
import {
  MINUS,
  TIMES,
  factor,
  fillValue,
  formatNumber,
  prettyFormula,
} from "./lesson-math.js";
import { correlate1d, slide } from "./lessons-api.js";
import { PageState, numberSelect, radioValue, rendered, stale, start } from "./lesson-page.js";
import { SlidePlayer } from "./slide-player.js";

const X = [1, 2, 5, 6, 2, -1, 3, -2];
const W = [1, 0, 0];
const W2 = [[1, 0, -1], [1, 0, -1], [1, 0, -1]];
const BORDER_NOTES = {
  zero: "Zero: the made-up values are 0. The output keeps the input\u2019s size at stride 1.",
  edge: "Edge: each made-up value copies the nearest value of the input.",
  reflect: "Reflect: the input mirrored at its edge, without repeating the edge value (so the input must be larger than the padding).",
  wrap: "Wrap: the window continues on the opposite side, as if the input were tiled.",
  valid: "Valid: no padding at all, so only windows that fit inside the input count, and the output shrinks by d(k \u2212 1) on each axis.",
};

const texts = (values) => values.map(String);
const list = (values) => `[${values.map((v) => formatNumber(v)).join(", ")}]`;

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);

  // ---------------------------------------------------------------- 1-D: zero fill or none

  const pad1d = $('[data-section="pad-1d"]');
  const error1d = $('[data-error="pad-1d"]');
  const xGrid = new EditableGrid($('[data-edit="x"]'), { name: "x", cells: [texts(X)], indices: true, fill: () => "0" });
  const wGrid = new EditableGrid($('[data-edit="w"]'), { name: "w", cells: [texts(W)], indices: true, fill: () => "0" });
  const xSize = $('[data-size="x"]');
  const wSize = $('[data-size="w"]');
  numberSelect(xSize, 1, 16, X.length);
  numberSelect(wSize, 1, 9, W.length);
  const variants = [1, 0].map((pad) => {
    const box = $(`[data-variant="pad-${pad}"]`);
    const variant = { pad, box, selected: 1, shown: null };
    variant.query = state.query(correlate1d, {
      onResult: (result, body) => {
        variant.shown = { result, body };
        showError(error1d, null);
        drawVariant(variant);
        rendered(box, body);
        rendered(pad1d, { x: body.x, w: body.w });
      },
      onError: (error) => {
        showError(error1d, error.message || String(error));
        stale(box);
      },
    });
    return variant;
  });

  function request1d() {
    const x = xGrid.read();
    const w = wGrid.read();
    xGrid.markErrors(x.errors);
    wGrid.markErrors(w.errors);
    const message = x.errors[0]?.message ?? w.errors[0]?.message;
    showError(error1d, message);
    for (const variant of variants) {
      if (message) {
        stale(variant.box);
        variant.query.cancel();
      } else {
        variant.query.schedule({ x: x.values[0], w: w.values[0], pad: variant.pad });
      }
    }
  }

  function drawVariant(variant) {
    const { result, body } = variant.shown;
    const { pad } = variant;
    const n = body.x.length;
    const k = body.w.length;
    variant.selected = Math.min(Math.max(variant.selected, 1), result.y.length);
    const i = variant.selected;
    const padded = [...Array(pad).fill(null), ...body.x, ...Array(pad).fill(null)];
    const inWindow = (c) => c >= i - 1 && c < i - 1 + k;
    const rows = [
      { label: "", start: 0, cells: padded.map((_, c) => ({ text: String(c + 1 - pad), cls: "ls-idx" })) },
      {
        label: symbol("x"), start: 0, cells: padded.map((v, c) => (v === null
          ? { text: "0", cls: `is-pad${inWindow(c) ? " is-window" : ""}`, title: "zero fill" }
          : { text: formatNumber(v), cls: inWindow(c) ? "is-window" : "" })),
      },
      { label: symbol("w"), start: i - 1, cells: body.w.map((v) => ({ text: formatNumber(v), cls: "is-weight" })) },
      {
        label: symbol("y"), start: 0, cells: result.y.map((e) => ({
          text: formatNumber(e.value), pick: e.index[0], pressed: e.index[0] === i,
          cls: `is-out${e.index[0] === i ? " is-selected" : ""}`, ariaLabel: `y ${e.index[0]}: ${formatNumber(e.value)}`,
        })),
      },
    ];
    variant.box.querySelector("[data-strip]").replaceChildren(
      strip(rows, n + 2 * pad, { kind: `pad-${pad}`, label: `x with ${pad ? "zero fill" : "no padding"}, the kernel, and y` }));
    variant.box.querySelector("[data-length]").textContent = `n + 2p ${MINUS} k + 1 = ${n} + 2${TIMES}${pad} ${MINUS} ${k} + 1 = ${result.y.length}`;
    variant.box.querySelector("[data-output]").textContent = list(result.y.map((e) => e.value));
    const outside = (t) => t.a.name === "x" && (t.a.index[0] < 1 || t.a.index[0] > n);
    variant.box.querySelector("[data-entries]").replaceChildren(
      entryList(result.y, `y-pad${pad}`, { selected: (e) => e.index[0] === i, outside }));
  }

  for (const grid of [xGrid, wGrid]) grid.root.addEventListener("grid-edit", request1d);
  xSize.addEventListener("change", () => xGrid.resize(1, Number(xSize.value)));
  wSize.addEventListener("change", () => wGrid.resize(1, Number(wSize.value)));
  pad1d.addEventListener("strip-pick", (event) => {
    const variant = variants.find((v) => event.detail.kind === `pad-${v.pad}`);
    if (!variant?.shown) return;
    variant.selected = event.detail.index;
    drawVariant(variant);
    variant.box.querySelector(`[data-pick="${event.detail.index}"]`)?.focus();
  });

  // ---------------------------------------------------------------- 2-D: the sliding window

  const section = $('[data-section="slide"]');
  const error2d = $('[data-error="slide"]');
  const optionsForm = $("[data-options]");
  const initial = Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => String(fillValue("pattern", r, c))));
  const x2Grid = new EditableGrid($('[data-edit="x2"]'), { name: "x", cells: initial, fill: (r, c) => String(fillValue("pattern", r, c)) });
  const w2Grid = new EditableGrid($('[data-edit="w2"]'), { name: "w", cells: W2.map(texts), fill: () => "0" });
  const sizes = {
    xRows: $('[data-size="x2-rows"]'), xCols: $('[data-size="x2-cols"]'),
    wRows: $('[data-size="w2-rows"]'), wCols: $('[data-size="w2-cols"]'),
  };
  numberSelect(sizes.xRows, 1, 32, 6);
  numberSelect(sizes.xCols, 1, 32, 6);
  numberSelect(sizes.wRows, 1, 7, 3);
  numberSelect(sizes.wCols, 1, 7, 3);
  const player = new SlidePlayer($("[data-player]"));
  let shown = null; // {result, body, padded: cell elements, output: cell elements}

  const query = state.query(slide, {
    onResult: (result, body) => {
      showError(error2d, null);
      drawSlide(result, body);
      rendered(section, body);
    },
    onError: (error) => {
      showError(error2d, error.message || String(error));
      stale(section);
      player.pause();
    },
  });

  function options() {
    return {
      padding: radioValue(optionsForm, "padding"),
      stride: Number(radioValue(optionsForm, "stride")),
      dilation: Number(radioValue(optionsForm, "dilation")),
    };
  }

  function request2d() {
    const x = x2Grid.read();
    const w = w2Grid.read();
    x2Grid.markErrors(x.errors);
    w2Grid.markErrors(w.errors);
    const opts = options();
    $("[data-border-note]").textContent = BORDER_NOTES[opts.padding];
    $("[data-x2-size]").textContent = `${x2Grid.rows} ${TIMES} ${x2Grid.cols}`;
    const message = x.errors[0]?.message ?? w.errors[0]?.message;
    showError(error2d, message);
    if (message) {
      stale(section);
      query.cancel();
      return;
    }
    query.schedule({ x: x.values, w: w.values, ...opts });
  }

  function drawSlide(result, body) {
    const [top, left] = result.offset;
    const h = body.x.length;
    const wd = body.x[0].length;
    const inInput = (r, c) => r >= top && r < top + h && c >= left && c < left + wd;
    const paddedGrid = numberGrid(result.padded, {
      kind: "padded", label: "The padded input", heat: true,
      cellClass: (r, c) => (inInput(r, c) ? "" : "is-pad"),
    });
    const kernelGrid = numberGrid(body.w, { kind: "w", label: "Kernel", heat: true, name: "w" });
    const outputGrid = numberGrid(result.output, { kind: "output", label: "Output: pick a cell", heat: true, pick: true, name: "y" });
    const size = (g) => `${g.length}${TIMES}${g[0].length}`;
    const kernelCaption = body.dilation > 1 ? `Kernel ${size(body.w)}, taps ${body.dilation} apart` : `Kernel ${size(body.w)}`;
    $('[data-figures="slide"]').replaceChildren(
      captioned(paddedGrid, `Padded input ${size(result.padded)} (${body.padding})`, "ls-figure-wide"),
      op("\u22c6"),
      captioned(kernelGrid, kernelCaption),
      op("="),
      captioned(outputGrid, `Output ${size(result.output)}`),
    );
    shown = { result, body, padded: cellMatrix(paddedGrid), output: cellMatrix(outputGrid), previous: [] };

    const rows = result.rows;
    const cols = result.cols;
    for (const [axis, a] of [["rows", rows], ["cols", cols]]) {
      const code = $(`[data-formula="${axis}"]`);
      code.textContent = prettyFormula(a.formula);
      code.dataset.raw = a.formula;
    }
    $("[data-size-summary]").textContent = `${h} ${TIMES} ${wd} \u2192 ${rows.size} ${TIMES} ${cols.size}`;
    const uneven = [["rows", rows], ["columns", cols]].filter(([, a]) => a.p_before !== a.p_after);
    const note = $("[data-asymmetric-note]");
    note.hidden = uneven.length === 0;
    note.textContent = uneven.map(([name, a]) => `Along the ${name} the kernel spans d(k \u2212 1) = ${a.d * (a.k - 1)} extra `
      + `cells, an odd number, so the padding is ${a.p_before} before and ${a.p_after} after: 2p becomes `
      + `${a.p_before} + ${a.p_after}.`).join(" ");

    player.setCount(result.positions.length);
    showStep(player.step);
  }

  function showStep(step) {
    if (!shown) return;
    const { result, body } = shown;
    const position = result.positions[step];
    if (!position) return;
    for (const cell of shown.previous) cell.classList.remove("is-window", "is-selected");
    const now = [];
    for (const r of position.rows) {
      for (const c of position.cols) {
        const cell = shown.padded[r]?.[c];
        if (cell) {
          cell.classList.add("is-window");
          now.push(cell);
        }
      }
    }
    const [i, j] = position.out;
    const outCols = result.output[0].length;
    shown.output.forEach((row, r) => row.forEach((cell, c) => {
      cell.classList.toggle("is-future", r * outCols + c > step);
      cell.setAttribute("aria-pressed", String(r === i && c === j));
    }));
    const outCell = shown.output[i][j];
    outCell.classList.add("is-selected");
    now.push(outCell);
    shown.previous = now;

    const span = (values) => (values.length === 1 ? `${values[0]}` : values.join(", "));
    $("[data-step-text]").textContent = `Step ${step + 1} of ${result.positions.length}: output row ${i + 1}, `
      + `column ${j + 1} takes padded rows ${span(position.rows.map((r) => r + 1))} and columns `
      + `${span(position.cols.map((c) => c + 1))}.`;
    const terms = [];
    position.rows.forEach((r, u) => position.cols.forEach((c, v) => {
      terms.push(`${factor(result.padded[r][c])}${TIMES}${factor(body.w[u][v])}`);
    }));
    $('[data-where="slide"]').replaceChildren(symbol("y", [i + 1, j + 1]), " =");
    $('[data-sum="slide"]').textContent = `${terms.join(" + ")} = ${formatNumber(result.output[i][j])}`;
  }

  function fill(kind) {
    const cells = Array.from({ length: x2Grid.rows }, (_, r) => Array.from({ length: x2Grid.cols }, (_, c) => String(fillValue(kind, r, c))));
    x2Grid.setCells(cells);
    request2d();
  }

  for (const grid of [x2Grid, w2Grid]) grid.root.addEventListener("grid-edit", request2d);
  optionsForm.addEventListener("change", request2d);
  sizes.xRows.addEventListener("change", () => x2Grid.resize(Number(sizes.xRows.value), x2Grid.cols));
  sizes.xCols.addEventListener("change", () => x2Grid.resize(x2Grid.rows, Number(sizes.xCols.value)));
  sizes.wRows.addEventListener("change", () => w2Grid.resize(Number(sizes.wRows.value), w2Grid.cols));
  sizes.wCols.addEventListener("change", () => w2Grid.resize(w2Grid.rows, Number(sizes.wCols.value)));
  for (const button of root.querySelectorAll("[data-fill]")) button.addEventListener("click", () => fill(button.dataset.fill));
  $("[data-player]").addEventListener("step-change", (event) => showStep(event.detail.step));
  $('[data-figures="slide"]').addEventListener("cell-pick", (event) => {
    if (event.detail.kind !== "output" || !shown) return;
    player.pause();
    player.go(event.detail.r * shown.result.output[0].length + event.detail.c);
  });

  // ---------------------------------------------------------------- start

  request1d();
  request2d();
}

start("padding-and-stride", setUp);
