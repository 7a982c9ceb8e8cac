// A kernel in a link to the kernel playground, and read back from one. No DOM access.
//
//   /kernels?kernel=0.12,-0.3,0.05;0.2,0.41,-0.1;...&from=conv1+kernel+3,+step+120&output=rescale&channels=luminance
//
// `kernel` is the rows, separated by ";", of weights separated by ",", plain decimal numbers (an
// optional sign, digits, a point, an exponent); `from` says where it came from (shown as text,
// at most 160 characters); `output` and `channels` pick those options. The training page writes
// such links ("Try this kernel on a photo"); the playground reads them, and words each problem
// with a malformed link as a sentence instead of failing.

import { plural } from "./words.js";

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const LARGEST_WEIGHT = 1e6; // app/api_models.py Bounded
const LONGEST_PARAM = 8000; // a 15x15 kernel of 12-character numbers is about 2,900
const LONGEST_FROM = 160;
export const OUTPUTS = Object.freeze(["clip", "abs", "rescale", "offset"]);
export const CHANNELS = Object.freeze(["rgb", "luminance"]);

/** A weight as it goes in the link: 4 significant digits, no exponent for ordinary sizes. */
export function linkNumber(value) {
  return String(Number(value.toPrecision(4)));
}

/** The playground link for `kernel` (rows of numbers) with options {from, output, channels}. */
export function kernelLink(kernel, { from = "", output = "rescale", channels = "luminance" } = {}) {
  const params = new URLSearchParams();
  params.set("kernel", kernel.map((row) => row.map(linkNumber).join(",")).join(";"));
  if (from) params.set("from", from.slice(0, LONGEST_FROM));
  params.set("output", output);
  params.set("channels", channels);
  return `/kernels?${params}`;
}

/** The kernel in `search` (a location.search string): {kernel: rows | null, from, output,
 * channels, problems: [sentences]}. No `kernel` parameter: kernel null and no problems. */
export function readKernelLink(search, maxSide) {
  const params = new URLSearchParams(search);
  const out = { kernel: null, from: "", output: null, channels: null, problems: [] };
  if (!params.has("kernel")) return out;
  const text = params.get("kernel").trim();
  const kernel = parseRows(text, maxSide, out.problems);
  if (kernel) out.kernel = kernel;
  out.from = cleanText(params.get("from") ?? "");
  for (const [name, allowed] of [["output", OUTPUTS], ["channels", CHANNELS]]) {
    if (!params.has(name)) continue;
    const value = params.get(name);
    if (allowed.includes(value)) out[name] = value;
    else out.problems.push(`The link\u2019s ${name} \u201c${cleanText(value).slice(0, 20)}\u201d is not one of `
      + `${allowed.join(", ")}; the usual one is used.`);
  }
  return out;
}

/** Printable text only, trimmed and cut to LONGEST_FROM characters. */
function cleanText(text) {
  return String(text).replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, LONGEST_FROM);
}

function parseRows(text, maxSide, problems) {
  const why = (sentence) => {
    problems.push(`The link\u2019s kernel could not be loaded (${sentence}); a preset is shown instead.`);
    return null;
  };
  if (!text) return why("it is empty");
  if (text.length > LONGEST_PARAM) return why(`it is ${text.length} characters long, more than ${LONGEST_PARAM}`);
  const rows = text.replace(/;$/, "").split(";").map((row) => row.split(",").map((cell) => cell.trim()));
  const cols = rows[0].length;
  if (rows.length > maxSide || cols > maxSide) {
    return why(`it is ${rows.length}\u00d7${cols}, and the largest kernel is ${maxSide}\u00d7${maxSide}`);
  }
  const uneven = rows.findIndex((row) => row.length !== cols);
  if (uneven >= 0) return why(`row ${uneven + 1} has ${plural(rows[uneven].length, "weight")}, row 1 has ${cols}`);
  const values = [];
  for (const [r, row] of rows.entries()) {
    const numbers = [];
    for (const [c, cell] of row.entries()) {
      const value = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(value)) {
        return why(`row ${r + 1}, column ${c + 1} is \u201c${cell.slice(0, 20)}\u201d, not a number`);
      }
      if (Math.abs(value) > LARGEST_WEIGHT) {
        return why(`row ${r + 1}, column ${c + 1} is ${cell.slice(0, 20)}, beyond \u00b1${LARGEST_WEIGHT}`);
      }
      numbers.push(Object.is(value, -0) ? 0 : value);
    }
    values.push(numbers);
  }
  return values;
}
