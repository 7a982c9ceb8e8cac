// Lesson 1, parts 1 and 2: 1-D cross-correlation term by term and its gradients with the
// finite-difference check, from one POST /api/lessons/correlate-1d. Picking an output in a strip
// ("strip-pick") only moves the highlight; editing x, w or delta asks the engine again.

import { CodeBlock } from "../shared/code-block.js";
import { plural } from "../shared/words.js";
import { checkRows, dwRows, dxRows, forwardRows, showAgreement } from "./correlation-views.js";
import { entryList, strip } from "./lesson-draw.js";
import { lessonError } from "./lesson-errors.js";
import { LessonGrid, gridNames, lengthSelect, markGridFields, readGrids } from "./lesson-grid.js";
import { examplePattern, outputLength, subscript } from "./lesson-math.js";
import { rendered, showError, stale } from "./lesson-page.js";
import { correlate1d } from "./lessons-api.js";

const X = [1, 2, 5, 6, 2, -1, 3, -2];
const W = [1, 0, -1];
const texts = (values) => values.map(String);
const fillPattern = (r, c) => String(examplePattern(1, r * 3 + c)[0]);

export class Correlation1dSection {
  constructor(page) {
    this.page = page;
    this.forward = page.$('[data-section="forward"]');
    this.backward = page.$('[data-section="backward"]');
    this.errors = { forward: page.$('[data-error="forward"]'), backward: page.$('[data-error="backward"]') };
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x"]'), "x", [texts(X)], { vector: true, fill: fillPattern }),
      w: new LessonGrid(page.$('[data-edit="w"]'), "w", [texts(W)], { vector: true }),
      delta: new LessonGrid(page.$('[data-edit="delta"]'), "delta", [texts(examplePattern(X.length - W.length + 1))],
        { vector: true, fill: fillPattern }),
    };
    this.selected = { y: 1, dx: 1, dw: 1 }; // the output each strip shows, 1-based
    this.shown = null; // {result, body} of the answer on screen
    this.code = new CodeBlock(this.backward.querySelector("[data-code-block]"));
    this.query = page.query(correlate1d, { onResult: (result, body) => this.show(result, body), onError: (e) => this.fail(e) });

    lengthSelect(page, this.grids.x, "x", 16);
    lengthSelect(page, this.grids.w, "w", 9);
    for (const grid of Object.values(this.grids)) grid.root.addEventListener("grid-edit", () => this.request());
    page.root.addEventListener("strip-pick", (event) => this.pick(event.detail));
  }

  /** Read the inputs; ask the engine, or say what is wrong with them. */
  request() {
    const { x, w, delta } = this.grids;
    const nOut = outputLength(x.cols, w.cols);
    if (nOut >= 1) delta.resize(1, nOut, { silent: true });
    delta.root.hidden = nOut < 1;
    this.page.$("[data-delta-size]").textContent = nOut >= 1 ? `${plural(nOut, "number")}: one per output` : "";
    const inputs = readGrids({ x, w });
    const gradient = readGrids({ delta });
    showError(this.errors.forward, inputs.message);
    showError(this.errors.backward, gradient.message);
    if (inputs.message) {
      stale(this.forward);
      stale(this.backward);
      this.query.cancel();
      return;
    }
    const body = { x: inputs.values.x, w: inputs.values.w, pad: 0 };
    if (nOut >= 1 && gradient.values.delta) body.delta = gradient.values.delta;
    else stale(this.backward);
    this.query.schedule(body);
  }

  /** The engine refused: an error about delta goes under delta, any other under x and w. */
  fail(error) {
    const { message, fields } = lessonError(error, gridNames(this.grids));
    markGridFields(this.grids, fields, message);
    const aboutDelta = fields.length ? fields.every(([name]) => name === "delta") : /delta/i.test(message);
    this.code.stale();
    if (aboutDelta) {
      showError(this.errors.backward, message);
      stale(this.backward);
    } else {
      showError(this.errors.forward, message);
      stale(this.forward);
      stale(this.backward);
    }
  }

  show(result, body) {
    this.shown = { result, body };
    this.code.show(result.code, body);
    showError(this.errors.forward, null);
    this.drawForward();
    rendered(this.forward, body);
    if (result.dx) {
      showError(this.errors.backward, null);
      this.drawBackward();
      rendered(this.backward, body);
    }
  }

  /** An output picked in a strip: move that strip's window there. */
  pick({ kind, index }) {
    if (!this.shown || !["forward", "dx", "dw"].includes(kind)) return;
    this.selected[kind === "forward" ? "y" : kind] = index;
    if (kind === "forward") this.drawForward();
    else this.drawBackward();
    this.page.$(`[data-strip="${kind}"] [data-pick="${index}"]`)?.focus();
  }

  /** The selected output of `key`, kept within the outputs there are. */
  chosen(key, count) {
    this.selected[key] = Math.min(Math.max(this.selected[key], 1), count);
    return this.selected[key];
  }

  drawForward() {
    const { result, body } = this.shown;
    const i = this.chosen("y", result.y.length);
    const k = body.w.length;
    this.page.$('[data-strip="forward"]').replaceChildren(strip(forwardRows(result, body, i), body.x.length,
      { kind: "forward", label: "x, the kernel under output y's window, and y" }));
    this.page.$('[data-where="forward"]').textContent = `(y${subscript(i)}: inputs ${i} to ${i + k - 1})`;
    this.page.$('[data-entries="y"]').replaceChildren(entryList(result.y, "y", { selected: (e) => e.index[0] === i }));
  }

  drawBackward() {
    const { result, body } = this.shown;
    const k = body.w.length;
    const m = this.chosen("dx", result.dx.length);
    const j = this.chosen("dw", result.dw.length);
    const $ = (selector) => this.page.$(selector);
    $("[data-pad-note]").textContent = `k \u2212 1 = ${k - 1}`;
    $('[data-strip="dx"]').replaceChildren(strip(dxRows(result, body, m), body.delta.length + 2 * (k - 1),
      { kind: "dx", label: "delta padded with zeros, the flipped kernel, and dL/dx" }));
    $('[data-where="dx"]').textContent = `(\u2202L/\u2202x${subscript(m)})`;
    $('[data-entries="dx"]').replaceChildren(entryList(result.dx, "dx", { selected: (e) => e.index[0] === m }));
    $('[data-strip="dw"]').replaceChildren(strip(dwRows(result, body, j), body.x.length,
      { kind: "dw", label: "x, delta under the window, and dL/dw" }));
    $('[data-where="dw"]').textContent = `(\u2202L/\u2202w${subscript(j)})`;
    $('[data-entries="dw"]').replaceChildren(entryList(result.dw, "dw", { selected: (e) => e.index[0] === j }));
    $('[data-check="1d"] tbody').replaceChildren(...checkRows(result));
    showAgreement($("[data-max-difference]"), result.max_difference, "Largest difference",
      "The formulas and the finite differences agree.");
  }
}
