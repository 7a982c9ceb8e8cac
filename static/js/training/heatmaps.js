// Drawing small multiples on a canvas: kernels, feature maps, vectors as strips, and digits.
// Each value becomes a square block of pixels; tiles get a thin frame so a white (zero) tile
// still shows its edge. The canvas is sized in CSS pixels and scaled down by CSS on narrow
// screens (image-rendering: pixelated keeps the blocks sharp).

import { KERNEL_LUT, activationLut, inkLevel, paint, pixelScale, sizeOf, stripLayout } from "./training-math.js";

const FRAME = [207, 213, 226, 255];

/**
 * Draws ``tiles`` (arrays of codes, each ``h`` x ``w``) in a grid of ``cols`` columns.
 * @param {HTMLCanvasElement} canvas
 * @param {{tiles: Uint8Array[], h: number, w: number, cols: number, scale: number, gap?: number,
 *          table: Uint8ClampedArray | ((index: number) => Uint8ClampedArray)}} spec
 */
export function drawTiles(canvas, { tiles, h, w, cols, scale, gap = 3, table, frame = true }) {
  const rows = Math.ceil(tiles.length / cols);
  const border = frame ? 1 : 0;
  const tileW = w * scale + 2 * border;
  const tileH = h * scale + 2 * border;
  const width = Math.max(1, cols * tileW + (cols - 1) * gap);
  const height = Math.max(1, rows * tileH + (rows - 1) * gap);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  const out = image.data;
  const rgba = new Uint8ClampedArray(h * w * 4);
  tiles.forEach((codes, index) => {
    const left = (index % cols) * (tileW + gap);
    const top = Math.floor(index / cols) * (tileH + gap);
    if (border) {
      for (let y = top; y < top + tileH; y += 1) {
        for (let x = left; x < left + tileW; x += 1) out.set(FRAME, (y * width + x) * 4);
      }
    }
    paint(rgba, codes, typeof table === "function" ? table(index) : table);
    for (let y = 0; y < h * scale; y += 1) {
      const sy = Math.floor(y / scale);
      const row = ((top + border + y) * width + left + border) * 4;
      for (let x = 0; x < w * scale; x += 1) {
        const source = (sy * w + Math.floor(x / scale)) * 4;
        out[row + x * 4] = rgba[source];
        out[row + x * 4 + 1] = rgba[source + 1];
        out[row + x * 4 + 2] = rgba[source + 2];
        out[row + x * 4 + 3] = 255;
      }
    }
  });
  context.putImageData(image, 0, 0);
  return { width, height, rows, cols };
}

/** Splits ``bytes`` into ``count`` consecutive tiles of ``size`` values. */
export function splitTiles(bytes, count, size) {
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/**
 * Kernels (out, in, kh, kw) around 128. Columns are the output channels, rows the input
 * channels, so conv2's 16 filters of 6 slices read as 16 columns; single-slice kernels wider
 * than ``maxCols`` wrap.
 */
export function drawKernels(canvas, layer, { target = 40, maxCols = 16 } = {}) {
  const [out, inputs, kh, kw] = layer.shape;
  const size = kh * kw;
  const tiles = [];
  for (let i = 0; i < inputs; i += 1) {
    for (let o = 0; o < out; o += 1) tiles.push(layer.bytes.subarray((o * inputs + i) * size, (o * inputs + i + 1) * size));
  }
  const cols = inputs === 1 ? Math.min(out, maxCols) : out;
  return drawTiles(canvas, { tiles, h: kh, w: kw, cols, scale: pixelScale(kw, target), gap: inputs === 1 ? 6 : 3,
    table: KERNEL_LUT });
}

/** Feature maps (C, H, W) over the layer's min..max, zero white, one tile per channel. */
export function drawMaps(canvas, layer, { target = 56, maxCols = 8 } = {}) {
  const [channels, h, w] = layer.shape;
  const tiles = splitTiles(layer.bytes, channels, h * w);
  return drawTiles(canvas, { tiles, h, w, cols: Math.min(channels, maxCols), scale: pixelScale(w, target), gap: 4,
    table: activationLut(layer.min, layer.max) });
}

/** A vector (D,) as a strip of cells, wrapped into rows; ``width`` is the strip's target width. */
export function drawStrip(canvas, layer, { width = 360, maxCols = 128, cellHeight = 10 } = {}) {
  const n = sizeOf(layer.shape);
  const { rows, cols } = stripLayout(n, maxCols);
  const cell = Math.max(2, Math.min(28, Math.floor(width / cols)));
  const height = Math.max(cellHeight, Math.round(cell * 0.6));
  const gap = 2;
  const inner = cell >= 8 ? 1 : 0; // a hairline between wide cells
  canvas.width = cols * cell;
  canvas.height = rows * height + (rows - 1) * gap;
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const table = activationLut(layer.min, layer.max);
  for (let i = 0; i < n; i += 1) {
    const c = layer.bytes[i] * 3;
    context.fillStyle = `rgb(${table[c]}, ${table[c + 1]}, ${table[c + 2]})`;
    context.fillRect((i % cols) * cell, Math.floor(i / cols) * (height + gap), cell - inner, height);
  }
  return { rows, cols, cell };
}

/** A 28x28 digit (0 paper .. 255 ink) as dark ink on white. */
export function drawDigit(canvas, bytes, { scale = 2, side = 28 } = {}) {
  const grey = new Uint8ClampedArray(256 * 3);
  for (let v = 0; v < 256; v += 1) grey.fill(inkLevel(v), v * 3, v * 3 + 3);
  return drawTiles(canvas, { tiles: [bytes], h: side, w: side, cols: 1, scale, gap: 0, table: grey, frame: false });
}
