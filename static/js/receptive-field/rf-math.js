// Receptive fields, the pure part: each layer's geometry from GET /api/receptive-field's table,
// where a unit and its box sit over the input, the recurrences written out with the numbers in,
// and the stack editor's request. No DOM access here, so every function can be tried alone.
//
// Coordinates over the input are "edges": input pixel p spans [p, p + 1], so its centre is
// p + 0.5. The API's `start` is in pixel-centre coordinates (the centre of pixel 0 is 0), so a
// unit i of a layer is centred on pixel start + i * jump, i.e. at edge start + i * jump + 0.5.
//
// The recurrences (one axis; the other is the same), from r = 1, j = 1, start = 0 at the input:
//   k_eff = d (k - 1) + 1                       a dilated kernel's span
//   r     = r_in + (k_eff - 1) j_in             receptive-field size
//   j     = j_in s                              jump: input pixels between neighbouring units
//   start = start_in + ((k_eff - 1) / 2 - p) j_in   centre of unit 0

import { TIMES, formatNumber } from "../shared/numbers.js";

export const CDOT = "\u00b7";
export const SPATIAL_TYPES = new Set(["Conv2d", "MaxPool2d", "AvgPool2d"]);

/** The input as a layer of the recurrences: `size` x `size` pixels, each seeing itself. */
export function inputLayer(size, channels = 1) {
  return Object.freeze({ name: "input", type: "Input", size, rf: 1, jump: 1, start: 0, channels });
}

/** /api/model's description of a layer -> {kernel, stride, dilation} (what it states).
 * "6@5x5, padding 2, no bias" -> kernel 5, stride 1, dilation 1; "2x2, stride 2" -> 2, 2, 1. */
export function parseDescription(description) {
  const text = String(description ?? "");
  const kernel = /(?:^|@)\s*(\d+)x(\d+)/.exec(text);
  if (!kernel) return null;
  const stride = /stride (\d+)/.exec(text);
  const dilation = /dilation (\d+)/.exec(text);
  return { kernel: Number(kernel[1]), stride: stride ? Number(stride[1]) : 1, dilation: dilation ? Number(dilation[1]) : 1 };
}

/**
 * The layers with a grid (convolutions and pooling), each with its geometry: from the table,
 * size, rf, jump and start; from those and the previous grid's (k_eff, stride and padding, by
 * inverting the recurrences); kernel and dilation from /api/model's description when it agrees,
 * else kernel = k_eff, dilation 1. ReLU and the like keep their input's grid and are left out.
 * @param table   GET /api/receptive-field's table rows
 * @param modelLayers  GET /api/model's layers (name, description), optional
 * @param inputSize, inputChannels  the input's side and channels (GET /api/model's input_shape)
 */
export function gridLayers(table, modelLayers, inputSize, inputChannels = 1) {
  const described = new Map((modelLayers ?? []).map((l) => [l.name, l.description]));
  const layers = [];
  let previous = inputLayer(inputSize, inputChannels);
  for (const row of table) {
    if (!SPATIAL_TYPES.has(row.type) || !row.output_shape || row.output_shape.length !== 3) continue;
    const kEff = Math.round((row.rf - previous.rf) / previous.jump) + 1;
    const stride = Math.round(row.jump / previous.jump);
    const padding = Math.round((kEff - 1) / 2 - (row.start - previous.start) / previous.jump);
    const stated = parseDescription(described.get(row.name));
    const agrees = stated && stated.dilation * (stated.kernel - 1) + 1 === kEff && stated.stride === stride;
    const layer = {
      name: row.name,
      type: row.type,
      size: row.output_size,
      channels: row.output_shape[0],
      rf: row.rf,
      jump: row.jump,
      start: row.start,
      params: row.params,
      kernel: agrees ? stated.kernel : kEff,
      dilation: agrees ? stated.dilation : 1,
      kEff,
      stride,
      padding,
      previous,
    };
    layers.push(layer);
    previous = layer;
  }
  return layers;
}

/** How far (in input pixels) the widest box hangs over the image's border: the padding ring
 * to draw around the input so every box fits. */
export function paddingRing(layers, inputSize) {
  let ring = 0;
  for (const l of layers) {
    const half = (l.rf - 1) / 2;
    const lastCentre = l.start + (l.size - 1) * l.jump;
    ring = Math.max(ring, half - l.start, lastCentre + half - (inputSize - 1));
  }
  return Math.max(0, Math.ceil(ring));
}

/** The square every grid is drawn in: the input plus the ring, in edge coordinates. */
export function frameFor(layers, inputSize) {
  const ring = paddingRing(layers, inputSize);
  return { min: -ring, size: inputSize + 2 * ring, ring, inputSize };
}

/** Unit i of a layer (or pixel i of the input) along one axis -> [from, to) in edge coordinates. */
export function cellSpan(layer, i) {
  const centre = layer.start + i * layer.jump + 0.5;
  return [centre - layer.jump / 2, centre + layer.jump / 2];
}

/** Rows top..bottom and columns left..right (inclusive) of a layer -> a rectangle in edge
 * coordinates {left, top, width, height}. */
export function regionRect(layer, { top, bottom, left, right }) {
  const [y0] = cellSpan(layer, top);
  const [, y1] = cellSpan(layer, bottom);
  const [x0] = cellSpan(layer, left);
  const [, x1] = cellSpan(layer, right);
  return { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
}

/** The whole box of unit (y, x) in the input, not clipped at the border: pixel rows and columns. */
export function unitBox(layer, y, x) {
  const half = (layer.rf - 1) / 2;
  const cy = layer.start + y * layer.jump;
  const cx = layer.start + x * layer.jump;
  return { top: cy - half, bottom: cy + half, left: cx - half, right: cx + half, cy, cx };
}

/** A point in edge coordinates -> the unit of `layer` nearest to it (clamped to the grid). */
export function unitAt(layer, ex, ey) {
  const pick = (e) => Math.min(layer.size - 1, Math.max(0, Math.round((e - 0.5 - layer.start) / layer.jump)));
  return { y: pick(ey), x: pick(ex) };
}

/** A pointer over a frame drawn in `rect` (CSS pixels) -> edge coordinates. */
export function pointToEdge(clientX, clientY, rect, frame) {
  return {
    x: frame.min + ((clientX - rect.left) / rect.width) * frame.size,
    y: frame.min + ((clientY - rect.top) / rect.height) * frame.size,
  };
}

/**
 * How concentrated the effective field is: the share of its sensitivity (|gradient|, one value
 * per input pixel) inside the central square of the unit's box (half its side), against the share
 * of the box's pixels in the image that square holds (what an even spread would give it).
 * -> {share, side, total, centralPixels, boxPixels, areaShare, ratio, clipped}: `side` is the
 * central square's side, `centralPixels` and `boxPixels` count only pixels inside the image,
 * `ratio` = share / areaShare (1: even; above 1: the middle counts more), `clipped` says the box
 * hangs over the border.
 */
export function centralShare(gradient, box) {
  const q = (box.bottom - box.top + 1) / 4;
  const central = (p, c) => Math.abs(p - c) <= q;
  const inBox = (p, lo, hi) => p >= lo && p <= hi;
  let total = 0;
  let inner = 0;
  let centralPixels = 0;
  let boxPixels = 0;
  gradient.forEach((row, y) => row.forEach((g, x) => {
    total += g;
    const inCentre = central(y, box.cy) && central(x, box.cx);
    if (inCentre) inner += g;
    if (inBox(y, box.top, box.bottom) && inBox(x, box.left, box.right)) {
      boxPixels += 1;
      if (inCentre) centralPixels += 1;
    }
  }));
  let side = 0;
  for (let p = Math.floor(box.cx - q); p <= Math.ceil(box.cx + q); p += 1) if (central(p, box.cx)) side += 1;
  const share = total > 0 ? inner / total : 0;
  const areaShare = boxPixels > 0 ? centralPixels / boxPixels : 0;
  const fullBox = (box.bottom - box.top + 1) * (box.right - box.left + 1);
  return { share, side, total, centralPixels, boxPixels, areaShare, ratio: areaShare > 0 ? share / areaShare : 0,
    clipped: boxPixels < fullBox };
}

/**
 * The recurrences for one layer, numbers filled in: [{name, formula}] for k_eff, r, j, start,
 * and (given a unit) where that unit's box lies. `layer` is a gridLayers() entry (or a stack
 * row with kernel, dilation, stride, padding and previous {rf, jump, start}).
 */
export function recurrenceLines(layer, unit = null) {
  const p = layer.previous;
  const k = layer.kernel;
  const d = layer.dilation;
  const kEff = d * (k - 1) + 1;
  const r = p.rf + (kEff - 1) * p.jump;
  const j = p.jump * layer.stride;
  const start = p.start + ((kEff - 1) / 2 - layer.padding) * p.jump;
  const lines = [
    { name: "k_eff", symbol: "k_eff = d(k \u2212 1) + 1", formula: withNumbers`${d}${CDOT}(${k} \u2212 1) + 1 = ${kEff}` },
    { name: "rf", symbol: "r = r_in + (k_eff \u2212 1)\u00b7j_in", formula: withNumbers`${p.rf} + ${kEff - 1}${CDOT}${p.jump} = ${r}` },
    { name: "jump", symbol: "j = j_in\u00b7s", formula: withNumbers`${p.jump}${CDOT}${layer.stride} = ${j}` },
    {
      name: "start",
      symbol: "start = start_in + ((k_eff \u2212 1)/2 \u2212 p)\u00b7j_in",
      formula: withNumbers`${p.start} + (${(kEff - 1) / 2} \u2212 ${layer.padding})${CDOT}${p.jump} = ${start}`,
    },
  ];
  if (unit) {
    const half = (r - 1) / 2;
    const cx = start + unit.x * j;
    const cy = start + unit.y * j;
    lines.push({
      name: "centre",
      symbol: "centre = start + i\u00b7j",
      formula: withNumbers`x: ${start} + ${unit.x}${CDOT}${j} = ${cx}, y: ${start} + ${unit.y}${CDOT}${j} = ${cy}`,
    });
    lines.push({
      name: "box",
      symbol: "box = centre \u00b1 (r \u2212 1)/2",
      formula: withNumbers`columns ${cx} \u00b1 ${half} = ${cx - half} \u2026 ${cx + half}, `
        + withNumbers`rows ${cy} \u00b1 ${half} = ${cy - half} \u2026 ${cy + half}`,
    });
  }
  return lines;
}

/** A formula with its numbers filled in, each printed by formatNumber (strings pass as they are):
 * withNumbers`${4.5} + ${0.5}` -> "4.5 + 0.5". */
function withNumbers(strings, ...values) {
  return strings.reduce((text, part, i) => {
    const value = values[i - 1];
    return text + (typeof value === "number" ? formatNumber(value) : value) + part;
  });
}

/** "Conv2d 5×5, stride 1, padding 2" from a layer's geometry. */
export function geometryText(layer) {
  const parts = [`${layer.kernel}${TIMES}${layer.kernel}`];
  if (layer.stride !== 1) parts.push(`stride ${layer.stride}`);
  parts.push(`padding ${layer.padding}`);
  if (layer.dilation !== 1) parts.push(`dilation ${layer.dilation}`);
  return parts.join(", ");
}

/** [16, 5, 5] -> "16 × 5 × 5". */
export function shapeText(shape) {
  return (shape ?? []).join(` ${TIMES} `);
}

/** What the output size formula gives: ⌊(n + 2p − k_eff)/s⌋ + 1, as text. */
export function sizeLine(layer) {
  const p = layer.previous;
  const kEff = layer.dilation * (layer.kernel - 1) + 1;
  const n = Math.floor((p.size + 2 * layer.padding - kEff) / layer.stride) + 1;
  const inner = `${p.size} + 2${CDOT}${layer.padding} \u2212 ${kEff}`;
  return { name: "size", symbol: "n = \u230a(n_in + 2p \u2212 k_eff)/s\u230b + 1",
    formula: `\u230a(${inner})/${layer.stride}\u230b + 1 = ${n}` };
}
