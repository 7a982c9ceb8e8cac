// The magnified panel: for one output pixel, what the kernel sees and the arithmetic per
// channel: window values, products, their sum, sum / divisor and the mapped output value.
// It draws an explanation from POST /api/kernels/explain; it fetches nothing itself.
//
// Markup contract (templates/kernels.html): a [data-arithmetic] element holding
// [data-arith-where] (a sentence), [data-arith-top] and [data-arith-channels] containers.

import { el } from "../shared/dom.js";
import { inkColor, maxAbs } from "../shared/heatmap.js";
import { TIMES, formatNumber } from "../shared/numbers.js";
import { CHANNEL_NAMES, formatDivision, formatMapping, formatSum } from "./kernel-math.js";
import { whereSentence } from "./kernel-sentences.js";

const OUTPUT_LABELS = {
  clip: "clip to 0\u2013255",
  abs: "absolute value",
  rescale: "rescale min\u2013max to 0\u2013255",
  offset: "+128 offset",
};

/** A grid of numbers (rows x cols) as a small table-like block with a caption. */
export function numberGrid(values, { caption, kind, outside = null, shade = null }) {
  const figure = el("figure", `kp-mini kp-mini-${kind}`);
  const grid = el("div", "kp-mini-grid");
  grid.dataset.grid = kind;
  const cols = values[0].length;
  grid.dataset.size = cols > 9 ? "tiny" : cols > 5 ? "dense" : "roomy";
  grid.style.setProperty("--mini-cols", String(values[0].length));
  grid.setAttribute("role", "table");
  grid.setAttribute("aria-label", caption);
  values.forEach((row, r) => {
    const tr = el("div", "kp-mini-row");
    tr.setAttribute("role", "row");
    row.forEach((v, c) => {
      const cell = el("span", "kp-num", formatNumber(v));
      cell.setAttribute("role", "cell");
      if (outside?.[r]?.[c]) {
        cell.classList.add("is-outside");
        cell.title = "Padding: outside the image";
      }
      if (shade) shade(cell, v);
      tr.append(cell);
    });
    grid.append(tr);
  });
  figure.append(grid, el("figcaption", "", caption));
  return figure;
}

export function greyShade(cell, v) {
  const [level] = inkColor(v);
  cell.style.backgroundColor = `rgb(${level} ${level} ${level})`;
  cell.classList.add(level < 128 ? "on-dark" : "on-light");
}

function signShade(largest) {
  return (cell, v) => {
    if (v === 0) {
      cell.classList.add("is-zero");
      return;
    }
    const alpha = 0.12 + 0.5 * Math.min(1, Math.abs(v) / largest);
    cell.classList.add(v > 0 ? "is-pos" : "is-neg");
    cell.style.backgroundColor = v > 0 ? `rgb(15 157 116 / ${alpha})` : `rgb(217 70 95 / ${alpha})`;
  };
}

export function weightShade(cell, v) {
  cell.classList.add(v > 0 ? "is-pos" : v < 0 ? "is-neg" : "is-zero");
}

/** The window in its real colours, magnified: one square per input pixel. */
export function colourSwatch(explanation) {
  const channels = explanation.channels;
  const rows = channels[0].first.window;
  const figure = el("figure", "kp-mini kp-mini-swatch");
  const grid = el("div", "kp-swatch");
  grid.style.setProperty("--mini-cols", String(rows[0].length));
  grid.setAttribute("role", "img");
  grid.setAttribute("aria-label", `The ${rows[0].length} by ${rows.length} pixels under the kernel, magnified`);
  rows.forEach((row, r) => row.forEach((_, c) => {
    const v = channels.map((ch) => Math.round(ch.first.window[r][c]));
    const [red, green, blue] = v.length === 3 ? v : [v[0], v[0], v[0]];
    const cell = el("span", "kp-swatch-cell");
    cell.style.backgroundColor = `rgb(${red} ${green} ${blue})`;
    if (explanation.outside[r][c]) cell.classList.add("is-outside");
    grid.append(cell);
  }));
  figure.append(grid, el("figcaption", "", "What the kernel sees"));
  return figure;
}

export function outputSwatch(explanation) {
  const figure = el("figure", "kp-mini kp-mini-out");
  const mapped = explanation.channels.map((ch) => ch.mapped);
  const [r, g, b] = mapped.length === 3 ? mapped : [mapped[0], mapped[0], mapped[0]];
  const swatch = el("span", "kp-out-swatch");
  swatch.style.backgroundColor = `rgb(${r} ${g} ${b})`;
  swatch.setAttribute("role", "img");
  swatch.setAttribute("aria-label", `Output pixel colour ${mapped.join(", ")}`);
  const values = el("span", "kp-out-values", mapped.length === 3 ? `rgb(${mapped.join(", ")})` : `grey ${mapped[0]}`);
  figure.append(swatch, values, el("figcaption", "", "Output pixel"));
  return figure;
}

function channelSection(channel, explanation, context) {
  const name = channel.channel === "Y" && context.greyscale ? "Grey" : CHANNEL_NAMES[channel.channel];
  const section = el("section", `kp-channel kp-channel-${channel.channel}`);
  section.dataset.channel = channel.channel;
  const heading = el("h3", "kp-channel-title");
  heading.append(el("span", "kp-dot", ""), `${name} channel`);
  section.append(heading);

  const grids = el("div", "kp-channel-grids");
  grids.append(numberGrid(channel.first.window, {
    caption: "Window", kind: "window", outside: explanation.outside, shade: greyShade,
  }));
  const second = channel.second;
  grids.append(el("span", "kp-op", TIMES));
  grids.append(numberGrid(channel.first.products, {
    caption: second ? `Products with kernel Gx` : "Window \u00d7 kernel",
    kind: "products",
    shade: signShade(maxAbs(channel.first.products)),
  }));
  if (second) {
    grids.append(numberGrid(second.products, {
      caption: "Products with kernel Gy", kind: "products-second", shade: signShade(maxAbs(second.products)),
    }));
  }
  section.append(grids);

  const steps = el("ol", "kp-steps");
  const step = (label, text, attr) => {
    const li = el("li");
    li.append(el("span", "kp-step-label", label));
    const formula = el("span", "kp-formula", text);
    formula.dataset[attr] = "";
    li.append(formula);
    steps.append(li);
    return formula;
  };
  const divisor = explanation.divisor;
  step(second ? "Sum Gx" : "Sum", formatSum(channel.first.window, explanation.kernel, channel.first.sum), "sum");
  if (second) {
    step("Sum Gy", formatSum(second.window, explanation.second_kernel, second.sum), "sumSecond");
  }
  if (divisor !== 1) {
    step("\u00f7 divisor", formatDivision(channel.first.sum, divisor, channel.first.value), "divide");
    if (second) step("\u00f7 divisor", formatDivision(second.sum, divisor, second.value), "divideSecond");
  }
  if (second) {
    const squared = (v) => (v < 0 ? `(${formatNumber(v)})` : formatNumber(v));
    const a = squared(channel.first.value);
    const b = squared(second.value);
    step("Magnitude", `\u221a(${a}\u00b2 + ${b}\u00b2) = ${formatNumber(channel.value)}`, "magnitude");
  }
  const map = step(OUTPUT_LABELS[explanation.output] ?? explanation.output,
    formatMapping(channel.value, explanation.output, channel.mapped, explanation.rescale_range), "map");
  map.replaceChildren(map.textContent.replace(/ (\d+)$/, " "));
  const mapped = el("strong", "kp-mapped", String(channel.mapped));
  mapped.dataset.mapped = "";
  map.append(mapped);
  section.append(steps);
  return section;
}

export class ArithmeticView {
  constructor(root) {
    this.root = root;
    this.where = root.querySelector("[data-arith-where]");
    this.top = root.querySelector("[data-arith-top]");
    this.channels = root.querySelector("[data-arith-channels]");
  }

  /** Show a message instead of the arithmetic (e.g. while the kernel is invalid). */
  message(text) {
    this.where.textContent = text;
    this.top.replaceChildren();
    this.channels.replaceChildren();
    delete this.root.dataset.explained;
  }

  /** Draw an explanation; context {flip, greyscale}. */
  render(explanation, context = {}) {
    const e = explanation;
    this.where.textContent = whereSentence(e);

    const kernelCaption = context.flip ? "Kernel, flipped 180\u00b0" : "Kernel";
    const top = [colourSwatch(e), el("span", "kp-op", TIMES)];
    top.push(numberGrid(e.kernel, { caption: e.second_kernel ? `${kernelCaption} Gx` : kernelCaption, kind: "kernel", shade: weightShade }));
    if (e.second_kernel) {
      top.push(numberGrid(e.second_kernel, { caption: `${kernelCaption} Gy`, kind: "kernel-second", shade: weightShade }));
    }
    if (e.divisor !== 1) top.push(el("span", "kp-op kp-op-divisor", `\u00f7 ${formatNumber(e.divisor)}`));
    top.push(el("span", "kp-op", "\u2192"), outputSwatch(e));
    this.top.replaceChildren(...top);
    this.channels.replaceChildren(...e.channels.map((ch) => channelSection(ch, e, context)));
    this.root.dataset.explained = `${e.x},${e.y}`;
  }
}
