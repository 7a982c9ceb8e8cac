// Lesson 8's views of the engine's answer to POST /api/lessons/transposed: the stamp being added,
// the output-size formula with the learner's numbers, the stamp counts and the sentences about
// them. Every sentence is worded from the answer and the request, so it follows them.

import { MINUS, TIMES, formatNumber } from "../shared/numbers.js";
import { listText, plural } from "../shared/words.js";
import { at } from "./lesson-math.js";

/** Where input cell t (reading order) stamps: {i, j, top, left, cells: Set of "a,b" inside the output}. */
export function stampOf(t, body, rows, cols) {
  const width = body.x[0].length;
  const i = Math.floor(t / width);
  const j = t % width;
  const top = i * body.stride - body.padding;
  const left = j * body.stride - body.padding;
  const cells = new Set();
  body.w.forEach((row, u) => row.forEach((_, v) => {
    const a = top + u;
    const b = left + v;
    if (a >= 0 && a < rows && b >= 0 && b < cols) cells.add(`${a},${b}`);
  }));
  return { i, j, top, left, cells };
}

/** "Step 4 of 9: x₂,₁ = 3 adds 3 × w with its corner at output (3, 1); 2 of its 9 cells fall off the edge." */
export function stampText(t, count, body, stamp) {
  const value = body.x[stamp.i][stamp.j];
  const size = body.w.length * body.w[0].length;
  const lost = size - stamp.cells.size;
  return `Step ${t + 1} of ${count}: x${at(stamp.i, stamp.j)} = ${formatNumber(value)} adds ${formatNumber(value)} ${TIMES} w`
    + ` with its corner at output (${stamp.top + 1}, ${stamp.left + 1})`
    + (lost ? `; ${lost} of its ${size} cells fall off the edge and are cut.` : ".")
    + (t + 1 < count ? "" : " Every input cell has stamped: this is the output.");
}

/** "(3 − 1)×2 − 2×0 + (3 − 1) + 0 + 1 = 7", for the rows (axis 0) or the columns (axis 1). */
export function sizeFormula(body, result, axis) {
  const n = axis === 0 ? body.x.length : body.x[0].length;
  const k = axis === 0 ? body.w.length : body.w[0].length;
  const out = axis === 0 ? result.output.length : result.output[0].length;
  return `(${n} ${MINUS} 1)${TIMES}${body.stride} ${MINUS} 2${TIMES}${body.padding} + (${k} ${MINUS} 1) + `
    + `${body.output_padding} + 1 = ${out}`;
}

/** The output cells away from the border: the rows and columns every stamp could reach. */
function interior(counts, body) {
  const edgeRows = Math.max(0, body.w.length - 1 - body.padding);
  const edgeCols = Math.max(0, body.w[0].length - 1 - body.padding);
  const values = [];
  for (let a = edgeRows; a < counts.length - edgeRows - body.output_padding; a += 1) {
    for (let b = edgeCols; b < counts[0].length - edgeCols - body.output_padding; b += 1) values.push(counts[a][b]);
  }
  return values;
}

/** What the counts say: even coverage, or the checkerboard, and why. */
export function overlapText(result, body) {
  const inner = interior(result.stamps, body);
  const kh = body.w.length;
  const kw = body.w[0].length;
  const s = body.stride;
  const kernel = `The ${kh}${TIMES}${kw} kernel`;
  if (inner.length === 0) {
    return "This output is all border: every cell is near an edge, where fewer stamps reach. Make the input larger to see the pattern inside.";
  }
  const distinct = [...new Set(inner)].sort((a, b) => a - b);
  const multiple = kh % s === 0 && kw % s === 0;
  if (distinct.length === 1) {
    return (multiple ? `${kernel} is a multiple of stride ${s} in both directions, so every` : "Every")
      + ` cell away from the border gets ${plural(distinct[0], "stamp")}: an even cover, no checkerboard.`;
  }
  return `${kernel}${multiple ? "" : ` is not a multiple of stride ${s}, so`} cells away from the border get `
    + `${listText(distinct.map(String), "or")} stamps, in a pattern that repeats every ${s} ${TIMES} ${s} cells: the checkerboard.`;
}

/** "In all 49 cells the gradient equals the output above (largest difference 0)." */
export function gradientText(result) {
  let largest = 0;
  let cells = 0;
  result.output.forEach((row, a) => row.forEach((v, b) => {
    largest = Math.max(largest, Math.abs(v - result.gradient[a][b]));
    cells += 1;
  }));
  const same = largest === 0 ? "equals the output above exactly" : `matches the output above to within ${formatNumber(largest, 12)}`;
  return `In all ${cells} cells, the convolution's input gradient ${same} (largest difference ${formatNumber(largest, 12)}).`;
}
