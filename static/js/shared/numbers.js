// Typed text to numbers and numbers to text, for every page. No DOM access.
//
// Two ways to print a number, named for what they keep:
//   formatNumber(v, decimals)     at most `decimals` places, trailing zeros dropped ("0.125", "3")
//   formatSignificant(v, digits)  `digits` significant figures, e-notation when tiny ("2e−7")
// and one for each kind of quantity: formatInteger (61,684), formatPercent (a fraction as a
// percentage), formatProbability (a softmax output: never "100%" or "0%", see below), formatRatio.

export const MINUS = "\u2212";
export const TIMES = "\u00d7";
export const DASH = "\u2014";

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

/** Rows of typed texts -> {values, errors}; values is null when any cell is invalid. `label(r, c)`
 * names a cell in the messages ("x₃", "Row 1, column 3"); errors are [{row, col, message}]. */
export function parseCells(cells, label = (r, c) => `Row ${r + 1}, column ${c + 1}`) {
  const errors = [];
  const values = cells.map((row, r) => row.map((text, c) => {
    const parsed = parseNumber(text);
    if (parsed.ok) return parsed.value;
    errors.push({ row: r, col: c, message: `${label(r, c)}: ${parsed.error}.` });
    return 0;
  }));
  return { values: errors.length ? null : values, errors };
}

/** Readable number: integers as they are, otherwise up to `decimals` places with trailing zeros
 * dropped; a typographic minus; never "-0"; 1e21 and beyond as "1.000e+21"; a dash if not finite. */
export function formatNumber(value, decimals = 3) {
  if (!Number.isFinite(value)) return DASH;
  let rounded = Number(value.toFixed(decimals));
  if (rounded === 0) rounded = 0;
  const text = String(Math.abs(rounded) >= 1e21 ? rounded.toExponential(3) : rounded);
  return rounded < 0 ? MINUS + text.slice(1) : text;
}

/** `digits` significant figures: 0.0123456 -> "0.0123"; e-notation below 1e-3 and from 1e5
 * ("2e−7"); a typographic minus; a dash if not finite. */
export function formatSignificant(value, digits = 3) {
  if (!Number.isFinite(value)) return DASH;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs >= 1e-3 && abs < 1e5) text = String(Number(value.toPrecision(digits)));
  else {
    const [mantissa, exponent] = value.toExponential(digits - 1).split("e");
    text = `${Number(mantissa)}e${Number(exponent)}`;
  }
  return text.replace(/-/g, MINUS);
}

/** An integer with thousands separators: 61684 -> "61,684", -3 -> "−3"; a dash if not finite. */
export function formatInteger(n) {
  const value = Number(n);
  if (!Number.isFinite(value)) return DASH;
  return Math.round(value).toLocaleString("en-US").replace("-", MINUS);
}

/** A fraction as a percentage with up to `decimals` places: 0.0065 -> "0.65%", 1 -> "100%". */
export function formatPercent(fraction, decimals = 2) {
  return Number.isFinite(fraction) ? `${formatNumber(fraction * 100, decimals)}%` : DASH;
}

/** A probability from a softmax, to one decimal place. A softmax is never exactly 0 or 1, so the
 * ends are always "<0.1%" and ">99.9%", even when float rounding reached 0 or 1: the same
 * drawing never flips between "100%" and ">99.9%", and a runner-up never reads "0%". */
export function formatProbability(p) {
  if (!Number.isFinite(p)) return DASH;
  const pct = p * 100;
  if (pct < 0.05) return "<0.1%";
  if (pct >= 99.95) return ">99.9%";
  return `${formatNumber(pct, 1)}%`;
}

/** A ratio with `decimals` places and the times sign: 4.0703 -> "4.07×". */
export function formatRatio(value, decimals = 2) {
  return Number.isFinite(value) ? `${formatNumber(value, decimals)}${TIMES}` : DASH;
}

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075",
  6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

/** Digits (and a minus) as superscripts: 10 -> "¹⁰", -4 -> "⁻⁴". */
export function superscript(value) {
  return String(value).split("").map((ch) => SUPERSCRIPT[ch] ?? ch).join("");
}

/** A tiny number in scientific notation: 1.1357e-10 -> "1.1 × 10⁻¹⁰"; 0 -> "0". */
export function formatScientific(value, digits = 2) {
  if (value === 0) return "0";
  if (!Number.isFinite(value)) return DASH;
  const [mantissa, exponent] = value.toExponential(digits - 1).split("e");
  const exp = superscript(Number(exponent));
  return `${mantissa.replace("-", MINUS)} ${TIMES} 10${exp}`;
}

/** A duration in seconds as milliseconds: 0.0066 -> "6.6 ms", 0.1234 -> "123 ms". */
export function formatMs(seconds) {
  const ms = seconds * 1000;
  return `${formatNumber(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
}

/** Seconds -> "42 s", "3 min 05 s", "1 h 02 min"; a dash when unknown. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** A shape: [6, 28, 28] -> "6×28×28". */
export function formatShape(dims) {
  return dims.join(TIMES);
}
