// Lesson 2, part 2's words and figures, from the engine's answer to POST /api/lessons/slide: what
// each border mode does, how the output's size follows from the input's, the uneven padding of an
// even span, the step being shown, and the padded input / kernel / output figures. The sentences
// are worded from the numbers in the answer, so they change when the inputs do.

import { TIMES, formatNumber } from "../shared/numbers.js";
import { plural } from "../shared/words.js";
import { captioned, op, valueGrid } from "./lesson-draw.js";
import { product, sizeText } from "./lesson-math.js";

const BORDERS = {
  zero: "Zero: the made-up values are 0.",
  edge: "Edge: each made-up value copies the nearest value of the input.",
  reflect: "Reflect: the input mirrored at its edge, without repeating the edge value (so the input must be larger than the padding).",
  wrap: "Wrap: the window continues on the opposite side, as if the input were tiled.",
  valid: "Valid: no padding at all, so only windows that fit inside the input count.",
};

/** What a border mode makes up past the edge (no numbers: it holds for any input). */
export function borderNote(mode) {
  return BORDERS[mode] ?? "";
}

const ordinal = (n) => `${n}${n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

/** Why the output has the size it has: kept, or shrunk by the missing padding and the stride. */
export function sizeNote({ rows, cols }) {
  const from = `${rows.n} ${TIMES} ${cols.n}`;
  const to = `${rows.size} ${TIMES} ${cols.size}`;
  if (rows.size === rows.n && cols.size === cols.n) return `The output keeps the input\u2019s size, ${from}.`;
  const reasons = [];
  const lost = [rows, cols].map((a) => Math.max(0, a.d * (a.k - 1) - a.p_before - a.p_after));
  if (lost.some((l) => l > 0)) {
    reasons.push(`without padding the window has d(k \u2212 1) fewer places to stand: `
      + `${plural(lost[0], "row")} and ${plural(lost[1], "column")}`);
  }
  if (rows.s > 1) reasons.push(`stride ${rows.s} keeps every ${ordinal(rows.s)} place`);
  return `The output is smaller than the input, ${from} \u2192 ${to}: ${reasons.join("; ")}.`;
}

/** Along an axis whose span d(k − 1) is odd, the padding cannot be the same on both sides. */
export function asymmetricNote({ rows, cols }) {
  return [["rows", rows], ["columns", cols]].filter(([, a]) => a.p_before !== a.p_after).map(([name, a]) => {
    const span = a.d * (a.k - 1);
    return `Along the ${name} the kernel spans d(k \u2212 1) = ${plural(span, "extra cell")}, `
      + `${span % 2 ? "an odd number" : "an even number"}, so the padding is ${a.p_before} before and ${a.p_after} after: `
      + `2p becomes ${a.p_before} + ${a.p_after}.`;
  }).join(" ");
}

/** "Step 7 of 9: output row 3, column 1 takes padded rows 5, 6, 7 and columns 1, 2, 3." */
export function stepText(position, step, count) {
  const [i, j] = position.out;
  const span = (values) => values.map((v) => v + 1).join(", ");
  return `Step ${step + 1} of ${count}: output row ${i + 1}, column ${j + 1} takes padded `
    + `${position.rows.length === 1 ? "row" : "rows"} ${span(position.rows)} and `
    + `${position.cols.length === 1 ? "column" : "columns"} ${span(position.cols)}.`;
}

/** The sum behind one step: "x×w + ... = value" over the padded input under the kernel. */
export function stepSum(result, body, position) {
  const terms = position.rows.flatMap((r, u) => position.cols.map((c, v) => product(result.padded[r][c], body.w[u][v])));
  const [i, j] = position.out;
  return `${terms.join(" + ")} = ${formatNumber(result.output[i][j])}`;
}

/** The three figures: the padded input (padding hatched), the kernel and the output to pick from. */
export function slideFigures(result, body) {
  const [top, left] = result.offset;
  const inInput = (r, c) => r >= top && r < top + body.x.length && c >= left && c < left + body.x[0].length;
  const padded = valueGrid(result.padded, {
    kind: "padded", label: "The padded input", heat: true, cellClass: (r, c) => (inInput(r, c) ? "" : "is-pad"),
  });
  const output = valueGrid(result.output, { kind: "output", label: "Output: pick a cell", heat: true, pick: true, name: "y" });
  const kernel = body.dilation > 1 ? `Kernel ${sizeText(body.w)}, taps ${body.dilation} apart` : `Kernel ${sizeText(body.w)}`;
  const figures = [
    captioned(padded, `Padded input ${sizeText(result.padded)} (${body.padding})`, "ls-figure-wide"),
    op("\u22c6"),
    captioned(valueGrid(body.w, { kind: "w", label: "Kernel", heat: true, name: "w" }), kernel),
    op("="),
    captioned(output, `Output ${sizeText(result.output)}`),
  ];
  return { figures, padded, output };
}
