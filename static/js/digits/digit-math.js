// The digit page's pure part: stroke geometry, the colour maps of feature maps, the numbers and
// sentences the page prints, and the drawing kept in sessionStorage between pages. No DOM access
// here (no document, no canvas), so each function can be tried on its own.

import { divergingColor } from "../shared/heatmap.js";
import { MINUS, TIMES, formatInteger } from "../shared/numbers.js";

export { MINUS, TIMES, divergingColor, formatInteger };

/** Strokes are kept in a 280 x 280 "logical" square whatever size the canvas is shown at. */
export const LOGICAL_SIZE = 280;
export const STROKE_WIDTHS = { min: 8, max: 48, step: 2, initial: 22 };
export const STORAGE_KEY = "convscope:last-digit";
export const SIDE = 28;

// ------------------------------------------------------------------------------------- strokes

/** A pointer position over an element drawn in `rect` (CSS pixels) -> logical coordinates. */
export function pointToLogical(clientX, clientY, rect, size = LOGICAL_SIZE) {
  return {
    x: round2(((clientX - rect.left) / rect.width) * size),
    y: round2(((clientY - rect.top) / rect.height) * size),
  };
}

function round2(v) {
  return Math.round(v * 100) / 100;
}

/** Add a point to a stroke unless it is within `minStep` of the last one (a still pen). */
export function addPoint(points, point, minStep = 0.75) {
  const last = points[points.length - 1];
  if (last && Math.hypot(point.x - last.x, point.y - last.y) < minStep) return false;
  points.push(point);
  return true;
}

/**
 * A stroke's points -> path commands for a smooth line: quadratic curves through the midpoints
 * of successive points (the points themselves are the control points), so fast strokes with
 * few samples still look round. One point is a dot.
 * @returns {Array<["dot", number, number] | ["M" | "L", number, number] | ["Q", number, number, number, number]>}
 */
export function strokePath(points) {
  if (points.length === 0) return [];
  if (points.length === 1) return [["dot", points[0].x, points[0].y]];
  if (points.length === 2) return [["M", points[0].x, points[0].y], ["L", points[1].x, points[1].y]];
  const path = [["M", points[0].x, points[0].y]];
  for (let i = 1; i < points.length - 1; i += 1) {
    const p = points[i];
    const q = points[i + 1];
    path.push(["Q", p.x, p.y, (p.x + q.x) / 2, (p.y + q.y) / 2]);
  }
  const last = points[points.length - 1];
  path.push(["L", last.x, last.y]);
  return path;
}

export function isEmptyDrawing(strokes) {
  return !strokes || !strokes.some((s) => s.points.length > 0);
}

// ------------------------------------------------------------------------------ storage record

/** What /digits keeps in sessionStorage (and /receptive-field reads): the strokes, so coming back
 * shows the same drawing, and the 28 x 28 image the network saw, once it has answered. */
export function encodeDrawing({ strokes, input = null, digit = null }) {
  return JSON.stringify({ v: 1, strokes, input, digit });
}

/** The stored text -> {strokes, input, digit}, or null when absent or not a valid record. */
export function decodeDrawing(text) {
  if (typeof text !== "string" || !text) return null;
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!data || data.v !== 1 || !Array.isArray(data.strokes)) return null;
  const strokes = data.strokes.filter((s) => s && Number.isFinite(s.width) && Array.isArray(s.points)
    && s.points.every((p) => p && Number.isFinite(p.x) && Number.isFinite(p.y)));
  const input = isDigitImage(data.input) ? data.input : null;
  const digit = Number.isInteger(data.digit) ? data.digit : null;
  return { strokes, input, digit };
}

/** 28 rows of 28 finite numbers in 0..255. */
export function isDigitImage(pixels) {
  return Array.isArray(pixels) && pixels.length === SIDE && pixels.every(
    (row) => Array.isArray(row) && row.length === SIDE && row.every((v) => Number.isFinite(v) && v >= 0 && v <= 255));
}

// ------------------------------------------------------------------------------ the prediction

/** 0.98213 -> "98.2%"; tiny but non-zero values say so rather than round to a misleading 0. */
export function formatPercent(p) {
  if (!Number.isFinite(p)) return "\u2013";
  const pct = p * 100;
  if (pct === 0) return "0%";
  if (pct < 0.1) return "<0.1%";
  if (pct > 99.9 && pct < 100) return ">99.9%";
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(1).replace(/\.0$/, "")}%`;
}

/** The two most likely digits, as the API orders them (ties: the smaller digit first). */
export function topTwo(probabilities) {
  const order = probabilities.map((p, d) => [p, d]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return { digit: order[0][1], runnerUp: order[1][1] };
}

/** How sure the network is, in words, from the top probability. */
export function confidenceWords(p) {
  if (p >= 0.95) return "Sure";
  if (p >= 0.75) return "Fairly sure";
  if (p >= 0.5) return "Leaning";
  return "Unsure";
}

/** "pretrained" or "run:<id>" -> how the page names the weights that answered. */
export function modelLabel(source, architecture = "lenet5") {
  const name = architecture === "lenet5" ? "LeNet-5" : architecture === "mlp" ? "the MLP" : architecture;
  if (source === "pretrained") return { kind: "pretrained", text: `the pretrained ${name}` };
  const match = /^run:(.+)$/.exec(String(source ?? ""));
  if (match) return { kind: "run", run: match[1], text: `${name} from training run ${match[1]}` };
  return { kind: "other", text: String(source ?? "an unknown model") };
}

/** Ink bounding box and centre of mass of a 28 x 28 image (white ink on black), in pixels;
 * null for an empty image. The MNIST recipe puts the centre of mass at (14, 14). */
export function inkGeometry(pixels, threshold = 0.1 * 255) {
  let top = Infinity;
  let bottom = -Infinity;
  let left = Infinity;
  let right = -Infinity;
  let mass = 0;
  let my = 0;
  let mx = 0;
  pixels.forEach((row, y) => row.forEach((v, x) => {
    mass += v;
    my += v * y;
    mx += v * x;
    if (v > threshold) {
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }));
  if (mass === 0 || top === Infinity) return null;
  return { top, bottom, left, right, cy: my / mass, cx: mx / mass };
}

// ------------------------------------------------------------------------------- colour maps
// Diverging (shared/heatmap.js): red below zero, white at zero, blue above.

/** The largest |value| in nested arrays (1 when all are 0, so nothing divides by 0). */
export function maxAbs(values) {
  let m = 0;
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  };
  walk(values);
  return m || 1;
}

/** Rows of values -> RGBA bytes (for ImageData), each value / scale through the diverging map. */
export function valuesToRgba(rows, scale) {
  const h = rows.length;
  const w = h ? rows[0].length : 0;
  const out = new Uint8ClampedArray(w * h * 4);
  rows.forEach((row, y) => row.forEach((v, x) => {
    const [r, g, b] = divergingColor(v / scale);
    const i = (y * w + x) * 4;
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
    out[i + 3] = 255;
  }));
  return out;
}

/** A 28 x 28 image (0..255 ink) -> RGBA bytes, white ink on black as the network sees it. */
export function digitToRgba(pixels) {
  const h = pixels.length;
  const w = h ? pixels[0].length : 0;
  const out = new Uint8ClampedArray(w * h * 4);
  pixels.forEach((row, y) => row.forEach((v, x) => {
    const level = Math.max(0, Math.min(255, Math.round(v)));
    out.set([level, level, level, 255], (y * w + x) * 4);
  }));
  return out;
}

// --------------------------------------------------------------------------------- the layers

/** Readable number: up to `decimals` places, trailing zeros dropped, typographic minus. Unlike
 * shared/numbers.js formatNumber it prints 1e21 and beyond as "1e+21"; /receptive-field prints its
 * numbers with this one too. */
export function formatNumber(value, decimals = 3) {
  if (!Number.isFinite(value)) return String(value);
  let rounded = Number(value.toFixed(decimals));
  if (Object.is(rounded, -0)) rounded = 0;
  const text = String(rounded);
  return rounded < 0 ? MINUS + text.slice(1) : text;
}

/** /api/model's plain-text description, typeset: "6@5x5" -> "6@5×5", "400 -> 120" -> "400 → 120". */
export function prettyDescription(text) {
  return String(text ?? "").replace(/(\d)x(\d)/g, `$1${TIMES}$2`).replace(/\s*->\s*/g, " \u2192 ");
}

/** [6, 28, 28] -> "6 maps of 28 × 28"; [120] -> "120 numbers". */
export function shapeText(shape) {
  if (shape.length === 3) return `${shape[0]} ${shape[0] === 1 ? "map" : "maps"} of ${shape[1]} ${TIMES} ${shape[2]}`;
  if (shape.length === 1) return `${formatInteger(shape[0])} numbers`;
  return shape.join(` ${TIMES} `);
}

/**
 * One sentence on what a layer did, from its type, its shape, the previous layer's shape and
 * /api/model's description of it (e.g. "6@5x5, padding 2, no bias").
 */
export function layerSentence(layer, previous, info) {
  const type = info?.type ?? "";
  const description = info?.description ?? "";
  const shape = layer.shape;
  const kernel = /(\d+)x(\d+)/.exec(description);
  const k = kernel ? `${kernel[1]} ${TIMES} ${kernel[2]}` : "";
  if (type === "Conv2d") {
    const inMaps = previous ? previous.shape[0] : 1;
    return `${shape[0]} filters of ${k || "a few pixels"}, each over all ${inMaps === 1 ? "of the image" : `${inMaps} maps below`}, `
      + `slide across: one map per filter. Blue is a strong positive response, red negative.`;
  }
  if (type === "ReLU") return "Negative values become 0 (ReLU); the positive ones pass unchanged.";
  if (type === "Tanh") return "Each value squashed into \u22121..1 by tanh.";
  if (type === "MaxPool2d") return `The largest value of each ${k || "small"} block: half the size, and a little shift no longer matters.`;
  if (type === "AvgPool2d") return `The average of each ${k || "small"} block: half the size.`;
  if (type === "Flatten") return `The ${previous ? shapeText(previous.shape) : "maps"} laid end to end: ${formatInteger(shape[0])} numbers.`;
  if (type === "Linear") {
    const n = previous ? previous.shape.reduce((a, b) => a * b, 1) : "";
    return shape[0] === 10
      ? `10 scores, one per digit, each a weighted sum of the ${n} numbers before; softmax turns them into the probabilities above.`
      : `${shape[0]} weighted sums of the ${n} numbers before.`;
  }
  return "";
}
