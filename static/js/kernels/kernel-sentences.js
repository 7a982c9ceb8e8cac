// The kernel playground's sentences, each worded from the numbers it states ("words follow
// numbers"): the weights' sum against the divisor, the output size, what the padding and the
// stride do to it, where an output pixel comes from. No DOM access, so every sentence can be
// tried on its own.

import { TIMES, formatNumber, formatRatio } from "../shared/numbers.js";
import { article, capitalise, plural } from "../shared/words.js";
import { effectiveDivisor, kernelSum, outputSize } from "./kernel-math.js";

const STRIDE_ORDINALS = { 2: "second", 3: "third", 4: "fourth" };
const STRIDE_FRACTIONS = { 2: "half", 3: "a third", 4: "a quarter" };

/** "451 × 300" */
export function sizeText(width, height) {
  return `${width} ${TIMES} ${height}`;
}

/** "2 columns and 2 rows", "8 columns", "no columns or rows". */
function columnsAndRows(cols, rows) {
  const parts = [];
  if (cols) parts.push(plural(cols, "column"));
  if (rows) parts.push(plural(rows, "row"));
  return parts.length ? parts.join(" and ") : "no columns or rows";
}

/** What the weights' sum does to a flat area, for this divisor (or normalising). */
export function sumSentence(kernel, divisor, normalize) {
  const total = kernelSum(kernel);
  const used = effectiveDivisor(kernel, divisor, normalize);
  const sum = formatNumber(total);
  if (normalize) {
    return total === 0
      ? `Weights add up to ${sum}, so the divisor stays ${formatNumber(used)} (there is no normalising a sum of 0).`
      : `Weights add up to ${sum}, so the divisor is ${formatNumber(used)}: flat areas keep their brightness.`;
  }
  if (sum === "0") return `Weights add up to ${sum}: flat areas become 0, only changes show.`;
  const ratio = total / used;
  if (formatNumber(ratio) === "1") {
    return `Weights add up to ${sum}, the same as the divisor: flat areas keep their brightness.`;
  }
  const brightness = ratio < 0 ? `below 0 (${formatRatio(ratio, 3)} their brightness)` : `${formatRatio(ratio, 3)} as bright`;
  return `Weights add up to ${sum}; divided by ${formatNumber(used)}, flat areas come out ${brightness}.`;
}

/** The size box's headline: "Output 451 × 300: the same size as the input." */
export function sizeSummary(size, width, height) {
  return size.width === width && size.height === height
    ? `Output ${sizeText(size.width, size.height)}: the same size as the input.`
    : `Output ${sizeText(size.width, size.height)}, from ${sizeText(width, height)}.`;
}

/** What the border handling does to the output size for a kh x kw kernel on a width x height
 * input (at stride 1; the stride sentence says the rest). Without an image, the sizes are left out. */
export function paddingSentence(padding, kh, kw, width = null, height = null) {
  const lost = columnsAndRows(kw - 1, kh - 1);
  const known = width !== null && height !== null;
  const kernel = `${article(kw)} ${sizeText(kw, kh)} kernel`;
  if (kw === 1 && kh === 1) {
    return `${capitalise(kernel)} fits at every pixel, so at stride 1 the output keeps the input\u2019s size`
      + `${known ? `, ${sizeText(width, height)}` : ""}, with or without padding.`;
  }
  if (padding !== "valid") {
    return `Padding of ${lost} (the kernel size minus 1) lets ${kernel} fit at every pixel, so at stride 1 `
      + `the output keeps the input\u2019s size${known ? `, ${sizeText(width, height)}` : ""}: \u201csame\u201d convolution.`;
  }
  const shrunk = known ? outputSize(height, width, kh, kw, "valid", 1) : null;
  const sizes = shrunk && !shrunk.error
    ? `, so at stride 1 the ${sizeText(width, height)} input gives ${article(shrunk.width)} ${sizeText(shrunk.width, shrunk.height)} output` : "";
  return `Without padding ${kernel} loses ${lost} (the kernel size minus 1)${sizes}: `
    + "\u201cvalid\u201d convolution.";
}

/** What the stride does: `atOne` is the output size at stride 1, `size` the one at `stride`. */
export function strideSentence(stride, atOne = null, size = null) {
  const known = atOne && size && !atOne.error && !size.error;
  if (stride === 1) {
    return "Stride 1: the window moves one pixel at a time, so every window position makes an output pixel"
      + `${known ? ` (${sizeText(size.width, size.height)})` : ""}.`;
  }
  const every = STRIDE_ORDINALS[stride] ?? `${stride}th`;
  const fraction = STRIDE_FRACTIONS[stride] ?? `1/${stride}`;
  const sizes = known ? `: ${sizeText(atOne.width, atOne.height)} at stride 1 becomes ${sizeText(size.width, size.height)}` : "";
  return `Stride ${stride}: the window moves ${stride} pixels at a time and keeps every ${every} window in each `
    + `direction, so each side is about ${fraction} as long${sizes}.`;
}

/** "Output pixel (3, 0) of 451 × 300 comes from input columns 2 to 4, row 0; 1 of its 3 cells is
 * padding (outside the image)." for an answer of POST /api/kernels/explain. */
export function whereSentence(e) {
  const kh = e.kernel.length;
  const kw = e.kernel[0].length;
  const padded = e.outside.flat().filter(Boolean).length;
  const span = (first, n) => (n === 1 ? formatNumber(first) : `${formatNumber(first)} to ${formatNumber(first + n - 1)}`);
  const cells = kh * kw;
  const padding = padded
    ? `; ${padded} of its ${plural(cells, "cell")} ${padded === 1 ? "is" : "are"} padding (outside the image).`
    : ".";
  return `Output pixel (${e.x}, ${e.y}) of ${sizeText(e.output_width, e.output_height)} comes from input `
    + `${kw === 1 ? "column" : "columns"} ${span(e.window_left, kw)}, ${kh === 1 ? "row" : "rows"} ${span(e.window_top, kh)}`
    + padding;
}

/** The input label: "600 × 400 px", "512 × 512 px, grey", "… (preview of 3000 × 2000)", and the
 * title saying the download filters the full photo when the page shows a preview. */
export function inputSizeText(image) {
  const w = image.preview_width;
  const h = image.preview_height;
  const scaled = w !== image.width || h !== image.height;
  const full = sizeText(image.width, image.height);
  return {
    text: `${sizeText(w, h)} px${image.channels === 1 ? ", grey" : ""}${scaled ? ` (preview of ${full})` : ""}`,
    title: scaled ? `A preview of the ${full} photo; the download filters it at full size.` : "",
  };
}
