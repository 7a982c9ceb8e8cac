// Lessons: the pure part. Parsing typed numbers, formatting numbers, terms and formulas, and the
// little index arithmetic the pages need to lay things out (sizes, windows, flips). No DOM access
// and no fetching: every function can be tried on its own. The numbers a lesson *shows as results*
// come from the API; these helpers only arrange and print them.

import { errorMessage as apiErrorMessage } from "../shared/api.js";
import { MINUS, TIMES, formatNumber, parseNumber } from "../shared/numbers.js";

export { MINUS, TIMES, formatNumber, parseNumber };

/** Rows of typed texts -> {values, errors}; values is null when any cell is invalid. `label(r, c)`
 * names a cell in the messages ("x₃", "Row 1, column 3"). */
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

export function capitalise(text) {
  const s = String(text ?? "");
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** A factor inside a product: negatives in brackets, "2×(−1)". */
export function factor(value, decimals = 3) {
  const text = formatNumber(value, decimals);
  return text.startsWith(MINUS) ? `(${text})` : text;
}

/** Integers with thousands separators: 61684 -> "61,684". */
export function formatInt(value) {
  const text = Math.round(value).toLocaleString("en-US");
  return text.replace("-", MINUS);
}

/** A fraction as a percentage: 0.0065 -> "0.65%". */
export function formatPercent(fraction, decimals = 2) {
  return `${formatNumber(fraction * 100, decimals)}%`;
}

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075",
  6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

/** A tiny number in scientific notation: 1.1357e-10 -> "1.1 × 10⁻¹⁰"; 0 -> "0". */
export function formatScientific(value, digits = 2) {
  if (value === 0) return "0";
  if (!Number.isFinite(value)) return String(value);
  const [mantissa, exponent] = value.toExponential(digits - 1).split("e");
  const exp = String(Number(exponent)).split("").map((ch) => SUPERSCRIPT[ch]).join("");
  return `${mantissa.replace("-", MINUS)} ${TIMES} 10${exp}`;
}

/** A finite-difference estimate, to enough places to show how close it is: 0.99999999996. */
export function formatPrecise(value, places = 11) {
  return formatNumber(value, places);
}

/** A duration in seconds as milliseconds: 0.0066 -> "6.61 ms". */
export function formatMs(seconds) {
  const ms = seconds * 1000;
  return `${formatNumber(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
}

/** A ratio: 2.123 -> "2.12". */
export function formatRatio(value, decimals = 2) {
  return formatNumber(value, decimals);
}

// ---------------------------------------------------------------- symbols and terms

const SYMBOL_NAMES = { delta: "\u03b4", "dL/dx": "\u2202L/\u2202x", "dL/dw": "\u2202L/\u2202w" };

/** An API name ("x", "w", "delta", "dL/dx") -> what the lesson prints ("x", "δ", "∂L/∂x"). */
export function symbolName(name) {
  return SYMBOL_NAMES[name] ?? name;
}

/** Subscript digits, for short labels in running text: 12 -> "₁₂", "1,2" -> "₁,₂". */
export function subscript(value) {
  return String(value).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d))).replace(/-/g, "\u208b");
}

/** A symbol with its 1-based index, as plain text: ("delta", [2]) -> "δ_2", ("y", [1, 2]) -> "y_1,2". */
export function symbolText(name, index) {
  return `${symbolName(name)}_${index.join(",")}`;
}

/** The numbers of one sum: terms [{a: {value}, b: {value}}] -> "2×1 + 5×0 + 6×(−1)". */
export function termsNumeric(terms) {
  return terms.map((t) => `${factor(t.a.value)}${TIMES}${factor(t.b.value)}`).join(" + ");
}

/** One entry of /correlate-1d, as numbers: "2×1 + 5×0 + 6×(−1) = −4". */
export function entryNumeric(entry) {
  if (!entry.terms.length) return formatNumber(entry.value);
  return `${termsNumeric(entry.terms)} = ${formatNumber(entry.value)}`;
}

/** One entry as symbols, plain text: "y_1 = x_1 w_1 + x_2 w_2 + x_3 w_3". */
export function entrySymbolic(entry) {
  const terms = entry.terms.map((t) => `${symbolText(t.a.name, t.a.index)} ${symbolText(t.b.name, t.b.index)}`);
  return `${symbolText(entry.name, entry.index)} = ${terms.length ? terms.join(" + ") : "0"}`;
}

/** An API formula in plain ASCII made typographic: "floor((6 + 2*1 - 1*(3 - 1) - 1) / 2) + 1 = 3" ->
 * "⌊(6 + 2×1 − 1×(3 − 1) − 1) / 2⌋ + 1 = 3"; "1/64 + 1/3^2" -> "1/64 + 1/3²"; "3*3*32" -> "3×3×32". */
export function prettyFormula(text) {
  let s = String(text);
  // floor( ... ) -> ⌊ ... ⌋, matching brackets
  let at = s.indexOf("floor(");
  while (at !== -1) {
    let depth = 0;
    let end = -1;
    for (let i = at + 5; i < s.length; i += 1) {
      if (s[i] === "(") depth += 1;
      else if (s[i] === ")") {
        depth -= 1;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
    if (end === -1) break;
    s = `${s.slice(0, at)}\u230a${s.slice(at + 6, end)}\u230b${s.slice(end + 1)}`;
    at = s.indexOf("floor(");
  }
  return s.replace(/\^2/g, "\u00b2").replace(/\*/g, TIMES).replace(/ - /g, ` ${MINUS} `);
}

// ---------------------------------------------------------------- sizes and windows

/** Outputs along one axis: floor((n + 2p - d(k - 1) - 1) / s) + 1 (may be < 1: does not fit). */
export function outputLength(n, k, pad = 0, stride = 1, dilation = 1) {
  return Math.floor((n + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

/** Pooling outputs along one axis: floor((n - k) / s) + 1. */
export function poolLength(n, k, stride) {
  return Math.floor((n - k) / stride) + 1;
}

export function flip1d(values) {
  return values.slice().reverse();
}

/** Rotate a grid by 180 degrees. */
export function flip2d(grid) {
  return grid.slice().reverse().map((row) => row.slice().reverse());
}

export function sameGrid(a, b, tolerance = 1e-9) {
  return a.length === b.length && a.every((row, r) => row.length === b[r].length
    && row.every((v, c) => Math.abs(v - b[r][c]) <= tolerance));
}

/** Resize rows of cell texts to rows x cols, keeping the top-left corner; new cells get `fill(r, c)`. */
export function resizeCells(cells, rows, cols, fill = () => "0") {
  const out = [];
  for (let r = 0; r < rows; r += 1) {
    const row = [];
    for (let c = 0; c < cols; c += 1) row.push(cells[r]?.[c] ?? fill(r, c));
    out.push(row);
  }
  return out;
}

/** The cells under output (i, j) of a 2-D cross-correlation of x (zero-padded by `pad`) with a
 * kh x kw kernel at `stride`: [{u, v, r, c, outside}] with r, c in x's coordinates (0-based,
 * negative or past the edge over the padding). */
export function window2d(i, j, kh, kw, pad, stride) {
  const cells = [];
  for (let u = 0; u < kh; u += 1) {
    for (let v = 0; v < kw; v += 1) cells.push({ u, v, r: i * stride + u - pad, c: j * stride + v - pad });
  }
  return cells;
}

/** "x×w + x×w + … = value" for output (i, j) of a 2-D cross-correlation, with x's padding as 0.
 * `value` is the engine's answer; the factors are the inputs it multiplied. */
export function window2dNumeric(x, w, pad, stride, i, j, value) {
  const h = x.length;
  const wd = x[0].length;
  const terms = window2d(i, j, w.length, w[0].length, pad, stride).map(({ u, v, r, c }) => {
    const xv = r >= 0 && r < h && c >= 0 && c < wd ? x[r][c] : 0;
    return `${factor(xv)}${TIMES}${factor(w[u][v])}`;
  });
  return `${terms.join(" + ")} = ${formatNumber(value)}`;
}

/** Input cells of pooling window (i, j): [[r, c], ...] in row order. */
export function poolWindow(i, j, k, stride) {
  const cells = [];
  for (let u = 0; u < k; u += 1) for (let v = 0; v < k; v += 1) cells.push([i * stride + u, j * stride + v]);
  return cells;
}

/** Largest |value| in a grid (0 for an empty one). */
export function maxAbs(grid) {
  return grid.reduce((m, row) => Math.max(m, ...row.map((v) => Math.abs(v))), 0);
}

/** A cell's shade on a diverging scale: {sign: "pos" | "neg" | "zero", alpha in [0.1, 0.75]}. */
export function shade(value, scale) {
  if (!value || !scale) return { sign: "zero", alpha: 0 };
  return { sign: value > 0 ? "pos" : "neg", alpha: 0.1 + 0.65 * Math.min(1, Math.abs(value) / scale) };
}

/** A 4xx answer's {detail} -> one readable sentence (shared/api.js errorMessage), except that a
 * message that starts with a name ("fc1: ...", "x: ...") keeps its case. */
export function errorMessage(detail, status) {
  if (typeof detail === "string" && /^\w+:/.test(detail)) return detail;
  return apiErrorMessage(detail, status);
}

/** Values to fill an input grid with: "pattern" (small mixed integers), "ramp" (r + c), "random"
 * (0..9, not pure: it uses Math.random) or "zeros". */
export function fillValue(kind, r, c) {
  switch (kind) {
    case "ramp":
      return r + c;
    case "random":
      return Math.floor(Math.random() * 10);
    case "zeros":
      return 0;
    default:
      return ((r * 4 + c * 7 + ((r * c) % 5) + Math.floor((r + c) / 3)) % 9) - 3;
  }
}

/** A simple repeating example for new cells: 1, 2, 0, −1, 1, 0, … */
export function examplePattern(n, offset = 0) {
  const pattern = [1, 2, 0, -1, 1, 0, 2, -1];
  return Array.from({ length: n }, (_, i) => pattern[(i + offset) % pattern.length]);
}
