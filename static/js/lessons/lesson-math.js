// Lessons: the pure part that is the lessons' own. Symbols and terms of a sum, formulas made
// typographic, and the little index arithmetic the pages need to lay things out (sizes, windows,
// flips). No DOM access and no fetching: every function can be tried on its own. The numbers a
// lesson *shows as results* come from the API; these helpers only arrange and print them.
// Parsing and formatting numbers is shared/numbers.js; words that follow numbers, shared/words.js.

import { MINUS, TIMES, formatNumber } from "../shared/numbers.js";

/** A factor inside a product: negatives in brackets, "2×(−1)". */
export function factor(value, decimals = 3) {
  const text = formatNumber(value, decimals);
  return text.startsWith(MINUS) ? `(${text})` : text;
}

/** A product of two factors: "2×(−1)". */
export function product(a, b) {
  return `${factor(a)}${TIMES}${factor(b)}`;
}

/** A finite-difference estimate, to enough places to show how close it is: 0.99999999996. */
export function formatPrecise(value, places = 11) {
  return formatNumber(value, places);
}

/** A list of numbers as the lesson prints it: "[1, −2, 0.5]". */
export function bracketList(values) {
  return `[${values.map((v) => formatNumber(v)).join(", ")}]`;
}

/** rows x cols of a grid: "3×4". */
export function sizeText(grid) {
  return `${grid.length}${TIMES}${grid[0]?.length ?? 0}`;
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

/** A cell of a 2-D grid with a 1-based subscript: (1, 0) -> "₂,₁". */
export function at(r, c) {
  return subscript(`${r + 1},${c + 1}`);
}

/** The numbers of one sum: terms [{a: {value}, b: {value}}] -> "2×1 + 5×0 + 6×(−1)". */
export function termsNumeric(terms) {
  return terms.map((t) => product(t.a.value, t.b.value)).join(" + ");
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
  let start = s.indexOf("floor(");
  while (start !== -1) {
    const end = closingBracket(s, start + 5);
    if (end === -1) break;
    s = `${s.slice(0, start)}\u230a${s.slice(start + 6, end)}\u230b${s.slice(end + 1)}`;
    start = s.indexOf("floor(");
  }
  return s.replace(/\^2/g, "\u00b2").replace(/\*/g, TIMES).replace(/ - /g, ` ${MINUS} `);
}

/** The index of the ")" that closes the "(" at `open`, or -1. */
function closingBracket(s, open) {
  let depth = 0;
  for (let i = open; i < s.length; i += 1) {
    if (s[i] === "(") depth += 1;
    else if (s[i] === ")") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
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

/** The cells under output (i, j) of a 2-D cross-correlation of x (zero-padded by `pad`) with a
 * kh x kw kernel at `stride`: [{u, v, r, c}] with r, c in x's coordinates (0-based, negative or
 * past the edge over the padding). */
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
  const terms = window2d(i, j, w.length, w[0].length, pad, stride).map(({ u, v, r, c }) => (
    product(r >= 0 && r < h && c >= 0 && c < wd ? x[r][c] : 0, w[u][v])));
  return `${terms.join(" + ")} = ${formatNumber(value)}`;
}

/** Input cells of pooling window (i, j): [[r, c], ...] in row order. */
export function poolWindow(i, j, k, stride) {
  const cells = [];
  for (let u = 0; u < k; u += 1) for (let v = 0; v < k; v += 1) cells.push([i * stride + u, j * stride + v]);
  return cells;
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

/** rows x cols of `fillValue(kind)` texts. */
export function filledCells(kind, rows, cols) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => String(fillValue(kind, r, c))));
}

/** A simple repeating example for new cells: 1, 2, 0, −1, 1, 0, … */
export function examplePattern(n, offset = 0) {
  const pattern = [1, 2, 0, -1, 1, 0, 2, -1];
  return Array.from({ length: n }, (_, i) => pattern[(i + offset) % pattern.length]);
}
