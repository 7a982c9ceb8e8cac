// Lesson 3, /lessons/convolution-vs-correlation: one input and kernel sent to POST
// /api/lessons/correlate-2d twice, with flip false (cross-correlation) and flip true
// (convolution), drawn side by side; then the kernel a convolutional layer would have learned
// (w turned 180°) convolved, next to the cross-correlation with w.

import { EditableGrid } from "./editable-grid.js";
import { captioned, numberGrid, op, showError, symbol } from "./lesson-draw.js";
import { TIMES, fillValue, flip2d, sameGrid, window2dNumeric } from "./lesson-math.js";
import { correlate2d } from "./lessons-api.js";
import { PageState, numberSelect, rendered, stale, start } from "./lesson-page.js";

const W = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
const texts = (values) => values.map(String);
const size = (g) => `${g.length}${TIMES}${g[0].length}`;

function impulse(rows, cols) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (
    r === Math.floor(rows / 2) && c === Math.floor(cols / 2) ? "1" : "0")));
}

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);
  const section = $('[data-section="flip"]');
  const learned = $('[data-section="learned"]');
  const errorBox = $('[data-error="flip"]');
  const xGrid = new EditableGrid($('[data-edit="x"]'), { name: "x", cells: impulse(5, 5), fill: () => "0" });
  const wGrid = new EditableGrid($('[data-edit="w"]'), { name: "w", cells: W.map(texts), fill: () => "0" });
  const sizes = {
    xRows: $('[data-size="x-rows"]'), xCols: $('[data-size="x-cols"]'),
    wRows: $('[data-size="w-rows"]'), wCols: $('[data-size="w-cols"]'),
  };
  const padSelect = $('[data-option="pad"]');
  numberSelect(sizes.xRows, 1, 9, 5);
  numberSelect(sizes.xCols, 1, 9, 5);
  numberSelect(sizes.wRows, 1, 5, 3);
  numberSelect(sizes.wCols, 1, 5, 3);
  numberSelect(padSelect, 0, 2, 1);
  const picked = { i: 0, j: 0 };
  let pickedByHand = false;

  const variants = ["false", "true"].map((flip) => {
    const box = $(`[data-variant="flip-${flip}"]`);
    const variant = { flip: flip === "true", box, shown: null };
    variant.query = state.query(correlate2d, {
      onResult: (result, body) => {
        variant.shown = { result, body };
        showError(errorBox, null);
        if (!pickedByHand) centrePick(result.y);
        drawVariant(variant);
        rendered(box, body);
        compare();
        if (!variant.flip && learnedShown) drawLearned();
      },
      onError: (error) => {
        showError(errorBox, error.message || String(error));
        stale(box);
        compare();
      },
    });
    return variant;
  });
  const correlation = variants[0];
  let learnedShown = null;
  const learnedQuery = state.query(correlate2d, {
    onResult: (result, body) => {
      learnedShown = { result, body };
      drawLearned();
      rendered(learned, body);
    },
    onError: () => stale(learned), // the same inputs fail above, with the message
  });

  function centrePick(y) {
    picked.i = Math.floor((y.length - 1) / 2);
    picked.j = Math.floor((y[0].length - 1) / 2);
  }

  function request() {
    const x = xGrid.read();
    const w = wGrid.read();
    xGrid.markErrors(x.errors);
    wGrid.markErrors(w.errors);
    const message = x.errors[0]?.message ?? w.errors[0]?.message;
    showError(errorBox, message);
    if (message) {
      for (const variant of variants) {
        stale(variant.box);
        variant.query.cancel();
      }
      stale(learned);
      learnedQuery.cancel();
      return;
    }
    const pad = Number(padSelect.value);
    for (const variant of variants) variant.query.schedule({ x: x.values, w: w.values, pad, stride: 1, flip: variant.flip });
    learnedQuery.schedule({ x: x.values, w: flip2d(w.values), pad, stride: 1, flip: true });
  }

  function drawVariant(variant) {
    const { result, body } = variant.shown;
    const y = result.y;
    picked.i = Math.min(picked.i, y.length - 1);
    picked.j = Math.min(picked.j, y[0].length - 1);
    const key = `flip-${variant.flip}`;
    $(`[data-figures="${key}"]`).replaceChildren(
      captioned(numberGrid(result.kernel, { kind: "kernel", label: "The kernel used", heat: true, name: "w" }),
        variant.flip ? "Kernel used: w turned 180\u00b0" : "Kernel used: w as written"),
      op(variant.flip ? "\u2217" : "\u22c6"),
      captioned(numberGrid(y, {
        kind: "y", label: "Output: pick a cell", heat: true, pick: true, name: "y",
        cellClass: (r, c) => (r === picked.i && c === picked.j ? "is-selected" : ""),
      }), `Output ${size(y)}`),
    );
    $(`[data-where="${key}"]`).replaceChildren(symbol("y", [picked.i + 1, picked.j + 1]), " =");
    $(`[data-sum="${key}"]`).textContent = window2dNumeric(body.x, result.kernel, body.pad, 1, picked.i, picked.j, y[picked.i][picked.j]);
  }

  const sameInputs = (a, b) => a && b && JSON.stringify([a.x, a.w, a.pad]) === JSON.stringify([b.x, b.w, b.pad]);

  function compare() {
    const box = $("[data-compare]");
    const [a, b] = variants.map((v) => v.shown);
    if (!a || !b || !sameInputs(a.body, b.body) || variants.some((v) => v.box.classList.contains("is-stale"))) {
      box.textContent = "";
      return;
    }
    const same = sameGrid(a.result.y, b.result.y);
    box.dataset.same = String(same);
    box.textContent = same
      ? "The two outputs are the same: this kernel looks the same turned 180\u00b0, so flipping changes nothing."
      : "The two outputs differ: turning the kernel changes what it responds to. Each output cell is still a sum "
        + "of input \u00d7 weight; only which weight meets which input has changed.";
  }

  function drawLearned() {
    const { result, body } = learnedShown;
    const corr = correlation.shown;
    const figures = [
      captioned(numberGrid(body.w, { kind: "learned-w", label: "The kernel a convolutional layer would learn", heat: true }),
        "Learned by a convolution layer: w turned"),
      op("\u2217"),
      captioned(numberGrid(result.y, { kind: "learned-y", label: "Its output", heat: true }), `Its output, ${size(result.y)}`),
    ];
    if (corr) {
      figures.push(op("vs"), captioned(numberGrid(corr.result.y, { kind: "correlation-y", label: "Cross-correlation with w", heat: true }),
        "Cross-correlation with w"));
    }
    $('[data-figures="learned"]').replaceChildren(...figures);
    const verdict = $("[data-learned-verdict]");
    if (!corr || !sameInputs({ ...body, w: flip2d(body.w) }, corr.body)) {
      verdict.textContent = "";
      return;
    }
    const same = sameGrid(result.y, corr.result.y);
    verdict.dataset.same = String(same);
    verdict.classList.toggle("is-bad", !same);
    verdict.textContent = same
      ? "Number for number the same: a convolution with the turned kernel is the cross-correlation with w."
      : "These differ, which they should not: something is wrong.";
  }

  function fill(kind) {
    const cells = kind === "impulse"
      ? impulse(xGrid.rows, xGrid.cols)
      : Array.from({ length: xGrid.rows }, (_, r) => Array.from({ length: xGrid.cols }, (_, c) => String(fillValue(kind, r, c))));
    xGrid.setCells(cells);
    pickedByHand = false;
    request();
  }

  for (const grid of [xGrid, wGrid]) grid.root.addEventListener("grid-edit", request);
  padSelect.addEventListener("change", () => {
    pickedByHand = false;
    request();
  });
  const resizeX = () => {
    xGrid.resize(Number(sizes.xRows.value), Number(sizes.xCols.value));
    pickedByHand = false;
  };
  sizes.xRows.addEventListener("change", resizeX);
  sizes.xCols.addEventListener("change", resizeX);
  sizes.wRows.addEventListener("change", () => wGrid.resize(Number(sizes.wRows.value), wGrid.cols));
  sizes.wCols.addEventListener("change", () => wGrid.resize(wGrid.rows, Number(sizes.wCols.value)));
  for (const button of root.querySelectorAll("[data-fill]")) button.addEventListener("click", () => fill(button.dataset.fill));
  section.addEventListener("cell-pick", (event) => {
    if (event.detail.kind !== "y") return;
    picked.i = event.detail.r;
    picked.j = event.detail.c;
    pickedByHand = true;
    for (const variant of variants) if (variant.shown) drawVariant(variant);
    event.target.closest(".ls-variant")?.querySelector(`[data-grid="y"] [data-r="${picked.i}"][data-c="${picked.j}"]`)?.focus();
  });

  request();
}

start("convolution-vs-correlation", setUp);
