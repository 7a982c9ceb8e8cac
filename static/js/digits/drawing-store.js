// The last drawing, kept in sessionStorage between pages: /digits writes it (the strokes, so
// coming back shows the same drawing, and the image the network saw, once it has answered);
// /receptive-field reads it, and writes what is drawn there.

import { isEmptyDrawing } from "./strokes.js";

export const STORAGE_KEY = "convscope:last-digit";

/** The record as stored. */
export function encodeDrawing({ strokes, input = null, digit = null }) {
  return JSON.stringify({ v: 1, strokes, input, digit });
}

/** The stored text -> {strokes, input, digit}, or null when absent or not a valid record. `input`
 * is kept only when it is a `side` x `side` image (the field the server prepares drawings in). */
export function decodeDrawing(text, side) {
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
  const input = isDigitImage(data.input, side) ? data.input : null;
  const digit = Number.isInteger(data.digit) ? data.digit : null;
  return { strokes, input, digit };
}

/** `side` rows of `side` finite numbers in 0..255. */
export function isDigitImage(pixels, side) {
  return Array.isArray(pixels) && pixels.length === side && pixels.every(
    (row) => Array.isArray(row) && row.length === side && row.every((v) => Number.isFinite(v) && v >= 0 && v <= 255));
}

function sessionStore() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled
  }
}

/** The stored drawing (see decodeDrawing), or null. */
export function readStoredDrawing(side) {
  try {
    return decodeDrawing(sessionStore()?.getItem(STORAGE_KEY), side);
  } catch {
    return null;
  }
}

/** Keep `record` ({strokes, input, digit}); an empty drawing removes what was kept. */
export function writeStoredDrawing(record) {
  const store = sessionStore();
  try {
    if (isEmptyDrawing(record.strokes)) store?.removeItem(STORAGE_KEY);
    else store?.setItem(STORAGE_KEY, encodeDrawing(record));
  } catch {
    // full or disabled: the pages work without it
  }
}
