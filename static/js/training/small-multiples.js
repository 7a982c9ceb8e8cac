// Small multiples on a canvas: kernels, feature maps, vectors as strips, and digits. Each value
// becomes a square block of pixels; tiles get a thin frame so a white (zero) tile still shows its
// edge. A single picture (a digit) goes through the shared heat-map drawer. The canvas is sized
// in CSS pixels and scaled down by CSS on narrow screens (image-rendering: pixelated keeps the
// blocks sharp).

import { drawHeatmap, paperColor } from "../shared/heatmap.js";
import { sizeOf } from "./byte-codes.js";
import { INK_STRENGTH, KERNEL_TABLE, activationTable, cssColour, paint } from "./colour-tables.js";
import { kernelLayout, kernelTile } from "./kernel-layout.js";

const FRAME = [207, 213, 226, 255];

/** A vector of ``n`` values as a strip, wrapped into rows of at most ``maxCols``. */
export function stripLayout(n, maxCols = 128) {
  const rows = Math.max(1, Math.ceil(n / maxCols));
  const cols = Math.ceil(n / rows);
  return { rows, cols };
}

/** Pixels per value so a map of ``side`` values is about ``target`` pixels wide (at least 1). */
export function pixelScale(side, target) {
  return Math.max(1, Math.round(target / Math.max(1, side)));
}

/** Copies ``rgba`` (h x w pixels) into ``out`` (an image ``width`` wide) at left, top, each pixel
 * a ``scale`` x ``scale`` block. */
function blit(out, width, rgba, { h, w, left, top, scale }) {
  for (let y = 0; y < h * scale; y += 1) {
    const source = Math.floor(y / scale) * w * 4;
    const row = ((top + y) * width + left) * 4;
    for (let x = 0; x < w * scale; x += 1) {
      const from = source + Math.floor(x / scale) * 4;
      const to = row + x * 4;
      for (let k = 0; k < 4; k += 1) out[to + k] = rgba[from + k];
    }
  }
}

/**
 * Draws ``tiles`` (arrays of codes, each ``h`` x ``w``) in a grid of ``cols`` columns.
 * @param {HTMLCanvasElement} canvas
 * @param {{tiles: Uint8Array[], h: number, w: number, cols: number, scale: number, gap?: number,
 *          table: Uint8ClampedArray}} spec
 */
export function drawTiles(canvas, { tiles, h, w, cols, scale, gap = 3, table }) {
  const rows = Math.ceil(tiles.length / cols);
  const tileW = w * scale + 2;
  const tileH = h * scale + 2;
  const width = Math.max(1, cols * tileW + (cols - 1) * gap);
  const height = Math.max(1, rows * tileH + (rows - 1) * gap);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  const rgba = new Uint8ClampedArray(h * w * 4);
  tiles.forEach((codes, index) => {
    const left = (index % cols) * (tileW + gap);
    const top = Math.floor(index / cols) * (tileH + gap);
    for (let y = top; y < top + tileH; y += 1) {
      for (let x = left; x < left + tileW; x += 1) image.data.set(FRAME, (y * width + x) * 4);
    }
    blit(image.data, width, paint(rgba, codes, table), { h, w, left: left + 1, top: top + 1, scale });
  });
  context.putImageData(image, 0, 0);
  return { width, height, rows, cols, h, w, scale, gap, tileW, tileH, count: tiles.length };
}

/** Where drawTiles put cell (row, col) of tile `tile`, and the `rows` x `cols` cells from it, in
 * canvas pixels: {left, top, width, height} (the layout is what drawTiles returned). */
export function tileRect(layout, tile, row, col, rows = 1, cols = 1) {
  const { scale, gap, tileW, tileH } = layout;
  const left = (tile % layout.cols) * (tileW + gap) + 1 + col * scale;
  const top = Math.floor(tile / layout.cols) * (tileH + gap) + 1 + row * scale;
  return { left, top, width: cols * scale, height: rows * scale };
}

/** The [tile, row, col] under canvas pixel (x, y), or null on a frame, in a gap or off the tiles. */
export function tileCellAt(layout, x, y) {
  const { scale, gap, tileW, tileH, h, w } = layout;
  const across = Math.floor(x / (tileW + gap));
  const down = Math.floor(y / (tileH + gap));
  const tile = down * layout.cols + across;
  const col = Math.floor((x - across * (tileW + gap) - 1) / scale);
  const row = Math.floor((y - down * (tileH + gap) - 1) / scale);
  const inside = across >= 0 && across < layout.cols && tile >= 0 && tile < layout.count;
  return inside && row >= 0 && row < h && col >= 0 && col < w ? [tile, row, col] : null;
}

/** Splits ``bytes`` into ``count`` consecutive tiles of ``size`` values. */
export function splitTiles(bytes, count, size) {
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/**
 * Kernels (out, in, kh, kw) around 128, laid out for `width` CSS px by kernel-layout.js (columns
 * the output channels, rows the input channels, wrapped into numbered bands). `codes` are the
 * bytes to paint (default the layer's own; the fixed colour scale passes re-coded ones). Returns
 * the layout, for finding a weight under the pointer.
 */
export function drawKernels(canvas, layer, { width = 320, codes = layer.bytes } = {}) {
  const layout = kernelLayout(layer.shape, width);
  const { out, inputs, kh, kw, scale, tileW, tileH } = layout;
  if (canvas.width !== layout.width) canvas.width = layout.width;
  if (canvas.height !== layout.height) canvas.height = layout.height;
  const context = canvas.getContext("2d");
  const image = context.createImageData(layout.width, layout.height);
  const rgba = new Uint8ClampedArray(kh * kw * 4);
  const size = kh * kw;
  for (let o = 0; o < out; o += 1) {
    for (let i = 0; i < inputs; i += 1) {
      const { left, top } = kernelTile(layout, o, i);
      for (let y = top; y < top + tileH; y += 1) {
        for (let x = left; x < left + tileW; x += 1) image.data.set(FRAME, (y * layout.width + x) * 4);
      }
      const tile = codes.subarray((o * inputs + i) * size, (o * inputs + i + 1) * size);
      blit(image.data, layout.width, paint(rgba, tile, KERNEL_TABLE), { h: kh, w: kw, left: left + 1, top: top + 1, scale });
    }
  }
  context.putImageData(image, 0, 0);
  labelKernels(context, layout, getComputedStyle(canvas));
  return layout;
}

/** The output channel's number over each column of each band, the input channel's before each row. */
function labelKernels(context, layout, style) {
  if (!layout.labelH) return;
  context.fillStyle = style.color || "#667";
  context.font = `10px ${style.fontFamily || "sans-serif"}`;
  context.textBaseline = "alphabetic";
  context.textAlign = "center";
  for (let o = 0; o < layout.out; o += 1) {
    const { left, top } = kernelTile(layout, o, 0);
    context.fillText(String(o), left + layout.tileW / 2, top - 3);
  }
  if (!layout.labelW) return;
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (let band = 0; band < layout.bands; band += 1) {
    for (let i = 0; i < layout.inputs; i += 1) {
      const { top } = kernelTile(layout, band * layout.cols, i);
      context.fillText(String(i), layout.labelW - 5, top + layout.tileH / 2);
    }
  }
}

/** Feature maps (C, H, W) over the layer's min..max, zero white, one tile per channel. */
export function drawMaps(canvas, layer, { target = 56, maxCols = 8 } = {}) {
  const [channels, h, w] = layer.shape;
  const tiles = splitTiles(layer.bytes, channels, h * w);
  return drawTiles(canvas, { tiles, h, w, cols: Math.min(channels, maxCols), scale: pixelScale(w, target), gap: 4,
    table: activationTable(layer.min, layer.max) });
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
  const table = activationTable(layer.min, layer.max);
  for (let i = 0; i < n; i += 1) {
    context.fillStyle = cssColour(table, layer.bytes[i]);
    context.fillRect((i % cols) * cell, Math.floor(i / cols) * (height + gap), cell - inner, height);
  }
  return { rows, cols, cell, height, gap, count: n };
}

/** Where drawStrip put value `index`, in canvas pixels (the layout is what drawStrip returned). */
export function stripRect(layout, index) {
  const { cols, cell, height, gap } = layout;
  return { left: (index % cols) * cell, top: Math.floor(index / cols) * (height + gap), width: cell, height };
}

/** The index of the value under canvas pixel (x, y), or null between rows or past the last. */
export function stripIndexAt(layout, x, y) {
  const { cols, cell, height, gap, count } = layout;
  const col = Math.floor(x / cell);
  const row = Math.floor(y / (height + gap));
  const index = row * cols + col;
  const onRow = y - row * (height + gap) < height;
  return x >= 0 && y >= 0 && col < cols && onRow && index < count ? index : null;
}

/** A square digit (0 paper .. 255 ink, ``side`` x ``side``) as dark ink on white. */
export function drawDigit(canvas, bytes, { scale = 2, side = Math.round(Math.sqrt(bytes.length)) } = {}) {
  const rows = Array.from({ length: side }, (_, y) => bytes.subarray(y * side, (y + 1) * side));
  return drawHeatmap(canvas, rows, { colour: (v) => paperColor(v, INK_STRENGTH), scale });
}
