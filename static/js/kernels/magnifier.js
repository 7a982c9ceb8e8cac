// The magnifier beside the pointer: the window under the kernel, the kernel, and each channel's
// window values and sum, floating next to the window's outline (or the result's ring) so the
// pixel pointed at and its sum are seen together. It follows whatever moves the selection (the
// pointer, a touch, the arrow keys) because it is placed beside the marker, not the pointer.
// The full arithmetic panel (arithmetic-view.js) keeps the detail; this draws the same
// explanation from POST /api/kernels/explain, smaller. On a narrow screen it sits under the
// images instead of over them (kernels.css).
//
// Markup contract (templates/kernels.html): [data-magnifier] inside the stage, which is its
// positioning box. It carries data-explained="x,y" once drawn (for tests).

import { el } from "../shared/dom.js";
import { formatNumber } from "../shared/numbers.js";
import { colourSwatch, greyShade, numberGrid, outputSwatch, weightShade } from "./arithmetic-view.js";
import { CHANNEL_NAMES } from "./kernel-math.js";

const MAX_NUMBERS_SIDE = 5; // larger windows show their colours and sums only: the numbers would not fit
const GAP = 14; // px between the marker and the magnifier

/** "Σ = 1,234 ÷ 9 = 137.1 → 137", or with a second kernel "√(a² + b²) = 5 → 5". */
export function sumLine(channel, explanation) {
  const first = channel.first;
  const parts = [`\u03a3 = ${formatNumber(first.sum)}`];
  if (explanation.divisor !== 1) parts.push(`\u00f7 ${formatNumber(explanation.divisor)} = ${formatNumber(first.value)}`);
  if (channel.second) {
    return `\u221a(${formatNumber(first.value)}\u00b2 + ${formatNumber(channel.second.value)}\u00b2) = `
      + `${formatNumber(channel.value)} \u2192 ${channel.mapped}`;
  }
  return `${parts.join(" ")} \u2192 ${channel.mapped}`;
}

export class Magnifier {
  /** `bounds`: the element it should not hang below (the images, not the paint tools under them). */
  constructor(root, bounds = null) {
    this.root = root;
    this.box = root.offsetParent ?? root.parentElement;
    this.bounds = bounds;
  }

  hide() {
    this.root.hidden = true;
    delete this.root.dataset.explained;
  }

  render(explanation, { greyscale = false } = {}) {
    const e = explanation;
    const top = el("div", "kp-mag-top");
    top.append(colourSwatch(e), el("span", "kp-op", "\u00d7"),
      numberGrid(e.kernel, { caption: "Kernel", kind: "kernel", shade: weightShade }),
      el("span", "kp-op", "\u2192"), outputSwatch(e));
    const numbers = e.kernel.length <= MAX_NUMBERS_SIDE && e.kernel[0].length <= MAX_NUMBERS_SIDE;
    const rows = e.channels.map((channel) => {
      const row = el("div", `kp-mag-channel kp-channel-${channel.channel}`);
      row.dataset.channel = channel.channel;
      const name = channel.channel === "Y" && greyscale ? "Grey" : CHANNEL_NAMES[channel.channel];
      const label = el("span", "kp-mag-name");
      label.append(el("span", "kp-dot", ""), name);
      row.append(label);
      if (numbers) row.append(numberGrid(channel.first.window, { caption: "", kind: "window", outside: e.outside, shade: greyShade }));
      const sum = el("span", "kp-mag-sum", sumLine(channel, e));
      sum.dataset.magSum = "";
      row.append(sum);
      return row;
    });
    this.root.replaceChildren(el("p", "kp-mag-where", `Output pixel (${e.x}, ${e.y})`), top, ...rows);
    this.root.dataset.explained = `${e.x},${e.y}`;
    this.root.hidden = false;
  }

  /** Float beside `marker` (an element), on its right if there is room, else on its left. */
  placeBeside(marker) {
    if (this.root.hidden || !marker || marker.hidden) return;
    if (getComputedStyle(this.root).position !== "absolute") return; // narrow screens: in the flow
    const box = this.box.getBoundingClientRect();
    const mark = marker.getBoundingClientRect();
    const own = this.root.getBoundingClientRect();
    let left = mark.right - box.left + GAP;
    if (left + own.width > box.width - 4) left = mark.left - box.left - GAP - own.width;
    left = Math.max(4, left);
    let top = mark.top - box.top + mark.height / 2 - own.height / 2;
    const bottom = this.bounds ? this.bounds.getBoundingClientRect().bottom - box.top : box.height - 4;
    top = Math.max(4, Math.min(top, bottom - own.height));
    this.root.style.left = `${Math.round(left)}px`;
    this.root.style.top = `${Math.round(top)}px`;
  }
}
