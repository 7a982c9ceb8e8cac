// What /digits says about an answer, worded from the answer's own numbers: the guess with its
// article ("It's an 8"), how sure the network is, the runner-up, and which weights answered.
// No DOM access.

import { formatPercent, formatProbability } from "../shared/numbers.js";
import { withArticle } from "../shared/words.js";
export { architectureName, modelLabel } from "../shared/network-words.js";

/** The two most likely digits, as the API orders them (ties: the smaller digit first). */
export function topTwo(probabilities) {
  const order = probabilities.map((p, d) => [p, d]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return { digit: order[0][1], runnerUp: order[1][1] };
}

/** The lowest probability (as shown, to 0.1%) each word of confidence needs. */
export const CONFIDENCE_WORDS = [[0.95, "Sure"], [0.75, "Fairly sure"], [0.5, "Leaning"], [0, "Unsure"]];

/** How sure the network is, in words, from the top probability rounded as it is shown, so that
 * "95%" always reads "Sure" and "94.9%" never does. */
export function confidenceWords(p) {
  const shown = Math.round(p * 1000) / 1000;
  return CONFIDENCE_WORDS.find(([least]) => shown >= least)?.[1] ?? "Unsure";
}

/** "It's a 7", "It's an 8". */
export function guessSentence(digit) {
  return `It\u2019s ${withArticle(digit)}`;
}

/** "Sure: >99.9%", "Leaning: 61.2%". */
export function confidenceSentence(p) {
  return `${confidenceWords(p)}: ${formatProbability(p)}`;
}

/**
 * The runner-up, still named when it is tiny (the bars mark it too), at its probability as shown;
 * when that is "<0.1%" the sentence says nothing else came close, and when it is at least half the
 * top guess's, that it was a close call.
 */
export function runnerUpSentence(runnerUp, p, top) {
  const shown = formatProbability(p);
  if (shown.startsWith("<")) return `runner-up ${runnerUp} (${shown}): no other digit comes close`;
  if (p >= top / 2) return `runner-up ${runnerUp} (${shown}): a close call`;
  return `runner-up ${runnerUp} (${shown})`;
}

/** " (99.35% right on the MNIST test set)" from /api/model's test_accuracy, or "" when unknown. */
export function accuracyText(testAccuracy) {
  return Number.isFinite(testAccuracy) ? ` (${formatPercent(testAccuracy, 2)} right on the MNIST test set)` : "";
}
