// Comparisons in whole phrases, built on shared/words.js `compare` so that "more", "fewer" and
// "as many" always follow the ratio they describe. No DOM access.
//
//   comparedWith(4.07, "parameters", "LeNet-5")  -> "4.07 times as many parameters as LeNet-5"
//   comparedWith(0.127, "multiply-adds", "the standard one") -> "7.89 times fewer multiply-adds than the standard one"
//   comparedWith(1, "parameters", "LeNet-5")     -> "as many parameters as LeNet-5"
//   comparedWith(0.5, "", "LeNet-5")             -> "2 times fewer than LeNet-5"
//   timeComparedWith(0.4, "the standard one")    -> "ran 2.5 times faster than the standard one"

import { formatNumber } from "../shared/numbers.js";
import { compare } from "../shared/words.js";

/** `ratio` = ours / theirs, as "<how many> <noun> as|than <other>" (without the last part when
 * `other` is null: "7.89 times fewer multiply-adds"). */
export function comparedWith(ratio, noun, other = null, { decimals = 2 } = {}) {
  const { word, text } = compare(ratio, { decimals });
  if (word === "unknown") return other ? `${noun} not comparable with ${other}` : `${noun} that cannot be compared`;
  const words = [text, noun, other && (word === "fewer" ? "than" : "as"), other];
  return words.filter(Boolean).join(" ");
}

/** `ratio` = our time / theirs, as "ran N times faster than <other>" or "took N times as long as <other>". */
export function timeComparedWith(ratio, other, { decimals = 1 } = {}) {
  const { word } = compare(ratio, { decimals });
  if (word === "same") return `took as long as ${other}`;
  if (word === "fewer") return `ran ${formatNumber(1 / ratio, decimals)} times faster than ${other}`;
  if (word === "more") return `took ${formatNumber(ratio, decimals)} times as long as ${other}`;
  return `could not be compared with ${other}`;
}
