// Lesson 3, part 1: one input and kernel sent to POST /api/lessons/correlate-2d twice, with flip
// false (cross-correlation) and flip true (convolution), drawn side by side, and the sentence on
// whether the two outputs differ (worded from the two answers and the kernel itself).

import { CodeBlock } from "../shared/code-block.js";
import { TIMES } from "../shared/numbers.js";
import { captioned, op, symbol, valueGrid } from "./lesson-draw.js";
import { LessonGrid, readGrids, sizeSelects } from "./lesson-grid.js";
import { filledCells, flip2d, sameGrid, sizeText, window2dNumeric } from "./lesson-math.js";
import { numberSelect, onFillButtons } from "./lesson-page.js";
import { correlate2d } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";

const W = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];

/** A single 1 in the middle of a rows x cols grid of zeros. */
export function impulse(rows, cols) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (
    r === Math.floor(rows / 2) && c === Math.floor(cols / 2) ? "1" : "0")));
}

/** Whether flipping mattered, and why: from the two outputs and the kernel that made them. */
export function flipVerdict(kernel, sameOutputs) {
  if (sameOutputs && sameGrid(kernel, flip2d(kernel))) {
    return "The two outputs are the same: this kernel looks the same turned 180\u00b0, so flipping changes nothing.";
  }
  if (sameOutputs) {
    return "The two outputs are the same, although this kernel changes when turned 180\u00b0: on this input the "
      + "turned weights happen to meet values that give the same sums. Try another input.";
  }
  return `The two outputs differ: turning the kernel changes what it responds to. Each output cell is still a sum `
    + `of input ${TIMES} weight; only which weight meets which input has changed.`;
}

export class FlipComparisonSection {
  /** onAsk(inputs | null): after each request, with {x, w, pad} as sent (null: not sent);
   * onDrawn(): after the cross-correlation's answer is drawn. */
  constructor(page, { onAsk = () => {}, onDrawn = () => {} } = {}) {
    this.page = page;
    this.onAsk = onAsk;
    this.onDrawn = onDrawn;
    this.section = page.$('[data-section="flip"]');
    this.errorBox = page.$('[data-error="flip"]');
    this.verdict = page.$("[data-compare]");
    this.code = new CodeBlock(this.section.querySelector("[data-code-block]")); // the convolution's (flip: true)
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x"]'), "x", impulse(5, 5)),
      w: new LessonGrid(page.$('[data-edit="w"]'), "w", W.map((row) => row.map(String))),
    };
    this.pad = page.$('[data-option="pad"]');
    this.picked = { i: 0, j: 0, byHand: false }; // the output whose sum is written out, 0-based
    this.variants = [false, true].map((flip) => this.variant(flip));
    this.bindControls();
  }

  /** The cross-correlation's answer on screen ({result, body}), or null. */
  get correlation() {
    return this.variants[0].live.shown;
  }

  variant(flip) {
    const box = this.page.$(`[data-variant="flip-${flip}"]`);
    const variant = { flip, box };
    variant.live = new LiveSection(this.page, {
      section: box,
      errorBox: this.errorBox,
      send: correlate2d,
      grids: this.grids,
      names: { pad: "the padding" },
      onFail: () => {
        this.code.stale();
        this.compare();
      },
      draw: (result) => {
        if (flip) this.code.show(result.code, variant.live.shown.body);
        if (!this.picked.byHand) this.picked = { i: Math.floor((result.y.length - 1) / 2), j: Math.floor((result.y[0].length - 1) / 2), byHand: false };
        this.draw(variant);
        this.compare();
        if (!flip) this.onDrawn();
      },
    });
    return variant;
  }

  bindControls() {
    sizeSelects(this.page, this.grids.x, "x", 9);
    sizeSelects(this.page, this.grids.w, "w", 5);
    numberSelect(this.pad, 0, 2, 1);
    this.grids.x.root.addEventListener("grid-edit", (event) => this.request({ fresh: event.detail.reason === "size" }));
    this.grids.w.root.addEventListener("grid-edit", () => this.request());
    this.pad.addEventListener("change", () => this.request({ fresh: true }));
    onFillButtons(this.section, (kind) => {
      const { rows, cols } = this.grids.x;
      this.grids.x.setCells(kind === "impulse" ? impulse(rows, cols) : filledCells(kind, rows, cols));
      this.request({ fresh: true });
    });
    this.section.addEventListener("cell-pick", (event) => {
      if (event.detail.kind !== "y") return;
      this.picked = { i: event.detail.r, j: event.detail.c, byHand: true };
      for (const variant of this.variants) if (variant.live.shown) this.draw(variant);
      event.target.closest(".ls-variant")?.querySelector(`[data-grid="y"] [data-r="${this.picked.i}"][data-c="${this.picked.j}"]`)?.focus();
    });
  }

  /** Ask for both; `fresh`: a new input, so the picked output goes back to the middle. */
  request({ fresh = false } = {}) {
    if (fresh) this.picked.byHand = false;
    const { values, message } = readGrids(this.grids);
    const pad = Number(this.pad.value);
    for (const { live, flip } of this.variants) {
      if (message) live.refuse(message);
      else live.ask({ x: values.x, w: values.w, pad, stride: 1, flip });
    }
    this.onAsk(message ? null : { x: values.x, w: values.w, pad });
  }

  draw({ flip, box, live }) {
    const { result, body } = live.shown;
    const y = result.y;
    const i = Math.min(this.picked.i, y.length - 1);
    const j = Math.min(this.picked.j, y[0].length - 1);
    const key = `flip-${flip}`;
    box.querySelector(`[data-figures="${key}"]`).replaceChildren(
      captioned(valueGrid(result.kernel, { kind: "kernel", label: "The kernel used", heat: true, name: "w" }),
        flip ? "Kernel used: w turned 180\u00b0" : "Kernel used: w as written"),
      op(flip ? "\u2217" : "\u22c6"),
      captioned(valueGrid(y, {
        kind: "y", label: "Output: pick a cell", heat: true, pick: true, name: "y",
        cellClass: (r, c) => (r === i && c === j ? "is-selected" : ""),
      }), `Output ${sizeText(y)}`),
    );
    box.querySelector(`[data-where="${key}"]`).replaceChildren(symbol("y", [i + 1, j + 1]), " =");
    box.querySelector(`[data-sum="${key}"]`).textContent = window2dNumeric(body.x, result.kernel, body.pad, 1, i, j, y[i][j]);
  }

  /** The sentence on the two outputs, once both show answers for the same inputs. */
  compare() {
    const [a, b] = this.variants.map((v) => (v.box.classList.contains("is-stale") ? null : v.live.shown));
    if (!a || !b || !sameInputs(a.body, b.body)) {
      this.verdict.textContent = "";
      delete this.verdict.dataset.same;
      return;
    }
    const same = sameGrid(a.result.y, b.result.y);
    this.verdict.dataset.same = String(same);
    this.verdict.textContent = flipVerdict(a.body.w, same);
  }
}

/** Whether two requests asked about the same x, w and padding. */
export function sameInputs(a, b) {
  return Boolean(a && b) && JSON.stringify([a.x, a.w, a.pad]) === JSON.stringify([b.x, b.w, b.pad]);
}
