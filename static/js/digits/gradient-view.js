// /digits, backward: the gradient of the loss -log p(target) on the learner's drawing
// (POST /api/digits/gradients): the input gradient as a saliency map over the drawing, each conv
// layer's dL/dW as one SGD step would use it, and dL/d(output) of every layer as maps.
//
// Explicit state: the image the network last saw, the top guess and the target ("top" follows
// the top guess; the same select as the unit panel's). One LiveQuery, stale requests aborted.
// The root [data-backward] carries data-state ("prompt" | "shown" | "error"), data-target and
// data-loss for tests; the finite-difference check's result line carries data-relative-error.

import { el } from "../shared/dom.js";
import { diverging, drawHeatmap, maxAbs } from "../shared/heatmap.js";
import { LiveQuery } from "../shared/live-query.js";
import { formatSignificant, MINUS } from "../shared/numbers.js";
import { checkGradient, fetchGradients } from "./digits-api.js";
import { LayerMaps } from "./layer-maps.js";

const fmt = (v) => formatSignificant(v, 3);

function rangeText(values) {
  const flat = values.flat(Infinity);
  return flat.length ? `dL/d(output) from ${fmt(Math.min(...flat))} to ${fmt(Math.max(...flat))}` : "";
}

/** The largest |value| in nested arrays (the first on ties) and its index, as a list of indices. */
function argmaxAbs(values, at = []) {
  if (!Array.isArray(values)) return { index: at, value: values };
  return values.map((v, i) => argmaxAbs(v, [...at, i])).reduce((a, b) => (Math.abs(b.value) > Math.abs(a.value) ? b : a));
}

/** The check's sentence, from its numbers: agreement, or the kink that explains a difference. */
export function checkSentence(c) {
  const what = c.what === "input" ? `pixel (row ${c.index[1]}, column ${c.index[2]})`
    : `${c.layer}.weight[${c.index.join(", ")}]`;
  const head = `Nudging ${what} by h = ${fmt(c.step)} both ways moves the loss at a slope of ${fmt(c.numeric)}; `
    + `backpropagation says ${fmt(c.analytic)}.`;
  if (c.relative_error < 1e-4) return `${head} They agree to a relative ${fmt(c.relative_error)}.`;
  return `${head} They differ by a relative ${fmt(c.relative_error)}: the loss has a kink here (going up its slope is `
    + `${fmt(c.slope_up)}, going down ${fmt(c.slope_down)}), where a max-pool window ties or a ReLU sits at exactly 0, `
    + "and backpropagation takes one side's slope.";
}

function kernelGrid(weightGrad) {
  const [outs, ins] = weightGrad.shape;
  const colour = diverging(maxAbs(weightGrad.values));
  const box = el("figure", "gv-kernels");
  const grid = el("div", "gv-kernel-grid");
  grid.style.setProperty("--cols", String(ins > 1 ? ins : outs)); // one row per filter, or one row of filters
  grid.classList.toggle("is-single", ins === 1);
  for (let o = 0; o < outs; o += 1) {
    for (let i = 0; i < ins; i += 1) {
      const canvas = el("canvas", "gv-kernel");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${weightGrad.layer}: dL/dW of filter ${o}, input channel ${i}`);
      drawHeatmap(canvas, weightGrad.values[o][i], { colour });
      grid.append(canvas);
    }
  }
  box.append(grid, el("figcaption", "", `${weightGrad.layer}: dL/dW of its ${outs} filters`
    + `${ins > 1 ? ` (a row each, one ${weightGrad.shape[2]}\u00d7${weightGrad.shape[3]} kernel per input channel)` : ""}, `
    + `largest |value| ${fmt(maxAbs(weightGrad.values))}. One SGD step subtracts the learning rate times these.`));
  return box;
}

export class GradientView {
  constructor(root, targetSelect) {
    this.root = root;
    this.parts = { saliency: root.querySelector("[data-saliency]"), note: root.querySelector("[data-saliency-note]"),
      kernels: root.querySelector("[data-kernel-grads]") };
    this.maps = new LayerMaps(root.querySelector("[data-grad-maps]"), { describe: false, rangeText, key: "gradLayer" });
    this.targetSelect = targetSelect;
    this.state = { input: null, top: null };
    this.query = new LiveQuery((body, signal) => fetchGradients(body, signal), {
      delay: 0,
      abortStale: true,
      onResult: (answer) => this.#show(answer),
      onError: (error) => this.#error(error.message || String(error)),
    });
    targetSelect.addEventListener("change", () => this.#ask());
    this.check = { result: root.querySelector("[data-check-result]"), buttons: [...root.querySelectorAll("[data-check]")],
      last: null };
    this.checkQuery = new LiveQuery((body, signal) => checkGradient(body, signal), {
      delay: 0,
      abortStale: true,
      onResult: (c) => {
        this.check.result.textContent = checkSentence(c);
        this.check.result.dataset.relativeError = String(c.relative_error);
      },
      onError: (error) => { this.check.result.textContent = error.message || String(error); },
    });
    this.check.buttons.forEach((button) => button.addEventListener("click", () => this.#runCheck(button.dataset.check)));
    this.clear();
  }

  #runCheck(kind) {
    const g = this.check.last;
    if (!g || !this.state.input) return;
    const body = { pixels: this.state.input, target: g.target };
    if (kind === "pixel") {
      Object.assign(body, { what: "input", index: [0, ...argmaxAbs(g.input_grad).index] });
    } else {
      const conv1 = g.weight_grads[0];
      Object.assign(body, { what: "weight", layer: conv1.layer, index: argmaxAbs(conv1.values).index });
    }
    this.check.result.textContent = "Nudging it both ways\u2026";
    delete this.check.result.dataset.relativeError;
    this.checkQuery.now(body);
  }

  setInput(input, top) {
    this.state = { input, top };
    this.#ask();
  }

  clear() {
    this.state = { input: null, top: null };
    this.query.cancel();
    this.root.dataset.state = "prompt";
    this.parts.note.textContent = "Draw a digit to see which pixels the network's answer depends on.";
    this.parts.kernels.replaceChildren();
    this.maps.message("The gradient of every layer appears here once a digit is drawn.");
    this.check.last = null;
    this.checkQuery.cancel();
    this.check.buttons.forEach((button) => { button.disabled = true; });
    this.check.result.textContent = "";
    drawHeatmap(this.parts.saliency, [[0]]);
  }

  #ask() {
    const { input, top } = this.state;
    if (!input) return;
    const target = this.targetSelect.value === "top" ? top : Number(this.targetSelect.value);
    this.maps.stale(true);
    this.query.now({ pixels: input, target });
  }

  #error(message) {
    this.root.dataset.state = "error";
    this.parts.note.textContent = message;
  }

  #show(g) {
    const { index: [row, col], value } = argmaxAbs(g.input_grad);
    // Painted as -dL/dx, the way down the loss: blue where a brighter pixel makes the target likelier.
    const downhill = g.input_grad.map((r) => r.map((v) => -v));
    drawHeatmap(this.parts.saliency, downhill, { colour: diverging(maxAbs(downhill)) });
    const effect = value < 0 ? "likelier" : "less likely";
    this.parts.note.textContent = `The loss ${MINUS}log p(${g.target}) = ${fmt(g.loss)} (p = ${fmt(g.probabilities[g.target])}). `
      + `The map is ${MINUS}dL/dx: blue pixels would make ${g.target} likelier if they were brighter, red ones less `
      + `likely. The strongest is at row ${row}, column ${col}: dL/dx = ${fmt(value)}, so brightening it makes `
      + `${g.target} ${effect}.`;
    this.parts.kernels.replaceChildren(...g.weight_grads.map(kernelGrid));
    this.maps.render(g.layers.map((layer) => ({ name: layer.name, shape: layer.shape, values: layer.grad })));
    Object.assign(this.root.dataset, { state: "shown", target: String(g.target), loss: String(g.loss) });
    this.check.last = g;
    this.check.buttons.forEach((button) => { button.disabled = !g.weight_grads.length && button.dataset.check === "weight"; });
  }
}
