// Lesson 4, /lessons/pooling: max and average pooling, forward and backward, on a grid the
// learner edits (POST /api/lessons/pooling with an upstream gradient). Arg-max cells are ringed;
// picking an output ("cell-pick") shows its window's arithmetic in both columns (pooling-views.js).

import { TIMES } from "../shared/numbers.js";
import { LessonGrid, readGrids, sizeSelects } from "./lesson-grid.js";
import { fillValue, filledCells, poolLength } from "./lesson-math.js";
import { numberSelect, onFillButtons, start } from "./lesson-page.js";
import { pooling } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import {
  averageBackText, averageForward, averageSum, backwardFigures, droppedText, maxBackText, maxForward, maxSum,
  poolingView, windowText,
} from "./pooling-views.js";

const X = [[1, 3, 2, 4], [5, 5, 1, 0], [7, 2, 9, 9], [0, 1, 9, 3]];
const DELTA = [[1, 2], [3, 4]];
const PICKABLE = ["max", "average", "max-delta", "avg-delta"];
const texts = (rows) => rows.map((row) => row.map(String));

/** Small integers, so that windows often share their maximum. */
function withTies(rows, cols) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => String(((r * 5 + c * 3 + r * c) % 4) * 2 + (r % 2))));
}

class PoolingSection {
  constructor(page) {
    this.page = page;
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x"]'), "x", texts(X), { fill: (r, c) => String(Math.abs(fillValue("pattern", r, c))) }),
      delta: new LessonGrid(page.$('[data-edit="delta"]'), "delta", texts(DELTA), { fill: (r, c) => String(r * 2 + c + 1) }),
    };
    this.options = { kernel: page.$('[data-option="kernel"]'), stride: page.$('[data-option="stride"]') };
    this.picked = { i: 0, j: 0 }; // the output whose window is written out, 0-based
    this.live = new LiveSection(page, {
      name: "pooling", send: pooling, draw: (result, body) => this.draw(result, body), grids: this.grids,
      names: { kernel: "the window size", stride: "the stride" },
    });
    this.bindControls();
  }

  bindControls() {
    sizeSelects(this.page, this.grids.x, "x", 8);
    numberSelect(this.options.kernel, 1, 4, 2);
    numberSelect(this.options.stride, 1, 4, 2);
    for (const grid of Object.values(this.grids)) grid.root.addEventListener("grid-edit", () => this.request());
    for (const select of Object.values(this.options)) select.addEventListener("change", () => this.request());
    const section = this.live.section;
    onFillButtons(section, (kind) => {
      const { rows, cols } = this.grids.x;
      this.grids.x.setCells(kind === "ties" ? withTies(rows, cols) : filledCells(kind, rows, cols));
      this.request();
    });
    section.addEventListener("cell-pick", (event) => {
      if (!this.live.shown || !PICKABLE.includes(event.detail.kind)) return;
      this.picked = { i: event.detail.r, j: event.detail.c };
      this.draw(this.live.shown.result, this.live.shown.body);
      section.querySelector(`[data-grid="${event.detail.kind}"] [data-r="${this.picked.i}"][data-c="${this.picked.j}"]`)?.focus();
    });
  }

  request() {
    const { x, delta } = this.grids;
    const kernel = Number(this.options.kernel.value);
    const stride = Number(this.options.stride.value);
    const rows = poolLength(x.rows, kernel, stride);
    const cols = poolLength(x.cols, kernel, stride);
    const fits = rows >= 1 && cols >= 1;
    if (fits) delta.resize(rows, cols, { silent: true });
    delta.root.closest(".ls-input").hidden = !fits;
    this.page.$("[data-delta-size]").textContent = fits ? `${rows} ${TIMES} ${cols}, one per output` : "";
    const { values, message } = readGrids(fits ? this.grids : { x });
    if (message) {
      this.live.refuse(message);
      return;
    }
    const body = { x: values.x, kernel, stride };
    if (fits) body.delta = values.delta;
    this.live.ask(body);
  }

  draw(result, body) {
    this.picked.i = Math.min(this.picked.i, result.max.length - 1);
    this.picked.j = Math.min(this.picked.j, result.max[0].length - 1);
    const view = poolingView(result, body, this.picked.i, this.picked.j);
    const $ = (selector) => this.page.$(selector);
    $('[data-where="pooling"]').textContent = windowText(view);
    $("[data-dropped-note]").textContent = droppedText(view, body);
    $('[data-figures="max-forward"]').replaceChildren(...maxForward(result, body, view));
    $('[data-sum="max"]').textContent = maxSum(result, view);
    $('[data-figures="average-forward"]').replaceChildren(...averageForward(result, body, view));
    $('[data-sum="average"]').textContent = averageSum(result, view);
    const backward = Boolean(result.dx_max);
    const { inWindow, argmax, covered } = view;
    $('[data-figures="max-backward"]').replaceChildren(...(backward ? backwardFigures(body.delta, result.dx_max, view, {
      kind: "max", cellClass: (r, c) => [inWindow.has(`${r},${c}`) ? "is-window" : "", argmax.has(`${r},${c}`) ? "is-routed" : ""],
    }) : []));
    $('[data-figures="average-backward"]').replaceChildren(...(backward ? backwardFigures(body.delta, result.dx_average, view, {
      kind: "avg", cellClass: (r, c) => [inWindow.has(`${r},${c}`) ? "is-window" : "", covered(r, c) ? "" : "is-future"],
    }) : []));
    $('[data-back="max"]').textContent = backward ? maxBackText(result, body, view) : "";
    $('[data-back="average"]').textContent = backward ? averageBackText(result, body, view) : "";
  }
}

start("pooling", (page) => new PoolingSection(page).request());
