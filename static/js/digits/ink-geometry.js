// Where the ink is in the 28 x 28 image the network saw, and what the page says about it: the
// ink box (against the recipe's longer side) and the centre of mass (against the field's
// centre, where the recipe puts it). No DOM access.

import { TIMES, formatNumber } from "../shared/numbers.js";

/** Pixels with less ink than this share of full strength are not counted in the ink box. */
export const INK_BOX_THRESHOLD = 0.1;

/** Ink bounding box and centre of mass of an image (white ink on black, 0..255), in pixels;
 * null for an empty image. */
export function inkGeometry(pixels, threshold = INK_BOX_THRESHOLD * 255) {
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

function signed(v) {
  const text = formatNumber(v, 1);
  return v > 0 && text !== "0" ? `+${text}` : text;
}

/**
 * One sentence on the prepared image, from its geometry and the recipe's numbers (`box`: the
 * longer side it scales the ink to; `field`: the side of the image, whose centre, field / 2 in
 * pixel coordinates, is where it puts the centre of mass, to the nearest whole pixel).
 */
export function inkNote(geometry, { box, field }) {
  if (!geometry) return "";
  const { top, bottom, left, right, cx, cy } = geometry;
  const width = right - left + 1;
  const height = bottom - top + 1;
  const longer = Math.max(width, height);
  const size = `Ink box ${width} ${TIMES} ${height} px`;
  const boxText = longer === box
    ? `${size} (longer side ${box}, as the recipe scales it)`
    : `${size} (the recipe scales the longer side to ${box} px; pixels under `
      + `${formatNumber(INK_BOX_THRESHOLD * 100, 1)}% ink, as at its faint edges, are not counted here)`;
  const centre = field / 2;
  const dx = cx - centre;
  const dy = cy - centre;
  const at = `centre of mass (+) at x ${formatNumber(cx, 1)}, y ${formatNumber(cy, 1)}`;
  const massText = Math.max(Math.abs(dx), Math.abs(dy)) <= 0.5
    ? `${at}, within half a pixel of the centre (${centre}, ${centre}).`
    : `${at}, off the centre (${centre}, ${centre}) by x ${signed(dx)}, y ${signed(dy)} px.`;
  return `${boxText}; ${massText}`;
}
