// Lesson 6's sentences about parameter counts, worded from the counts the API gave: LeNet-5
// against the MLP, and the learner's network against LeNet-5. No DOM access.

import { formatInteger, formatNumber, formatPercent } from "../shared/numbers.js";
import { compare, plural } from "../shared/words.js";
import { comparedWith } from "./lesson-words.js";

/** "The MLP has 4.07 times as many parameters as LeNet-5 (251,060 / 61,684 = 4.07). LeNet-5 keeps
 * only 2,550 (4.1%) in its convolutions and 59,134 in its classifier." */
export function builtinComparisonText(lenet5, mlp) {
  const ratio = mlp.total / lenet5.total;
  const share = lenet5.conv / lenet5.total;
  return `The MLP has ${comparedWith(ratio, "parameters", "LeNet-5")} (${formatInteger(mlp.total)} / `
    + `${formatInteger(lenet5.total)} = ${formatNumber(ratio, 2)}). LeNet-5 keeps ${share < 0.5 ? "only " : ""}`
    + `${formatInteger(lenet5.conv)} (${formatPercent(share, 1)}) in its convolutions and ${formatInteger(lenet5.classifier)} `
    + "in its classifier.";
}

/** "61,700 parameters: 2,566 in convolutions, 59,134 in linear layers; about as many as LeNet-5 (61,684)." */
export function customComparisonText(custom, lenetTotal) {
  const total = custom.total;
  const close = compare(total / lenetTotal).word === "same"; // equal at the printed precision
  const against = total === lenetTotal ? "exactly as many as LeNet-5"
    : total === 0 ? `none at all, against LeNet-5\u2019s ${formatInteger(lenetTotal)}`
      : `${close ? "about as many as LeNet-5" : comparedWith(total / lenetTotal, "", "LeNet-5")} (${formatInteger(lenetTotal)})`;
  return `${plural(total, "parameter", "parameters", formatInteger)}: ${formatInteger(custom.conv)} in convolutions, `
    + `${formatInteger(custom.classifier)} in linear layers; ${against}.`;
}
