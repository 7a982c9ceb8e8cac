// The "inside one unit" panel: how one unit of one layer was computed (its forward sum, term by
// term) and how the error reaches it (its gradient, as the terms from the layer after it), from
// the answer of POST /api/digits/explain. Every sentence is built from the numbers it states.
// Draws what it is given; fetches nothing.
//
// Markup contract: a [data-unit-panel] element, filled here. It carries data-state ("prompt" |
// "loading" | "shown" | "error") and, when shown, data-explained-layer, data-explained-unit
// ("5,4,4"), data-explained-activation and data-explained-grad (the numbers as the server sent
// them), for tests; prefixed so that a page's own data-layer or data-activation stays its own.

import { el } from "./dom.js";
import { formatSignificant, MINUS, TIMES } from "./numbers.js";

const EXPLAINED = ["explainedLayer", "explainedUnit", "explainedActivation", "explainedGrad"];
const SHOWN_CHANNELS = 2; // conv channels open at first (the largest |sum|); the rest fold away

// A unit-by-unit layer above passes the gradient back times one factor: what that factor is.
const ONE_TERM = { relu: "[x > 0]", tanh: "the slope of tanh", sigmoid: `s (1 ${MINUS} s)`,
  "batch norm": "γ / √(var + ε)", dropout: "1 (dropout is off once trained)" };

const fmt = (v) => (v === null || v === undefined ? "pad" : formatSignificant(v, 4));
const signed = (v) => (v < 0 ? ` ${MINUS} ${fmt(-v)}` : ` + ${fmt(v)}`);

/** "a + b − c" for a list of numbers (the first one as it is). */
function sumText(values) {
  return values.map((v, i) => (i === 0 ? fmt(v) : signed(v))).join("");
}

/** [5, 4, 4] of a map -> "channel 5, row 4, column 4"; [17] -> "unit 17". */
export function unitName(unit) {
  return unit.length === 3 ? `channel ${unit[0]}, row ${unit[1]}, column ${unit[2]}` : `unit ${unit[0]}`;
}

function grid(rows, { mark = null, caption = "" } = {}) {
  const table = el("table", "up-grid");
  if (caption) table.append(el("caption", "", caption));
  rows.forEach((row, r) => {
    const tr = el("tr");
    row.forEach((v, c) => {
      const td = el("td", v === null ? "is-pad" : "", fmt(v));
      if (mark && mark[0] === r && mark[1] === c) td.classList.add("is-mark");
      tr.append(td);
    });
    table.append(tr);
  });
  return table;
}

function termsTable(headings, rows) {
  const table = el("table", "up-terms");
  const head = el("tr");
  headings.forEach((h) => head.append(el("th", "", h)));
  table.append(head);
  rows.forEach((cells) => {
    const tr = el("tr");
    cells.forEach((text) => tr.append(el("td", "", text)));
    table.append(tr);
  });
  return table;
}

function convSection(e) {
  const parts = [];
  const totals = e.channels.map((ch) => ch.total);
  const bias = e.bias === null ? "" : `, plus the bias ${fmt(e.bias)}`;
  parts.push(el("p", "up-formula", `Each of the ${e.channels.length} input channel${e.channels.length === 1 ? "" : "s"} `
    + `of ${e.input_layer} contributes the sum of kernel ${TIMES} window over its ${e.window_size[0]}${TIMES}`
    + `${e.window_size[1]} window (at row ${e.window_origin[0]}, column ${e.window_origin[1]}${
      e.channels[0].window.flat().includes(null) ? "; \u201cpad\u201d cells lie on the zero padding" : ""})${bias}:`));
  parts.push(el("p", "up-sum", `${sumText(totals)}${e.bias === null ? "" : signed(e.bias)} = ${fmt(e.pre_activation)}`));
  const order = e.channels.map((ch, i) => i).sort((a, b) => Math.abs(totals[b]) - Math.abs(totals[a]));
  order.forEach((i, rank) => {
    const ch = e.channels[i];
    const box = el("details", "up-channel");
    box.open = rank < SHOWN_CHANNELS;
    box.append(el("summary", "", `Channel ${ch.channel}: ${fmt(ch.total)}`));
    const row = el("div", "up-grids");
    row.append(grid(ch.kernel, { caption: "kernel" }), grid(ch.window, { caption: "window" }),
      grid(ch.products, { caption: `products, sum ${fmt(ch.total)}` }));
    box.append(row);
    parts.push(box);
  });
  return parts;
}

function poolSection(e) {
  const [h, w] = e.window_size;
  if (e.kind === "MaxPool2d") {
    const [r, c] = e.argmax;
    return [el("p", "up-formula", `The largest of the ${h * w} values in its ${h}${TIMES}${w} window of ${e.input_layer}`
      + ` (rows ${e.window_origin[0]}\u2013${e.window_origin[0] + h - 1}, columns ${e.window_origin[1]}\u2013`
      + `${e.window_origin[1] + w - 1}): ${fmt(e.activation)}, at row ${r}, column ${c} of the window `
      + "(the first of equal values, reading row by row)."), grid(e.window, { mark: e.argmax, caption: "window" })];
  }
  return [el("p", "up-formula", `The mean of the ${h * w} values in its ${h}${TIMES}${w} window of ${e.input_layer}: `
    + `(${sumText(e.window.flat())}) / ${h * w} = ${fmt(e.activation)}.`), grid(e.window, { caption: "window" })];
}

function linearSection(e) {
  const shown = e.inputs.length;
  const rows = e.inputs.map((t) => [String(t.index), fmt(t.weight), fmt(t.input), fmt(t.product)]);
  const parts = [el("p", "up-formula", `The weighted sum of its ${shown + e.rest_count} inputs from ${e.input_layer}`
    + `${e.bias === null ? "" : ", plus the bias"}; the ${shown} largest products by size:`),
  termsTable(["input", "weight", "value", "product"], rows)];
  const rest = e.rest_count ? `${signed(e.rest)} (the other ${e.rest_count})` : "";
  parts.push(el("p", "up-sum", `${sumText(e.inputs.map((t) => t.product))}${rest}${e.bias === null ? "" : signed(e.bias)}`
    + ` = ${fmt(e.pre_activation)}`));
  return parts;
}

function softmaxSection(s, unit) {
  const k = unit[0];
  const rows = s.logits.map((z, i) => [String(i), fmt(z), fmt(s.exp_shifted[i]), fmt(s.probabilities[i])]);
  return [el("p", "up-formula", `Softmax turns the ${s.logits.length} scores into probabilities: p = exp(z ${MINUS} max z) / `
    + `\u03a3 exp(z ${MINUS} max z). For ${k}: exp(${fmt(s.logits[k])} ${MINUS} ${fmt(s.max_logit)}) / ${fmt(s.sum)} = `
    + `${fmt(s.exp_shifted[k])} / ${fmt(s.sum)} = ${fmt(s.probabilities[k])}.`),
  termsTable(["class", "score z", `exp(z ${MINUS} max)`, "p"], rows)];
}

function forwardParts(e) {
  if (e.kind === "Conv2d") return convSection(e);
  if (e.kind === "MaxPool2d" || e.kind === "AvgPool2d") return poolSection(e);
  if (e.kind === "Linear") return linearSection(e);
  if (e.kind === "ReLU") {
    return [el("p", "up-formula", `max(x, 0) of the same unit of ${e.input_layer}: max(${fmt(e.pre_activation)}, 0) = ${fmt(e.activation)}.`)];
  }
  if (e.kind === "Tanh") return [el("p", "up-formula", `tanh of ${fmt(e.pre_activation)} from ${e.input_layer}: ${fmt(e.activation)}.`)];
  if (e.kind === "Sigmoid") {
    return [el("p", "up-formula", `1 / (1 + e^${MINUS}x) of ${fmt(e.pre_activation)} from ${e.input_layer}: ${fmt(e.activation)}.`)];
  }
  if (e.kind === "Dropout") {
    return [el("p", "up-formula", `The same unit of ${e.input_layer}, ${fmt(e.activation)}: a trained network answers `
      + "with dropout off (it zeroes values only while training, and scales the rest to make up for them).")];
  }
  if (e.normalised) {
    const n = e.normalised;
    return [el("p", "up-formula", `Batch norm, with the mean and variance its channel had over the training batches: `
      + `γ (x ${MINUS} mean) / √(var + ε) + β:`),
    el("p", "up-sum", `${fmt(n.gamma)} ${TIMES} (${fmt(n.input)} ${MINUS} ${fmt(n.mean)}) / √(${fmt(n.var)} + ${n.eps}) `
      + `${signed(n.beta).trim()} = ${fmt(e.pre_activation)}`)];
  }
  if (e.kind === "Flatten") {
    return [el("p", "up-formula", `A copy of ${e.input_layer}'s ${unitName(e.source)}: the maps laid end to end, `
      + "channel by channel and row by row.")];
  }
  return [];
}

function backwardParts(e) {
  const g = e.gradient;
  const parts = [el("p", "up-formula", `dL/d(this unit) = ${fmt(g.grad)}, for the loss L = ${MINUS}log p(${e.target}).`)];
  if (g.rule === "softmax") {
    const [t] = g.terms;
    parts.push(el("p", "up-sum", `p ${MINUS} [class = ${e.target}] = ${fmt(t.factor)}${signed(t.delta)} = ${fmt(g.grad)}`));
    return parts;
  }
  if (g.rule === "max pool") {
    const [t] = g.terms;
    parts.push(el("p", "up-formula", g.received
      ? `It is the largest value of its window in ${g.above}, so it receives that window's gradient whole: ${fmt(t?.delta)}.`
      : `It is not the first largest value of its window in ${g.above}, so no gradient reaches it: 0.`));
    return parts;
  }
  if (g.rule in ONE_TERM) {
    const [t] = g.terms;
    parts.push(el("p", "up-sum", `${ONE_TERM[g.rule]} ${TIMES} dL/d(${g.above}) = `
      + `${fmt(t.factor)} ${TIMES} ${fmt(t.delta)} = ${fmt(g.grad)}`));
    return parts;
  }
  if (g.rule === "flatten") {
    parts.push(el("p", "up-formula", `The gradient of the copy in ${g.above}: ${fmt(g.grad)}.`));
    return parts;
  }
  const what = g.rule === "conv" ? `every weight W of ${g.above} that read this unit, times the gradient \u03b4 of the `
    + "output it fed (\u03b4 correlated with the kernel turned 180\u00b0)" : g.rule === "avg pool"
    ? `1/area of each window of ${g.above} that holds it, times that window's gradient`
    : `every weight from this unit into ${g.above}, times that unit's gradient \u03b4`;
  parts.push(el("p", "up-formula", `The sum over ${g.terms.length + g.rest_count} terms: ${what}. The largest:`));
  parts.push(termsTable([`unit of ${g.above}`, g.rule === "avg pool" ? "1/area" : "weight", "\u03b4", "product"],
    g.terms.map((t) => [t.unit.join(", "), fmt(t.factor), fmt(t.delta), fmt(t.product)])));
  const rest = g.rest_count ? `${signed(g.rest)} (the other ${g.rest_count})` : "";
  parts.push(el("p", "up-sum", `${sumText(g.terms.map((t) => t.product))}${rest} = ${fmt(g.total)}`));
  return parts;
}

export class UnitPanel {
  constructor(root) {
    this.root = root;
  }

  #set(state, ...children) {
    this.root.dataset.state = state;
    if (state !== "shown") EXPLAINED.forEach((k) => delete this.root.dataset[k]);
    this.root.replaceChildren(...children);
  }

  prompt(text) {
    this.#set("prompt", el("p", "up-prompt", text));
  }

  loading(layer, unit) {
    this.root.dataset.state = "loading";
    this.root.classList.add("is-stale");
    this.root.setAttribute("aria-busy", "true");
    if (!this.root.firstChild) this.root.append(el("p", "up-prompt", `Working out ${layer}, ${unitName(unit)}\u2026`));
  }

  error(message) {
    this.#end();
    this.#set("error", el("p", "error-box", message));
  }

  /** e: POST /api/digits/explain's answer. */
  show(e) {
    this.#end();
    const then = e.then ? ` then ${e.then.layer} makes it ${fmt(e.then.value)}` : "";
    const title = el("h3", "up-title", `${e.layer}, ${unitName(e.unit)}: ${fmt(e.activation)}${then}`);
    const forward = el("section", "up-part");
    forward.append(el("h4", "", "Forward: how its value was made"), ...forwardParts(e));
    if (e.softmax) forward.append(...softmaxSection(e.softmax, e.unit));
    const backward = el("section", "up-part");
    backward.append(el("h4", "", `Backward: how the error for ${e.target} reaches it`), ...backwardParts(e));
    this.#set("shown", title, forward, backward);
    Object.assign(this.root.dataset, { explainedLayer: e.layer, explainedUnit: e.unit.join(","),
      explainedActivation: String(e.activation), explainedGrad: String(e.gradient.grad) });
  }

  #end() {
    this.root.classList.remove("is-stale");
    this.root.removeAttribute("aria-busy");
  }
}
