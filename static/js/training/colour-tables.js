// Colour tables for the byte codes the server sends: 256 colours, one per code, made from the
// shared colour maps (shared/heatmap.js), so a picture of thousands of values is painted by
// lookup. Kernels and feature maps are diverging (red below zero, white at zero, blue above); a
// digit is dark ink on white paper (drawn through shared/heatmap.js paperColor). No DOM access.

import { divergingColor } from "../shared/heatmap.js";
import { decodeLevel } from "./byte-codes.js";

/** 256 colours ([r, g, b] each, flat) for codes 0..255: `colour(code)` -> [r, g, b]. */
export function codeTable(colour) {
  const table = new Uint8ClampedArray(256 * 3);
  for (let code = 0; code < 256; code += 1) table.set(colour(code), code * 3);
  return table;
}

/** The table for kernel bytes: 128 is 0, 1 is -scale, 255 is +scale. */
export const KERNEL_TABLE = codeTable((code) => divergingColor((code - 128) / 127));

/** How dark the darkest ink of a digit is drawn (1: black; shared/heatmap.js paperColor), so
 * strokes stay soft. */
export const INK_STRENGTH = 0.92;

/** The table for a layer's maps (codes over min..max): zero white, signs as kernels. */
export function activationTable(min, max) {
  const extent = Math.max(Math.abs(min), Math.abs(max)) || 1;
  return codeTable((code) => divergingColor(decodeLevel(code, min, max) / extent));
}

/** The colour of one code in a table, as CSS. */
export function cssColour(table, code) {
  const c = code * 3;
  return `rgb(${table[c]}, ${table[c + 1]}, ${table[c + 2]})`;
}

/** Fills ``rgba`` (length 4 * codes.length) from codes through a table. */
export function paint(rgba, codes, table) {
  for (let i = 0; i < codes.length; i += 1) {
    rgba.set(table.subarray(codes[i] * 3, codes[i] * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
