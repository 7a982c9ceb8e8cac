// Lesson 10, /lessons/causal-convolution: a signal through a 1-D kernel, "same" against causal
// (POST /api/lessons/causal), a time slider that shows which samples each output reads, and
// dilated causal stacks with their receptive fields (POST /api/lessons/causal/stack). Each part
// has its own LiveSection; the signal's settings are shared and ask both.

import { LessonGrid, lengthSelect, readGrids } from "./lesson-grid.js";
import { numberSelect, onFillButtons, start } from "./lesson-page.js";
import { causal, causalStack } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { delayText, fieldRows, signalPlot, stackPlot, stackText, windowText } from "./causal-views.js";

const FILLS = {
  average: (k) => Array.from({ length: k }, () => String(Math.round(1000 / k) / 1000)),
  edge: (k) => Array.from({ length: k }, (_, u) => String(u < (k - 1) / 2 ? -1 : u > (k - 1) / 2 ? 1 : 0)),
};
const NOISES = [0, 0.1, 0.2, 0.3, 0.5, 0.75, 1];

class CausalLesson {
  constructor(page) {
    this.page = page;
    this.limits = JSON.parse(page.$("[data-limits]").dataset.limits);
    const $ = (selector) => page.$(selector);
    this.signal = { signal: $('[data-option="signal"]'), length: $('[data-option="length"]'), noise: $('[data-option="noise"]') };
    this.dilation = $('[data-option="dilation"]');
    this.stackOptions = { layers: $('[data-option="layers"]'), taps: $('[data-option="taps"]'), dilated: $('[data-option="dilated"]') };
    this.grids = { w: new LessonGrid($('[data-edit="w"]'), "w", [FILLS.average(3)], { vector: true, fill: () => "0" }) };
    this.time = $("[data-time]");
    const names = { signal: "the signal", length: "the signal's length", noise: "the noise", dilation: "the dilation",
      layers: "the layers", taps: "the taps per layer", dilated: "dilation" };
    this.part = new LiveSection(page, { name: "causal", send: causal, grids: this.grids, names,
      draw: (result, body) => this.draw(result, body) });
    this.stack = new LiveSection(page, { name: "stack", send: causalStack, names,
      draw: (result, body) => this.drawStack(result, body) });
    this.chosenTime = null; // the learner's t, kept while the signal's length allows it
    this.bindControls();
  }

  bindControls() {
    const { length, taps, dilation, layers, stack_taps: stackTaps } = this.limits;
    numberSelect(this.signal.length, length[0], length[1], 48);
    for (const v of NOISES) this.signal.noise.add(new Option(String(v), String(v)));
    this.signal.noise.value = "0.2";
    numberSelect(this.dilation, 1, dilation, 1);
    numberSelect(this.stackOptions.layers, 1, layers, 4);
    for (const k of stackTaps) this.stackOptions.taps.add(new Option(String(k), String(k)));
    lengthSelect(this.page, this.grids.w, "w", taps);
    onFillButtons(this.page.$('[data-section="causal"]'), (kind) => {
      this.grids.w.setCells([FILLS[kind](this.grids.w.cols)]);
      this.request();
    });
    this.grids.w.root.addEventListener("grid-edit", () => this.request());
    for (const select of Object.values(this.signal)) select.addEventListener("change", () => { this.request(); this.requestStack(); });
    this.dilation.addEventListener("change", () => this.request());
    for (const input of Object.values(this.stackOptions)) input.addEventListener("change", () => this.requestStack());
    this.time.addEventListener("input", () => {
      this.chosenTime = Number(this.time.value);
      this.showTime();
    });
  }

  signalBody() {
    return { signal: this.signal.signal.value, length: Number(this.signal.length.value), noise: Number(this.signal.noise.value) };
  }

  request() {
    const { values, message } = readGrids(this.grids);
    if (message) {
      this.part.refuse(message);
      return;
    }
    this.part.ask({ ...this.signalBody(), w: values.w, dilation: Number(this.dilation.value) });
  }

  requestStack() {
    this.stack.ask({ ...this.signalBody(), taps: Number(this.stackOptions.taps.value),
      layers: Number(this.stackOptions.layers.value), dilated: this.stackOptions.dilated.checked });
  }

  draw(result, body) {
    const n = result.x.length;
    this.time.max = String(n - 1);
    if (this.chosenTime === null || this.chosenTime >= n) this.chosenTime = Math.floor(n / 2) - 1;
    this.time.value = String(this.chosenTime);
    this.page.$("[data-delay-text]").textContent = delayText(result, body);
    this.showTime();
  }

  showTime() {
    if (!this.part.shown) return;
    const { result, body } = this.part.shown;
    const t = Number(this.time.value);
    this.page.$("[data-time-value]").textContent = String(t);
    this.page.$('[data-figures="signal"]').replaceChildren(signalPlot(result, body, t));
    this.page.$("[data-window-text]").textContent = windowText(t, result, body);
    this.page.$('[data-result="causal"]').dataset.shownTime = String(t);
  }

  drawStack(result, body) {
    const figure = this.page.$('[data-figures="stack"]');
    figure.replaceChildren(stackPlot(result, body));
    figure.scrollLeft = figure.scrollWidth; // on a phone: the last output, where the paths end
    this.page.$("[data-fields]").replaceChildren(...fieldRows(result, body));
    this.page.$("[data-stack-text]").textContent = stackText(result, body);
  }
}

start("causal-convolution", (page) => {
  const lesson = new CausalLesson(page);
  lesson.request();
  lesson.requestStack();
});
