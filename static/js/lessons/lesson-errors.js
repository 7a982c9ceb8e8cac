// What a lesson says when the engine refuses its inputs. No DOM access.
//
// The server answers a 4xx with one sentence ({detail}) and, for fields that broke a rule, a list
// of errors ({loc, type, ...}). A lesson never shows a field path ("layers.2.kernel") or the
// validator's own wording ("Input should be ..."): it names the input as the lesson does ("D_K,
// the kernel size", "layer 3's kernel size", "x₃") and states the rule the server gave ("must be at
// least 1"), so the learner knows which box to change and to what.

import { errorMessage } from "../shared/api.js";
import { MINUS, TIMES, formatInteger, formatNumber } from "../shared/numbers.js";
import { capitalise } from "../shared/words.js";

const BOUNDS = {
  greater_than_equal: ["ge", "must be at least"],
  greater_than: ["gt", "must be more than"],
  less_than_equal: ["le", "must be at most"],
  less_than: ["lt", "must be less than"],
};
const RULES = {
  missing: "is needed",
  int_type: "must be a whole number",
  int_parsing: "must be a whole number",
  int_from_float: "must be a whole number",
  float_type: "must be a number",
  float_parsing: "must be a number",
  finite_number: "must be a finite number",
  too_short: "needs more entries",
  too_long: "has too many entries",
  literal_error: "is not one of the choices",
  extra_forbidden: "is not one of the lesson's inputs",
};
// The rule at the end of a sentence the server words itself ("layer 3's kernel must be at most 15").
const SERVER_RULE = /\b(?:must|may have|needs|is required|is not expected)\b.*$/;
const NUMBER = /[-\u2212]?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi;
const TUPLE = /\((-?\d+(?:, -?\d+)+)\)/g;

/** An amount in a rule: 1000000 -> "1,000,000", -1e6 -> "−1,000,000", 0.5 -> "0.5". */
function amount(value) {
  return Number.isInteger(value) ? formatInteger(value) : formatNumber(value, 6);
}

/** The server's sentence as a lesson shows it: a shape "(16, -2, -2)" as 16×−2×−2, and no
 * "Value error, " in front. */
export function tidyDetail(text) {
  return String(text)
    .replace(/^Value error, /, "")
    .replace(TUPLE, (_, dims) => dims.split(", ").map((d) => d.replace("-", MINUS)).join(TIMES));
}

/** A 4xx answer's {detail} -> the sentence to show (ApiError's message): the first letter upper
 * case, unless it starts with a layer's name ("fc1: ...", "conv2 would ..."), which keeps its case. */
export function detailText(detail, status) {
  if (typeof detail === "string" && detail) {
    const text = tidyDetail(detail);
    return /^[a-z_]+\d+\b|^\w+:/.test(text) ? text : capitalise(text);
  }
  return errorMessage(detail, status);
}

/** A field error's location without "body"/"query": ["layers", 2, "kernel"]. */
export function fieldPath(loc) {
  return Array.isArray(loc) ? loc.filter((p, i) => !(i === 0 && ["body", "query", "path"].includes(p))) : [];
}

/** The rule a field broke, in words: from the bound the server gave, or from its own sentence. */
export function ruleOf(item) {
  const bound = BOUNDS[item?.type];
  const limit = bound ? Number(item.ctx?.[bound[0]]) : NaN;
  if (bound && Number.isFinite(limit)) return `${bound[1]} ${amount(limit)}`;
  const own = SERVER_RULE.exec(String(item?.message ?? ""));
  if (own) return own[0].replace(/\.$/, "").replace(NUMBER, (t) => amount(Number(t.replace(MINUS, "-"))));
  return RULES[item?.type] ?? "is not allowed here";
}

/** A name as the subject of a sentence: a word is capitalised ("Layer 3's kernel size"), a symbol
 * is not ("x₃", "δ at row 2, column 1"), and an apposition is closed ("D_K, the kernel size,"). */
export function subject(name) {
  const text = /^[a-z][a-z]+\b/.test(name) ? capitalise(name) : name;
  return /^\S+, the /.test(text) ? `${text},` : text;
}

/**
 * An error as the lesson says it: {message, fields}. With field errors, each is "<name> <rule>.",
 * the name from `nameOf(path)` (the lesson's name for that input, or null for "one of the
 * inputs"); without, the server's sentence. `fields` lists the paths named, to mark their inputs.
 */
export function lessonError(error, nameOf = () => null) {
  const items = Array.isArray(error?.errors) ? error.errors : [];
  if (!items.length) return { message: error?.message || String(error), fields: [] };
  const fields = items.map((item) => fieldPath(item.loc));
  const sentences = items.map((item, i) => `${subject(nameOf(fields[i]) ?? "one of the inputs")} ${ruleOf(item)}.`);
  return { message: [...new Set(sentences)].join(" "), fields };
}
