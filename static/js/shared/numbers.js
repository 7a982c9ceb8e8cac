// Typed text to numbers and numbers to text, as the kernel playground, the lessons, the digits
// and the receptive-field pages print them. No DOM access.

export const MINUS = "\u2212";
export const TIMES = "\u00d7";

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Typed text -> number. Accepts "3", "-0.5", ".25", "1e-2", "1/9", a typographic minus, and ""
 * (which counts as 0, so clearing a cell never blocks the result).
 * @returns {{ok: true, value: number, empty: boolean} | {ok: false, error: string}} */
export function parseNumber(text) {
  const s = String(text ?? "").trim().replace(/[\u2212\u2012\u2013]/g, "-").replace(/,/g, ".").replace(/\s+/g, "");
  if (s === "") return { ok: true, value: 0, empty: true };
  const parts = s.split("/");
  if (parts.length > 2 || !parts.every((p) => PLAIN_NUMBER.test(p))) {
    return { ok: false, error: `\u201c${String(text).trim()}\u201d is not a number` };
  }
  const value = parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(parts[0]);
  if (!Number.isFinite(value)) {
    return { ok: false, error: `\u201c${String(text).trim()}\u201d is not a finite number` };
  }
  return { ok: true, value: Object.is(value, -0) ? 0 : value, empty: false };
}

/** Readable number: integers as they are, otherwise up to `decimals` places with trailing zeros
 * dropped; a typographic minus; never "-0"; 1e21 and beyond as "1.000e+21". */
export function formatNumber(value, decimals = 3) {
  if (!Number.isFinite(value)) return String(value);
  let rounded = Number(value.toFixed(decimals));
  if (rounded === 0) rounded = 0;
  const text = String(Math.abs(rounded) >= 1e21 ? rounded.toExponential(3) : rounded);
  return rounded < 0 ? MINUS + text.slice(1) : text;
}

/** An integer with thousands separators, as is: 61684 -> "61,684" (no rounding, hyphen-minus). */
export function formatInteger(n) {
  return Number(n).toLocaleString("en-US");
}
