// Sentences that follow their numbers: the article a number takes ("an 8"), plurals ("1 layer",
// "2 layers"), and comparisons worded from the ratio itself ("1.13 times as many", "8.9 times
// fewer", "as many as"). A page never types a comparison; it asks these. No DOM access.

import { formatNumber } from "./numbers.js";

/** "a" or "an" before a number as it is read aloud: an 8, an 11, an 18, an 80, an 800, an 8,000,
 * an 11,000; a 1, a 7, a 100. Works for integers and for the text of one ("8", "11,000"); before a
 * word, "an" when it starts with a vowel letter (an Ankle boot, a Shirt). */
export function article(n) {
  const digits = String(n).replace(/[^0-9]/g, "");
  if (!digits) return /^[aeiou]/i.test(String(n).trim()) ? "an" : "a"; // a word: "an Ankle boot", "a Shirt"
  const lead = Number(digits.slice(0, ((digits.length - 1) % 3) + 1)); // the leading group of three
  return digits.startsWith("8") || lead === 11 || lead === 18 ? "an" : "a";
}

/** The number with its article: 8 -> "an 8". */
export function withArticle(n) {
  return `${article(n)} ${n}`;
}

/** "1 layer", "2 layers", "0 layers"; `many` for irregular plurals ("1 matrix", "2 matrices"). The
 * count is printed by `format` (default: as it is). */
export function plural(count, one, many = `${one}s`, format = String) {
  return `${format(count)} ${Math.abs(count) === 1 ? one : many}`;
}

/**
 * How a quantity compares with another, in words computed from `ratio` = ours / theirs:
 *   ratio 4.07  -> {word: "more", text: "4.07 times as many"}   (or "as much" with `mass`)
 *   ratio 1.125 -> {word: "more", text: "1.13 times as many"}
 *   ratio 0.112 -> {word: "fewer", text: "8.93 times fewer"}    ("less" with `mass`)
 *   ratio 1     -> {word: "same", text: "as many"}              (equal at the printed precision)
 * `percent` gives the difference as a share of theirs: "12.5% more", "88.8% fewer".
 */
export function compare(ratio, { decimals = 2, mass = false } = {}) {
  const many = mass ? "much" : "many";
  const fewer = mass ? "less" : "fewer";
  if (!Number.isFinite(ratio) || ratio <= 0) return { word: "unknown", text: "not comparable", percent: "" };
  const shown = formatNumber(ratio, decimals);
  if (shown === formatNumber(1, decimals)) return { word: "same", text: `as ${many}`, percent: `the same` };
  if (ratio > 1) {
    return { word: "more", text: `${shown} times as ${many}`, percent: `${formatNumber((ratio - 1) * 100, 1)}% more` };
  }
  return { word: "fewer", text: `${formatNumber(1 / ratio, decimals)} times ${fewer}`,
    percent: `${formatNumber((1 - ratio) * 100, 1)}% ${fewer}` };
}

/** First letter upper case: "the MLP" -> "The MLP". */
export function capitalise(text) {
  const s = String(text ?? "");
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** A list in prose: ["a"] -> "a", ["a", "b"] -> "a and b", ["a", "b", "c"] -> "a, b and c". */
export function listText(items, conjunction = "and") {
  const list = items.map(String);
  if (list.length <= 1) return list[0] ?? "";
  return `${list.slice(0, -1).join(", ")} ${conjunction} ${list[list.length - 1]}`;
}
