// Lesson 1's views of the engine's answer: the strips (rows for lesson-draw.js `strip`) that line
// the kernel up under the window of one output (forward), the flipped kernel over the zero-padded
// upstream gradient (dL/dx) and the gradient over the input (dL/dw); the finite-difference check
// as table rows; and the verdict on it. They arrange the API's answer; nothing here computes one.

import { el } from "../shared/dom.js";
import { TIMES, formatNumber, formatScientific } from "../shared/numbers.js";
import { symbol } from "./lesson-draw.js";
import { flip1d, formatPrecise, symbolText } from "./lesson-math.js";

/** The bottom row of a strip: the API's outputs, each a button that picks it. */
export function outputRow(label, entries, chosen) {
  return {
    label, start: 0, cells: entries.map((e) => ({
      text: formatNumber(e.value), pick: e.index[0], pressed: e.index[0] === chosen,
      cls: `is-out${e.index[0] === chosen ? " is-selected" : ""}`, ariaLabel: `${e.name} ${e.index[0]}: ${formatNumber(e.value)}`,
    })),
  };
}

/** A row of values, those in columns [from, from + length) marked as the window. */
function windowRow(label, values, from, length, { pad = () => false, title = () => "" } = {}) {
  return {
    label, start: 0, cells: values.map((v, c) => {
      const inWindow = c >= from && c < from + length ? " is-window" : "";
      return pad(c)
        ? { text: "0", cls: `is-pad${inWindow}`, title: "padding: a zero" }
        : { text: formatNumber(v), cls: inWindow.trim(), title: title(c) };
    }),
  };
}

/** A row that slides under the window starting at column `start`. */
function slidingRow(label, start, cells) {
  return { label, start, cells };
}

/** Forward: column numbers, x with output i's window, w under it, the products, and y. */
export function forwardRows(result, body, i) {
  const entry = result.y[i - 1];
  return [
    { label: "", start: 0, cells: body.x.map((_, c) => ({ text: String(c + 1), cls: "ls-idx" })) },
    windowRow(symbol("x"), body.x, i - 1, body.w.length),
    slidingRow(symbol("w"), i - 1, body.w.map((v, j) => ({ text: formatNumber(v), cls: "is-weight", title: symbolText("w", [j + 1]) }))),
    slidingRow(`x${TIMES}w`, i - 1, entry.terms.map((t) => ({ text: formatNumber(t.product), cls: "is-product" }))),
    outputRow(symbol("y"), result.y, i),
  ];
}

/** dL/dx at m: delta padded by k − 1 zeros each side, the flipped kernel under window m. */
export function dxRows(result, body, m) {
  const k = body.w.length;
  const padded = [...Array(k - 1).fill(0), ...body.delta, ...Array(k - 1).fill(0)];
  const isPad = (c) => c < k - 1 || c >= k - 1 + body.delta.length;
  const terms = result.dx[m - 1].terms;
  const products = flip1d(body.w).map((_, j) => {
    const term = terms.find((t) => t.b.index[0] === m + j - k + 1); // delta under position j of the window
    return term ? { text: formatNumber(term.product), cls: "is-product" } : { text: "0", cls: "is-product is-pad", title: "padding" };
  });
  return [
    windowRow(symbol("delta"), padded, m - 1, k, { pad: isPad, title: (c) => symbolText("delta", [c - k + 2]) }),
    slidingRow("w flipped", m - 1, flip1d(body.w).map((v, j) => ({ text: formatNumber(v), cls: "is-weight", title: symbolText("w", [k - j]) }))),
    slidingRow(TIMES, m - 1, products),
    outputRow(symbol("dL/dx"), result.dx, m),
  ];
}

/** dL/dw at j: x with delta under window j. */
export function dwRows(result, body, j) {
  const terms = result.dw[j - 1].terms;
  return [
    windowRow(symbol("x"), body.x, j - 1, body.delta.length),
    slidingRow(symbol("delta"), j - 1, body.delta.map((v, c) => ({ text: formatNumber(v), cls: "is-weight", title: symbolText("delta", [c + 1]) }))),
    slidingRow(TIMES, j - 1, terms.map((t) => ({ text: formatNumber(t.product), cls: "is-product" }))),
    outputRow(symbol("dL/dw"), result.dw, j),
  ];
}

/** The finite-difference check: a <tr> per gradient entry (formula, estimate, difference). */
export function checkRows(result) {
  const pairs = [
    ...result.dx.map((e, c) => [e, result.dx_numeric[c]]),
    ...result.dw.map((e, c) => [e, result.dw_numeric[c]]),
  ];
  return pairs.map(([e, numeric]) => {
    const tr = el("tr");
    tr.dataset.check = `${e.name === "dL/dx" ? "dx" : "dw"}-${e.index[0]}`;
    const th = el("th");
    th.scope = "row";
    th.append(symbol(e.name, e.index));
    tr.append(th, el("td", "", formatNumber(e.value)), el("td", "", formatPrecise(numeric)),
      el("td", "", formatScientific(Math.abs(e.value - numeric))));
    return tr;
  });
}

// Analytic and numeric gradients agree when they differ by less than this (central differences
// with h = 1e-5 are good to about 1e-10 on these sizes).
export const AGREE = 1e-6;

/** The verdict on a finite-difference check, worded from the largest difference `max`: "<lead>:
 * 1.1 × 10⁻¹⁰. <agreed>" or "... They disagree: something is wrong." */
export function showAgreement(verdict, max, lead, agreed = "They agree.") {
  const agree = max < AGREE;
  verdict.textContent = `${lead}: ${formatScientific(max)}. ${agree ? agreed : "They disagree: something is wrong."}`;
  verdict.dataset.value = String(max);
  verdict.classList.toggle("is-negative", !agree);
}
