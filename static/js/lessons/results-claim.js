// Lesson 7's verdicts on the tutorial's claim, "about twice lower test error while four times
// smaller", worded from the two ratios the API gives (MLP / LeNet-5, for the test error and for
// the parameters) and the two models' numbers. No DOM access.

import { TIMES, formatNumber, formatPercent } from "../shared/numbers.js";
import { comparedWith } from "./lesson-words.js";

// What "about twice" and "four times" are taken to mean: at least this ratio, as the page shows it.
export const CLAIMS = {
  error: { wanted: 1.5, says: `about 2${TIMES}`, lower: "lower", higher: "higher", measure: "the test error" },
  size: { wanted: 3.5, says: `4${TIMES}`, lower: "smaller", higher: "larger", measure: "the size" },
};

/** One ratio (MLP / LeNet-5) as the page shows it: {value: "2.1", unit: "× lower for LeNet-5",
 * holds, verdict}. Whether the claim holds is judged on the value as shown (one decimal). */
export function ratioView(name, ratio) {
  const claim = CLAIMS[name];
  const better = ratio >= 1;
  const value = formatNumber(better ? ratio : 1 / ratio, 1);
  const holds = better && Number(value) >= claim.wanted;
  const shown = `${value}${TIMES} ${better ? claim.lower : claim.higher}`;
  return {
    value,
    unit: `${TIMES} ${better ? claim.lower : claim.higher} for LeNet-5`,
    holds,
    verdict: `The claim says ${claim.says} ${claim.lower}. ${shown} is ${holds ? "" : "not "}`
      + `at least ${formatNumber(claim.wanted, 1)}${TIMES} ${claim.lower}, so it ${holds ? "holds" : "falls short"}.`,
  };
}

/** The conclusion under both ratios, from the same numbers. */
export function claimText(data) {
  const { lenet5, mlp } = data;
  const error = ratioView("error", data.error_ratio);
  const size = ratioView("size", data.size_ratio);
  const facts = `LeNet-5 makes ${comparedWith(1 / data.error_ratio, "mistakes", "the MLP")} `
    + `(${formatPercent(lenet5.test_error)} against ${formatPercent(mlp.test_error)}) with `
    + `${comparedWith(1 / data.size_ratio, "parameters")}`;
  if (error.holds && size.holds) return { holds: true, text: `Yes. ${facts}.` };
  const short = [["error", error], ["size", size]].filter(([, view]) => !view.holds).map(([name]) => CLAIMS[name].measure);
  const which = short.length === 2 ? "both parts fall short" : `${short[0]} falls short of the claim`;
  return { holds: false, text: `Not quite. ${facts}: ${which}.` };
}

/** The sentence under the table of both versions ({distorted, lenet5_accuracy, mlp_accuracy,
 * error_ratio}): how the errors and the ratio moved with distortions, and the claim then. */
export function versionsText(versions) {
  const plain = versions.find((v) => !v.distorted);
  const distorted = versions.find((v) => v.distorted);
  if (!plain || !distorted) return "";
  const error = (accuracy) => formatPercent(1 - accuracy);
  const fell = (a, b) => (1 - b < 1 - a ? "fell" : "rose");
  const before = ratioView("error", plain.error_ratio);
  const after = ratioView("error", distorted.error_ratio);
  return `Trained on distorted digits, LeNet-5's error ${fell(plain.lenet5_accuracy, distorted.lenet5_accuracy)} from `
    + `${error(plain.lenet5_accuracy)} to ${error(distorted.lenet5_accuracy)} and the MLP's ${fell(plain.mlp_accuracy, distorted.mlp_accuracy)} `
    + `from ${error(plain.mlp_accuracy)} to ${error(distorted.mlp_accuracy)}; the MLP's error over LeNet-5's went from `
    + `${formatNumber(plain.error_ratio, 2)}${TIMES} to ${formatNumber(distorted.error_ratio, 2)}${TIMES}, so "about twice lower" ${before.holds ? "held" : "fell short"} before and `
    + `${after.holds ? "holds" : "falls short"} after.`;
}
