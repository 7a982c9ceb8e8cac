// The sentence that compares two networks: how their parameter counts and their test errors
// compare, worded from the ratios themselves (shared/words.js compare), for the two chosen runs
// and for the tutorial's own numbers. No DOM access.

import { formatInteger, formatPercent } from "../shared/numbers.js";
import { compare, plural } from "../shared/words.js";
import { modelName } from "./run-words.js";

/**
 * @typedef {{subject: string, object: string, parameters: number, error: number|null,
 *            epochs?: number|null}} Side
 * subject/object: how the sentence names it first and later ("Run A (LeNet-5)", "run B (MLP)");
 * error: the test error as a fraction; epochs: after how many epochs (left out when null).
 */

/** "has 4.07 times fewer parameters than run B (61,684 against 251,060)". */
export function parameterClause(a, b) {
  const counts = `${formatInteger(a.parameters)} against ${formatInteger(b.parameters)}`;
  if (a.parameters === b.parameters) {
    return `has as many parameters as ${b.object} (${formatInteger(a.parameters)} each)`;
  }
  const { word, text } = compare(a.parameters / b.parameters);
  if (word === "fewer") return `has ${text} parameters than ${b.object} (${counts})`;
  if (word === "more") return `has ${text} parameters as ${b.object} (${counts})`;
  return `has about as many parameters as ${b.object} (${counts})`;
}

function errorText(side, percent) {
  return side.epochs ? `${percent(side.error)} after ${plural(side.epochs, "epoch")}` : percent(side.error);
}

/** "gets 1.92 times fewer test images wrong (1.2% after 2 epochs against 2.3% after 2 epochs)". */
export function errorClause(a, b, percent = formatPercent) {
  const errors = `${errorText(a, percent)} against ${errorText(b, percent)}`;
  if (a.error === 0 && b.error === 0) return `gets every test image right, as does ${b.object}`;
  if (a.error === b.error) return `gets as many test images wrong (${percent(a.error)} each)`;
  if (b.error === 0) return `gets some test images wrong where ${b.object} gets none (${errors})`;
  if (a.error === 0) return `gets no test image wrong (${errors})`;
  const { word, text } = compare(a.error / b.error);
  return `gets ${word === "same" ? "about as many" : text} test images wrong (${errors})`;
}

/** The whole sentence, or "" when either side lacks a parameter count. The error part is left
 * out while either side has none yet. */
export function comparisonSentence(a, b, { percent = formatPercent } = {}) {
  if (!Number.isFinite(a?.parameters) || !Number.isFinite(b?.parameters)) return "";
  const parts = [parameterClause(a, b)];
  if (Number.isFinite(a.error) && Number.isFinite(b.error)) parts.push(errorClause(a, b, percent));
  return `${a.subject} ${parts.join(" and ")}.`;
}

/** The tutorial's sentence: LeNet-5 against the MLP, from their parameter counts and their test
 * errors (`errors`: fractions, as the tutorial gives them, roughly). */
export function tutorialSentence(parameters, errors) {
  const about = (e) => `about ${formatPercent(e, 1)}`;
  return `The tutorial\u2019s point: ${comparisonSentence(
    { subject: modelName("lenet5"), parameters: parameters.lenet5, error: errors.lenet5 },
    { object: `a fully connected ${modelName("mlp")} network`, parameters: parameters.mlp, error: errors.mlp },
    { percent: about },
  )}`;
}
