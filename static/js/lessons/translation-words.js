// Lesson 11's sentences, each computed from the numbers POST /api/lessons/translation and GET
// /api/lessons/translation/curves give back (the shapes are in app/routes/lessons/translation.py).
// No DOM access.

import { MINUS, formatNumber, formatPercent, formatProbability, formatSignificant } from "../shared/numbers.js";
import { capitalise, listText, plural } from "../shared/words.js";

const ARCHITECTURE = { lenet5: "LeNet-5", mlp: "the MLP" };

/** "LeNet-5, trained with distortions" (or `short`: "LeNet-5"). */
export function networkName(network, { short = false, capital = false } = {}) {
  const name = ARCHITECTURE[network.architecture] ?? network.architecture;
  const text = short ? name : `${name}, trained ${network.distorted ? "with" : "without"} distortions`;
  return capital ? capitalise(text) : text;
}

const signed = (n) => (n < 0 ? `${MINUS}${-n}` : String(n));

/** "3 pixels right and 2 down", "1 pixel left", or "" when unmoved (`unit`: "cell" for a layer's grid). */
export function shiftWords(dx, dy, unit = "pixel") {
  const part = (n, plus, minus) => (n === 0 ? null : `${plural(Math.abs(n), unit)} ${n > 0 ? plus : minus}`);
  return listText([part(dx, "right", "left"), part(dy, "down", "up")].filter(Boolean));
}

/** The sentence under the two digits. */
export function shiftText(result, body) {
  const moved = shiftWords(body.dx, body.dy);
  if (!moved) return "Not moved yet: slide dx or dy.";
  const lost = 1 - result.ink_kept;
  return `Moved ${moved}. ${lost >= 0.005 ? `${formatPercent(lost, 0)} of the ink has left the picture and is lost.` : "All the ink is still in the picture."}`;
}

/** "7 (99.8%)" for one network's probabilities, with the unmoved answer's probability when it lost. */
export function answerText(probabilities, answer) {
  const top = probabilities.indexOf(Math.max(...probabilities));
  const mine = `${top} (${formatProbability(probabilities[top])})`;
  return top === answer ? mine : `${mine}; ${answer} has ${formatProbability(probabilities[answer])}`;
}

/** The sentence under one layer's three maps. */
export function mapText(m, body, scale) {
  const name = m.layer;
  if (body.dx === 0 && body.dy === 0) return `Not moved: both are ${name}'s own maps, and the difference is 0 everywhere.`;
  const compared = `${m.inside_cells} of ${m.cells_total} cells`;
  const why = `there a ${m.field}${"\u00d7"}${m.field}-pixel window reaches past the picture's edge and reads padding, `
    + "whose 0 is not blank paper (normalised, blank paper is \u22120.42), or the moved maps have nothing to bring in";
  if (!m.whole) {
    const [cx, cy] = m.cells;
    const pixels = shiftWords(body.dx, body.dy);
    return `${name} reads pool1's grid, one cell for every ${m.jump} pixels, so ${pixels} is not a whole number of `
      + `cells: moved by ${shiftWords(cx, cy, "cell") || "no cell"} `
      + `(rounded towards 0), the maps differ in ${m.differing_inside === m.inside_cells ? "all" : `${m.differing_inside} of the`} ${m.inside_cells} cells compared, by up to `
      + `${formatSignificant(m.largest_inside, 3)} (the maps reach ${formatSignificant(scale, 3)}): the 2${"\u00d7"}2 pooling `
      + "windows now group other pixels. Try an even shift.";
  }
  if (m.inside_cells === 0) return `Moved this far, no cell of ${name} has its window inside the picture both ways: nothing is left to compare.`;
  const agree = m.differing_inside === 0
    ? `agree exactly (the largest difference is ${formatSignificant(m.largest_inside, 2)})`
    : `differ in ${m.differing_inside} of them by up to ${formatSignificant(m.largest_inside, 3)}`;
  const cells = m.jump === 1 ? "" : ` (moved ${shiftWords(...m.cells, "cell")} of its grid)`;
  const outside = m.differing_outside === 0 ? "Outside it nothing differs either."
    : `The ${plural(m.differing_outside, "cell")} that differ lie outside it: ${why}.`;
  return `${name}${cells}: inside the region compared, ${compared}, the two ${agree}. ${outside}`;
}

/** The mean of the change at +d and -d pixels along a profile. */
function changeAt(profile, layer, d) {
  const at = (s) => profile.change[layer][profile.shifts.indexOf(s)];
  return (at(d) + at(-d)) / 2;
}

/** The sentence under the change chart. */
export function poolingText(profile) {
  const pct = (v) => formatPercent(v, 0);
  const [c1, p2] = [changeAt(profile, "conv1", 1), changeAt(profile, "pool2", 1)];
  const [c4, p4] = [changeAt(profile, "conv1", 4), changeAt(profile, "pool2", 4)];
  const forgives = p2 < c1
    ? `pool2 changes by ${pct(p2)}, less than conv1's ${pct(c1)}: max pooling keeps a window's largest value, and a small move often keeps it in the same window`
    : `pool2 changes by ${pct(p2)}, no less than conv1's ${pct(c1)}: for this digit pooling forgives nothing`;
  return `Moved 1 pixel (the mean of both ways), ${forgives}. Moved 4 pixels, conv1 changes by ${pct(c4)} and pool2 `
    + `by ${pct(p4)}: the move is wider than pool2's windows (4 pixels of the input), and what they keep changes.`;
}

/** From -a to b: the shifts around 0 over which `top` stays `answer`, as [low, high], or null. */
function keptRange(shifts, top, answer) {
  const zero = shifts.indexOf(0);
  if (top[zero] !== answer) return null;
  let low = zero;
  let high = zero;
  while (low > 0 && top[low - 1] === answer) low -= 1;
  while (high < shifts.length - 1 && top[high + 1] === answer) high += 1;
  return [shifts[low], shifts[high]];
}

/** The sentence under the probability chart. */
export function probabilityText(profile, answer, networks) {
  const along = profile.axis === "x" ? "left and right" : "up and down";
  const parts = networks.map((n) => {
    const range = keptRange(profile.shifts, profile.top[n.key], answer);
    if (!range) return `${networkName(n)} does not read it as ${answer} even unmoved`;
    const [low, high] = range;
    const all = low === profile.shifts[0] && high === profile.shifts.at(-1);
    return `by ${networkName(n)} ${all ? "at every shift" : `from ${signed(low)} to ${signed(high)} pixels`}`;
  });
  return `Moved ${along}, the digit is still read as ${answer}: ${parts.join("; ")}.`;
}

/** network key -> the mean of the four directions at each shift. */
export function meanCurves(data) {
  return Object.fromEntries(Object.entries(data.curves).map(([key, byDirection]) => [key, data.shifts.map((_, i) => {
    const values = data.directions.map((dir) => byDirection[dir][i]);
    return values.reduce((a, v) => a + v, 0) / values.length;
  })]));
}

/** What the distortions were: "shifts of up to 2 pixels, turns of up to 10°, ...". */
export function distortionWords(augment) {
  if (!augment) return "no distortions";
  const words = { shift: (v) => `shifts of up to ${formatNumber(v, 1)} pixels`, rotate: (v) => `turns of up to ${formatNumber(v, 1)}\u00b0`,
    scale: (v) => `scalings by up to ${formatPercent(v, 0)}`, shear: (v) => `shears of up to ${formatNumber(v, 1)}\u00b0`,
    elastic_alpha: (v) => `elastic distortions of strength ${formatNumber(v, 1)}` };
  return listText(Object.entries(augment).filter(([k, v]) => v > 0 && words[k]).map(([k, v]) => words[k](v)));
}

/** The sentence under the curves: the tutorial's question answered from them. */
export function curvesText(data) {
  const mean = meanCurves(data);
  const at = (key, d) => mean[key][data.shifts.indexOf(d)];
  const pct = (v) => `${(v * 100).toFixed(1)}%`; // as the table shows them
  const plain = at("lenet5_plain", 4) > at("mlp_plain", 4)
    ? `LeNet-5 keeps ${pct(at("lenet5_plain", 4))} of the test digits and the MLP ${pct(at("mlp_plain", 4))}: convolution and pooling make LeNet-5 more tolerant of a move, though far from invariant`
    : `LeNet-5 keeps ${pct(at("lenet5_plain", 4))} and the MLP ${pct(at("mlp_plain", 4))}: here convolution and pooling did not help`;
  const distorted = data.networks.find((n) => n.key === "lenet5");
  const far = Math.max(...data.shifts);
  const best = Math.max(...Object.keys(mean).map((k) => at(k, far)));
  const unmoved = Math.max(...Object.keys(mean).map((k) => at(k, 0)));
  const invariant = unmoved - best < 0.01;
  return `Moved 4 pixels, trained on the digits as they are, ${plain}. Trained on distorted digits (${distortionWords(distorted?.augment)}), `
    + `they keep ${pct(at("lenet5", 4))} and ${pct(at("mlp", 4))}. At ${far} pixels the best of the four keeps ${pct(best)} against `
    + `${pct(unmoved)} unmoved, so ${invariant ? "one of them is, within a point, translation invariant here" : "none of them is translation invariant: convolution shares its weights across positions, but what a network learns to expect is still where the digits were"}.`;
}
