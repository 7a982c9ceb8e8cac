// Kernel playground: the pure part. Reading and validating the kernel grid, sizes and
// coordinates (the same formulas as model/filters.py), the request body, and the formulas the
// arithmetic panel shows. No DOM access here, so every function can be tried on its own; the
// largest kernel side is a parameter (the page passes the server's limit).

import { TIMES, formatNumber, parseCells } from "../shared/numbers.js";

/** Rows of typed cell texts -> {kernel, errors}; kernel is null when any cell is invalid.
 * errors: [{row, col, message}] with 0-based row/col and a message naming the cell 1-based.
 * `maxSide` is the largest kernel side the server accepts (pageLimits().max_kernel_size). */
export function readKernel(cells, maxSide) {
  if (!Array.isArray(cells) || cells.length === 0 || !Array.isArray(cells[0]) || cells[0].length === 0) {
    return { kernel: null, errors: [{ row: 0, col: 0, message: "The kernel needs at least one weight." }] };
  }
  const cols = cells[0].length;
  const shapeErrors = [];
  if (cells.length > maxSide || cols > maxSide) {
    shapeErrors.push({ row: 0, col: 0, message: largestKernelText(maxSide) });
  }
  cells.forEach((row, r) => {
    if (row.length !== cols) shapeErrors.push({ row: r, col: 0, message: `Row ${r + 1} has ${row.length} weights, not ${cols}.` });
  });
  const { values, errors } = parseCells(cells);
  const all = [...shapeErrors, ...errors];
  return { kernel: all.length ? null : values, errors: all };
}

/** "The largest kernel is 15×15." for the server's limit. */
export function largestKernelText(maxSide) {
  return `The largest kernel is ${maxSide}${TIMES}${maxSide}.`;
}

export function kernelSum(kernel) {
  return kernel.reduce((total, row) => total + row.reduce((a, b) => a + b, 0), 0);
}

/** Rotate by 180 degrees: cross-correlation with the flipped kernel is true convolution. */
export function flipKernel(kernel) {
  return kernel.slice().reverse().map((row) => row.slice().reverse());
}

export function sameKernel(a, b) {
  return a.length === b.length && a.every((row, r) => row.length === b[r].length && row.every((v, c) => v === b[r][c]));
}

/** The divisor the server will use: the weights' sum when normalising (1 if that is 0). */
export function effectiveDivisor(kernel, divisor, normalize) {
  if (normalize) {
    const total = kernelSum(kernel);
    return total !== 0 ? total : 1;
  }
  return divisor;
}

/** A factor inside a product: negatives in brackets, "40×(−1)". */
function factor(value) {
  const text = formatNumber(value);
  return value < 0 && text !== "0" ? `(${text})` : text;
}

/** "40×0 + 42×1 + 46×0 + … = 42": the dot product of window and kernel, term by term, in row
 * order. Long sums (more than maxTerms terms) keep the first and last few terms and say how
 * many there are. `total` defaults to the sum of the products. */
export function formatSum(window, kernel, total = undefined, maxTerms = 25) {
  const terms = [];
  let sum = 0;
  window.forEach((row, r) => row.forEach((v, c) => {
    terms.push(`${factor(v)}${TIMES}${factor(kernel[r][c])}`);
    sum += v * kernel[r][c];
  }));
  const result = formatNumber(total === undefined ? sum : total);
  if (terms.length <= maxTerms) return `${terms.join(" + ")} = ${result}`;
  const head = terms.slice(0, maxTerms - 5);
  const tail = terms.slice(-4);
  return `${head.join(" + ")} + \u2026 + ${tail.join(" + ")} = ${result} (${terms.length} terms)`;
}

/** "sum / divisor": "672 / 16 = 42"; just the value when the divisor is 1. */
export function formatDivision(total, divisor, value) {
  if (divisor === 1) return formatNumber(value);
  return `${formatNumber(total)} / ${factor(divisor)} = ${formatNumber(value)}`;
}

/** How the value becomes a 0..255 pixel (rounded half up, then clipped), as a formula. */
export function formatMapping(value, output, mapped, range = null) {
  const v = formatNumber(value);
  switch (output) {
    case "abs":
      return `|${v}| = ${formatNumber(Math.abs(value))} \u2192 ${mapped}`;
    case "offset":
      return `${v} + 128 = ${formatNumber(value + 128)} \u2192 ${mapped}`;
    case "rescale": {
      if (!range) return `${v} \u2192 ${mapped}`;
      const [low, high] = range;
      if (!(high > low)) return `every value is ${formatNumber(low)} \u2192 ${mapped}`;
      return `(${v} \u2212 ${factor(low)}) ${TIMES} 255 / (${factor(high)} \u2212 ${factor(low)}) = `
        + `${formatNumber(((value - low) * 255) / (high - low))} \u2192 ${mapped}`;
    }
    default:
      return `clip(${v}) = ${mapped}`;
  }
}

/** ((top, bottom), (left, right)) padding, as model/filters.py pad_widths. */
export function padWidths(kh, kw, padding) {
  if (padding === "valid") return { top: 0, bottom: 0, left: 0, right: 0 };
  const top = Math.floor(kh / 2);
  const left = Math.floor(kw / 2);
  return { top, bottom: kh - 1 - top, left, right: kw - 1 - left };
}

/** Output size for an h x w image, or {error} saying why the kernel cannot be applied. */
export function outputSize(h, w, kh, kw, padding, stride) {
  const p = padWidths(kh, kw, padding);
  if (padding === "reflect" && (Math.max(p.top, p.bottom) >= h || Math.max(p.left, p.right) >= w)) {
    return { error: `\u201creflect\u201d needs the image to be larger than half the kernel; the image is ${w}${TIMES}${h}.` };
  }
  const height = Math.floor((h + p.top + p.bottom - kh) / stride) + 1;
  const width = Math.floor((w + p.left + p.right - kw) / stride) + 1;
  if (height < 1 || width < 1) {
    return { error: `A ${kh}${TIMES}${kw} kernel does not fit inside a ${w}${TIMES}${h} image without padding.` };
  }
  return { width, height };
}

/** One axis of the size formula: "⌊(451 + 2 − 3) / 2⌋ + 1 = 226". */
export function sizeFormula(n, k, padding, stride) {
  const p = padding === "valid" ? 0 : k - 1;
  const out = Math.floor((n + p - k) / stride) + 1;
  const inner = p ? `${n} + ${p} \u2212 ${k}` : `${n} \u2212 ${k}`;
  const body = stride === 1 ? `(${inner})` : `\u230a(${inner}) / ${stride}\u230b`;
  return `${body} + 1 = ${out >= 1 ? out : "nothing"}`;
}

/** The input window under output pixel (x, y): its top-left corner (negative over the border)
 * and size, as model/filters.py explain_pixel. */
export function windowFor(x, y, kh, kw, padding, stride) {
  const p = padWidths(kh, kw, padding);
  return { left: x * stride - p.left, top: y * stride - p.top, width: kw, height: kh };
}

/** The output pixel whose window is centred nearest input pixel (ix, iy), clamped to the
 * output. The kernel's centre is entry (kh // 2, kw // 2), so with padding the window of
 * output x is centred on input x * stride, and with "valid" on x * stride + kw // 2. */
export function outputPixelFor(ix, iy, kh, kw, padding, stride, outWidth, outHeight) {
  const p = padWidths(kh, kw, padding);
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  const x = Math.round((ix + p.left - Math.floor(kw / 2)) / stride);
  const y = Math.round((iy + p.top - Math.floor(kh / 2)) / stride);
  return { x: clamp(x, outWidth), y: clamp(y, outHeight) };
}

/** A pointer position over an image drawn scaled into `rect` (CSS pixels) -> the image pixel. */
export function pointToPixel(clientX, clientY, rect, width, height) {
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  const x = Math.floor(((clientX - rect.left) / rect.width) * width);
  const y = Math.floor(((clientY - rect.top) / rect.height) * height);
  return { x: clamp(x, width), y: clamp(y, height) };
}

/** Clamp a pixel position into a width x height image. */
export function clampPixel(x, y, width, height) {
  return { x: Math.min(Math.max(x, 0), width - 1), y: Math.min(Math.max(y, 0), height - 1) };
}

/** The JSON body of POST /api/kernels/apply and /explain for the page's current settings.
 * A preset is sent by name (so the Sobel magnitude keeps its second kernel) until a weight is
 * edited; then the typed kernel is sent. */
export function buildRequest(settings) {
  const body = {
    image_id: settings.imageId,
    divisor: settings.divisor,
    normalize: settings.normalize,
    channels: settings.channels,
    padding: settings.padding,
    stride: settings.stride,
    output: settings.output,
    flip: settings.flip,
  };
  if (settings.preset && settings.preset !== "custom") body.preset = settings.preset;
  else body.kernel = settings.kernel;
  return body;
}

export const CHANNEL_NAMES = { R: "Red", G: "Green", B: "Blue", Y: "Luminance" };

/** The input pixel under the kernel's centre entry (kh // 2, kw // 2) for output pixel (x, y). */
export function windowCentre(x, y, kh, kw, padding, stride) {
  const w = windowFor(x, y, kh, kw, padding, stride);
  return { x: w.left + Math.floor(kw / 2), y: w.top + Math.floor(kh / 2) };
}
