// Lesson 4's views of the engine's answer to POST /api/lessons/pooling: the input and the pooled
// output of each kind, the gradients routed back, and the sentences that write out one window's
// arithmetic. Every sentence is worded from the answer and the picked output, so it follows them.

import { TIMES, formatNumber } from "../shared/numbers.js";
import { plural } from "../shared/words.js";
import { captioned, op, valueGrid } from "./lesson-draw.js";
import { at, poolWindow, sizeText } from "./lesson-math.js";

const key = (r, c) => `${r},${c}`;
const range = (word, from, to) => (from === to ? `${word} ${from}` : `${word}s ${from} to ${to}`);

/** What the figures and sentences need to know about the answer and the picked output (i, j). */
export function poolingView(result, body, i, j) {
  const k = body.kernel;
  const s = body.stride;
  const rows = result.max.length;
  const cols = result.max[0].length;
  const window = poolWindow(i, j, k, s);
  return {
    k, s, i, j, rows, cols, window,
    inWindow: new Set(window.map(([r, c]) => key(r, c))),
    argmax: new Set(result.argmax.flat().map(([r, c]) => key(r, c))),
    covered: (r, c) => r < (rows - 1) * s + k && c < (cols - 1) * s + k,
    values: window.map(([r, c]) => body.x[r][c]),
  };
}

/** "Output (1, 2) pools input rows 1 to 2, columns 3 to 4." */
export function windowText({ i, j, k, window }) {
  const [r0, c0] = window[0];
  return `Output (${i + 1}, ${j + 1}) pools input ${range("row", r0 + 1, r0 + k)}, ${range("column", c0 + 1, c0 + k)}.`;
}

/** How many input cells no window covers, in a sentence for the hint. */
export function droppedText(view, body) {
  let dropped = 0;
  body.x.forEach((row, r) => row.forEach((_, c) => {
    if (!view.covered(r, c)) dropped += 1;
  }));
  return dropped
    ? `Faded input cells (${plural(dropped, "cell")} here) are in no window and are simply dropped.`
    : "Every input cell is in some window: none is dropped.";
}

/** The input, ringed at each window's maximum, and the max-pooled output. */
export function maxForward(result, body, view) {
  const { inWindow, argmax, covered, i, j } = view;
  return [
    captioned(valueGrid(body.x, {
      kind: "max-x", label: "Input, arg-max cells ringed", name: "x",
      cellClass: (r, c) => [inWindow.has(key(r, c)) ? "is-window" : "", covered(r, c) ? "" : "is-future",
        argmax.has(key(r, c)) ? "is-argmax" : ""],
    }), `Input ${sizeText(body.x)}`),
    op("\u2192"),
    captioned(valueGrid(result.max, { kind: "max", label: "Max pooled: pick a cell", pick: true, name: "y",
      cellClass: (r, c) => (r === i && c === j ? "is-selected" : "") }), `Max ${sizeText(result.max)}`),
  ];
}

/** "max(1, 3, 5, 5) = 5 at x₂,₁ (2 cells tie: the first in reading order wins)". */
export function maxSum(result, view) {
  const [ar, ac] = result.argmax[view.i][view.j];
  const best = Math.max(...view.values);
  const ties = view.values.filter((v) => v === best).length;
  return `max(${view.values.map((v) => formatNumber(v)).join(", ")}) = ${formatNumber(result.max[view.i][view.j])} at x${at(ar, ac)}`
    + (ties > 1 ? ` (${ties} cells tie: the first in reading order wins)` : "");
}

/** The input and the average-pooled output. */
export function averageForward(result, body, view) {
  const { inWindow, covered, i, j } = view;
  return [
    captioned(valueGrid(body.x, { kind: "avg-x", label: "Input", name: "x",
      cellClass: (r, c) => [inWindow.has(key(r, c)) ? "is-window" : "", covered(r, c) ? "" : "is-future"] }),
    `Input ${sizeText(body.x)}`),
    op("\u2192"),
    captioned(valueGrid(result.average, { kind: "average", label: "Average pooled: pick a cell", pick: true, name: "y",
      cellClass: (r, c) => (r === i && c === j ? "is-selected" : "") }), `Average ${sizeText(result.average)}`),
  ];
}

/** "(1 + 3 + 5 + 5) / 4 = 3.5". */
export function averageSum(result, view) {
  return `(${view.values.map((v) => formatNumber(v)).join(" + ")}) / ${view.k * view.k} = ${formatNumber(result.average[view.i][view.j])}`;
}

/** delta (pickable) -> the gradient that reaches the input, for one kind. */
export function backwardFigures(delta, gradient, view, { kind, cellClass }) {
  const { i, j } = view;
  return [
    captioned(valueGrid(delta, { kind: `${kind}-delta`, label: "Upstream gradient: pick a cell", name: "delta", pick: true,
      cellClass: (r, c) => (r === i && c === j ? "is-selected" : "") }), `\u03b4 ${sizeText(delta)}`),
    op("\u2192"),
    captioned(valueGrid(gradient, { kind: `dx-${kind === "max" ? "max" : "average"}`, label: `Gradient after ${kind === "max" ? "max" : "average"} pooling`,
      name: "dL/dx", cellClass }), `\u2202L/\u2202x ${sizeText(gradient)}`),
  ];
}

/** Where max pooling sends the gradient: every window whose maximum is the picked window's cell. */
export function maxBackText(result, body, view) {
  const [ar, ac] = result.argmax[view.i][view.j];
  const senders = [];
  result.argmax.forEach((row, wi) => row.forEach(([r, c], wj) => {
    if (r === ar && c === ac) senders.push([wi, wj]);
  }));
  const value = formatNumber(result.dx_max[ar][ac]);
  const values = senders.map(([wi, wj]) => formatNumber(body.delta[wi][wj])).join(" + ");
  const others = view.k * view.k - 1;
  return `\u2202L/\u2202x${at(ar, ac)} = ${senders.map(([wi, wj]) => `\u03b4${at(wi, wj)}`).join(" + ")}`
    + (senders.length > 1 || values !== value ? ` = ${values}` : "") + ` = ${value}; `
    + (others ? `the other ${plural(others, "cell")} of the window get${others === 1 ? "s" : ""} nothing from it`
      : "the window is that one cell");
}

/** How average pooling shares the gradient out to the picked window's first cell. */
export function averageBackText(result, body, view) {
  const [r0, c0] = view.window[0];
  const area = view.k * view.k;
  const sharing = [];
  for (let wi = 0; wi < view.rows; wi += 1) {
    for (let wj = 0; wj < view.cols; wj += 1) {
      if (poolWindow(wi, wj, view.k, view.s).some(([r, c]) => r === r0 && c === c0)) sharing.push([wi, wj]);
    }
  }
  return `\u2202L/\u2202x${at(r0, c0)} = ${sharing.map(([wi, wj]) => `\u03b4${at(wi, wj)} / ${area}`).join(" + ")} = `
    + `${sharing.map(([wi, wj]) => `${formatNumber(body.delta[wi][wj])} / ${area}`).join(" + ")} = ${formatNumber(result.dx_average[r0][c0])}`
    + (sharing.length > 1
      ? ` (${sharing.length} windows overlap here, so this cell gets a share from each)`
      : `: the window gives each of its ${area === 1 ? "1 cell" : `${view.k}${TIMES}${view.k} = ${area} cells`} the same share`);
}
