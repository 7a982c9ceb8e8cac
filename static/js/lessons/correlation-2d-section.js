// Lesson 1, part 3: the same in 2-D (POST /api/lessons/correlate-2d) with padding and stride, the
// sum behind the picked output ("cell-pick"), and the engine's gradients beside central differences.

import { formatNumber } from "../shared/numbers.js";
import { plural } from "../shared/words.js";
import { showAgreement } from "./correlation-views.js";
import { captioned, op, symbol, valueGrid } from "./lesson-draw.js";
import { LessonGrid, readGrids, sizeSelects } from "./lesson-grid.js";
import { examplePattern, outputLength, sizeText, window2d, window2dNumeric } from "./lesson-math.js";
import { numberSelect } from "./lesson-page.js";
import { correlate2d } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";

const X = [[3, 1, 0, 2, 1], [1, 4, 2, 0, 3], [0, 2, 5, 1, 0], [2, 1, 0, 3, 2], [1, 0, 2, 1, 4]];
const W = [[1, 2, 0], [0, 1, 0], [-1, 0, 1]];
const texts = (values) => values.map(String);
const fillPattern = (r, c) => String(examplePattern(1, r * 3 + c)[0]);

export class Correlation2dSection {
  constructor(page) {
    this.page = page;
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x2"]'), "x", X.map(texts), { fill: fillPattern }),
      w: new LessonGrid(page.$('[data-edit="w2"]'), "w", W.map(texts)),
      delta: new LessonGrid(page.$('[data-edit="delta2"]'), "delta", [0, 1, 2].map((r) => texts(examplePattern(3, r))),
        { fill: fillPattern }),
    };
    this.options = { pad: page.$('[data-option="pad"]'), stride: page.$('[data-option="stride"]') };
    this.picked = { i: 0, j: 0 }; // the output whose sum is written out, 0-based
    this.live = new LiveSection(page, {
      name: "two-d", send: correlate2d, draw: () => this.draw(), grids: this.grids,
      names: { pad: "the padding", stride: "the stride" },
    });
    this.bindControls();
  }

  bindControls() {
    sizeSelects(this.page, this.grids.x, "x2", 8);
    sizeSelects(this.page, this.grids.w, "w2", 5);
    numberSelect(this.options.pad, 0, 2, 0);
    numberSelect(this.options.stride, 1, 3, 1);
    for (const grid of Object.values(this.grids)) grid.root.addEventListener("grid-edit", () => this.request());
    for (const select of Object.values(this.options)) select.addEventListener("change", () => this.request());
    const figures = this.page.$('[data-figures="two-d"]');
    figures.addEventListener("cell-pick", (event) => {
      if (event.detail.kind !== "y" || !this.live.shown) return;
      this.picked = { i: event.detail.r, j: event.detail.c };
      this.draw();
      figures.querySelector(`[data-grid="y"] [data-r="${this.picked.i}"][data-c="${this.picked.j}"]`)?.focus();
    });
  }

  request() {
    const { x, w, delta } = this.grids;
    const pad = Number(this.options.pad.value);
    const stride = Number(this.options.stride.value);
    const rows = outputLength(x.rows, w.rows, pad, stride);
    const cols = outputLength(x.cols, w.cols, pad, stride);
    const fits = rows >= 1 && cols >= 1;
    if (fits) delta.resize(rows, cols, { silent: true });
    delta.root.closest(".ls-input").hidden = !fits;
    const inputs = readGrids({ x, w });
    const gradient = readGrids({ delta });
    const message = inputs.message ?? gradient.message;
    if (inputs.message) {
      this.live.refuse(message);
      return;
    }
    const body = { x: inputs.values.x, w: inputs.values.w, pad, stride, flip: false };
    if (fits && gradient.values.delta) body.delta = gradient.values.delta;
    this.live.ask(body, gradient.message); // a bad delta: the forward pass still runs
  }

  draw() {
    const { result, body } = this.live.shown;
    const y = result.y;
    this.picked.i = Math.min(this.picked.i, y.length - 1);
    this.picked.j = Math.min(this.picked.j, y[0].length - 1);
    const { i, j } = this.picked;
    const cells = window2d(i, j, result.kernel.length, result.kernel[0].length, body.pad, body.stride);
    const inside = new Set(cells.map(({ r, c }) => `${r},${c}`));
    const outside = cells.filter(({ r, c }) => r < 0 || c < 0 || r >= body.x.length || c >= body.x[0].length).length;
    this.page.$('[data-figures="two-d"]').replaceChildren(
      captioned(valueGrid(body.x, {
        kind: "x", label: "Input x", heat: true, name: "x", cellClass: (r, c) => (inside.has(`${r},${c}`) ? "is-window" : ""),
      }), `Input x, ${sizeText(body.x)}`),
      op("\u22c6"),
      captioned(valueGrid(result.kernel, { kind: "w", label: "Kernel w", heat: true, name: "w" }), `Kernel w, ${sizeText(result.kernel)}`),
      op("="),
      captioned(valueGrid(y, {
        kind: "y", label: "Output y: pick a cell", heat: true, pick: true, name: "y",
        cellClass: (r, c) => (r === i && c === j ? "is-selected" : ""),
      }), `Output y, ${sizeText(y)}`),
    );
    this.page.$('[data-where="two-d"]').replaceChildren(symbol("y", [i + 1, j + 1]), " =");
    this.page.$('[data-sum="two-d"]').textContent = window2dNumeric(body.x, result.kernel, body.pad, body.stride, i, j, y[i][j])
      + (outside ? `  (${plural(outside, "padding zero")})` : "");
    this.drawGradients(result);
  }

  drawGradients(result) {
    const grads = this.page.$('[data-figures="two-d-grad"]');
    const verdict = this.page.$("[data-max-difference-2d]");
    if (!result.dx) {
      grads.replaceChildren();
      verdict.textContent = "";
      return;
    }
    const precise = (v) => formatNumber(v, 6);
    const figure = (values, kind, label, caption, options = {}) => captioned(valueGrid(values, { kind, label, heat: true, ...options }), caption);
    grads.replaceChildren(
      figure(result.dx, "dx", "dL/dx by the engine", "\u2202L/\u2202x, by the engine", { name: "dL/dx" }),
      figure(result.dx_numeric, "dx-numeric", "dL/dx by finite differences", "\u2202L/\u2202x, by finite differences", { format: precise }),
      figure(result.dw, "dw", "dL/dw by the engine", "\u2202L/\u2202w, by the engine", { name: "dL/dw" }),
      figure(result.dw_numeric, "dw-numeric", "dL/dw by finite differences", "\u2202L/\u2202w, by finite differences", { format: precise }),
    );
    showAgreement(verdict, result.max_difference, "Largest difference between the engine\u2019s gradients and the finite differences");
  }
}
