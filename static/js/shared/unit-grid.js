// Picking one unit of a layer drawn on a canvas, shared by /digits' layer maps and /training's
// probe: which unit a key moves the pick to, a box over canvas pixels placed on the page, and
// what an explained unit reads in the layer below (to mark there). No fetching.
//
// A unit is [channel, row, column] in a layer of maps (shape [C, H, W]) and [index] in a vector,
// counted from 0 as PyTorch does.

import { el } from "./dom.js";

const STEPS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/**
 * The unit `key` picks, from `here` (the picked unit in this layer, or null) in a layer of `shape`:
 * an arrow moves one cell (inside the map; a vector is read as rows of `stripCols`), Home goes to
 * `start`, Enter or Space picks `here` (or `start`); an arrow with nothing picked picks `start`.
 * null for any other key.
 */
export function keyedUnit(key, here, start, shape, stripCols = 1) {
  if (!(key in STEPS) && !["Enter", " ", "Home"].includes(key)) return null;
  if (key === "Home" || !here) return start;
  if (!(key in STEPS)) return here;
  const [dy, dx] = STEPS[key];
  if (shape.length === 3) return [here[0], clamp(here[1] + dy, 0, shape[1] - 1), clamp(here[2] + dx, 0, shape[2] - 1)];
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = Math.ceil(size / stripCols);
  const row = clamp(Math.floor(here[0] / stripCols) + dy, 0, rows - 1);
  const col = clamp((here[0] % stripCols) + dx, 0, stripCols - 1);
  return [Math.min(size - 1, row * stripCols + col)];
}

/** A box over the canvas pixels `rect` ({left, top, width, height}), placed from the canvas's
 * shown size in its positioned parent (at least 3 px each way, so a cell of a wide strip shows). */
export function overlayBox(canvas, className, { left, top, width, height }) {
  const sx = canvas.clientWidth / canvas.width;
  const sy = canvas.clientHeight / canvas.height;
  const box = el("span", className);
  box.setAttribute("aria-hidden", "true");
  Object.assign(box.style, { left: `${canvas.offsetLeft + left * sx}px`, top: `${canvas.offsetTop + top * sy}px`,
    width: `${Math.max(width * sx, 3)}px`, height: `${Math.max(height * sy, 3)}px` });
  return box;
}

/** What an explained unit (a POST /api/digits/explain answer) reads, to mark in the layer below:
 * a conv's window over every channel, a pool's over its own (none over the drawing itself), a
 * linear unit's strongest inputs with the sign of each contribution. */
export function marksOf(answer) {
  const reads = answer.window_origin && answer.input_layer !== "input";
  return {
    window: reads ? { layer: answer.input_layer, origin: answer.window_origin, size: answer.window_size,
      channels: answer.kind === "Conv2d" ? null : [answer.unit[0]] } : null,
    inputs: answer.inputs?.length ? { layer: answer.input_layer, indices: answer.inputs.map((t) => t.index),
      signs: answer.inputs.map((t) => Math.sign(t.product)) } : null,
  };
}

/** The part of `window` (origin and size, in cells) inside an h x w map, or null if none is:
 * {top, left, rows, cols}. The part on the padding falls outside. */
export function windowInMap(window, h, w) {
  const top = Math.max(0, window.origin[0]);
  const left = Math.max(0, window.origin[1]);
  const rows = Math.min(h, window.origin[0] + window.size[0]) - top;
  const cols = Math.min(w, window.origin[1] + window.size[1]) - left;
  return rows > 0 && cols > 0 ? { top, left, rows, cols } : null;
}

/** "layer:unit", a key for caches of answers per unit. */
export function unitKey({ layer, unit }) {
  return `${layer}:${unit.join(",")}`;
}
