// Lesson 3, part 2: why a network does not care. The kernel a convolutional layer would have
// learned (w turned 180°) is convolved (POST /api/lessons/correlate-2d with flip true) and shown
// next to the cross-correlation with w from part 1, with a verdict computed from the two grids.

import { captioned, op, valueGrid } from "./lesson-draw.js";
import { flip2d, sameGrid, sizeText } from "./lesson-math.js";
import { correlate2d } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { sameInputs } from "./flip-comparison-section.js";

export class LearnedKernelSection {
  /** `correlation()` -> the cross-correlation with w on screen in part 1 ({result, body}) or null. */
  constructor(page, correlation) {
    this.page = page;
    this.correlation = correlation;
    this.verdict = page.$("[data-learned-verdict]");
    this.live = new LiveSection(page, { name: "learned", send: correlate2d, draw: () => this.draw() });
  }

  /** Convolve x with w turned (inputs as part 1 sends them), or fade the answer (null). */
  request(inputs) {
    if (!inputs) this.live.refuse();
    else this.live.ask({ x: inputs.x, w: flip2d(inputs.w), pad: inputs.pad, stride: 1, flip: true });
  }

  draw() {
    if (!this.live.shown) return;
    const { result, body } = this.live.shown;
    const corr = this.correlation();
    const figures = [
      captioned(valueGrid(body.w, { kind: "learned-w", label: "The kernel a convolutional layer would learn", heat: true }),
        "Learned by a convolution layer: w turned"),
      op("\u2217"),
      captioned(valueGrid(result.y, { kind: "learned-y", label: "Its output", heat: true }), `Its output, ${sizeText(result.y)}`),
    ];
    if (corr) {
      figures.push(op("vs"), captioned(valueGrid(corr.result.y, { kind: "correlation-y", label: "Cross-correlation with w", heat: true }),
        "Cross-correlation with w"));
    }
    this.page.$('[data-figures="learned"]').replaceChildren(...figures);
    if (!corr || !sameInputs({ ...body, w: flip2d(body.w) }, corr.body)) {
      this.verdict.textContent = "";
      delete this.verdict.dataset.same;
      return;
    }
    const same = sameGrid(result.y, corr.result.y);
    this.verdict.dataset.same = String(same);
    this.verdict.classList.toggle("is-negative", !same);
    this.verdict.textContent = same
      ? "Number for number the same: a convolution with the turned kernel is the cross-correlation with w."
      : "These differ, which they should not: something is wrong.";
  }
}
