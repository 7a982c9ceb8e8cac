// What /receptive-field says, worded from the numbers it describes: the selected unit and its
// box, how much of the box hangs into the padding, its activation, how concentrated its
// effective field is (and what follows from that), the digit shown, and the served network's
// convolution parameters. No DOM access.

import { architectureName } from "../shared/network-words.js";
import { TIMES, formatInteger, formatNumber, formatPercent, formatProbability } from "../shared/numbers.js";
import { capitalise, compare, listText, plural, withArticle } from "../shared/words.js";

/** Rows a..b as words: "rows −2 to 13"; one row: "row 5". */
export function span(label, a, b) {
  return a === b ? `${label} ${formatNumber(a)}` : `${label}s ${formatNumber(a)} to ${formatNumber(b)}`;
}

/** A share in whole percent that never rounds a part to "0%" or "100%": 0.004 -> "<1%". */
export function percent(fraction) {
  if (fraction > 0 && fraction < 0.005) return "<1%";
  if (fraction < 1 && fraction >= 0.995) return ">99%";
  return formatPercent(fraction, 0);
}

/** "pool2, unit at row 0, column 4 of its 5 × 5 grid (16 feature maps)." */
export function unitSummary(layer, unit) {
  return `${layer.name}, unit at row ${unit.y}, column ${unit.x} of its ${layer.size} ${TIMES} ${layer.size} grid `
    + `(${plural(layer.channels, "feature map")}).`;
}

/** "16 × 16 pixels: rows −2 to 13, columns 14 to 29." from the unit's whole box (unitBox). */
export function boxText(layer, box) {
  return `${layer.rf} ${TIMES} ${layer.rf} pixels: ${span("row", box.top, box.bottom)}, ${span("column", box.left, box.right)}.`;
}

/**
 * What the box says about the border, from the API's region in the input (clipped, with its
 * outside_fraction) and the layer's rf: {area, outside, text}.
 */
export function paddingText(region, rf) {
  const area = rf * rf;
  const outside = Math.round(region.outside_fraction * area);
  if (outside === 0) return { area, outside, text: "All of it lies inside the image." };
  const inside = `Inside the image it covers ${span("row", region.top, region.bottom)}, ${span("column", region.left, region.right)}.`;
  return {
    area,
    outside,
    text: `${formatInteger(outside)} of its ${formatInteger(area)} pixels (${percent(region.outside_fraction)}) fall outside `
      + `the image, in the zero padding: they are always 0, so a unit at the border sees less of the digit. ${inside}`,
  };
}

/** "16.032, summed over its 16 maps", "0.51, feature map 3", with a note when the map asked for
 * is past this layer's last. */
export function activationText(activation, layer, { channel = null, asked = null } = {}) {
  const which = channel !== null ? `feature map ${channel + 1}`
    : layer.channels > 1 ? `summed over its ${layer.channels} maps` : "";
  const note = asked !== null && channel === null
    ? ` (${layer.name} has only ${plural(layer.channels, "map")}, so all are summed)` : "";
  return `${formatNumber(activation, 3)}${which ? `, ${which}` : ""}${note}`;
}

function concentrationConclusion(central) {
  const outer = 1 - central.share;
  if (outer <= 0.1 && central.areaShare <= 0.5) {
    return { verdict: "edges-negligible", text: `the rest of the box, ${percent(1 - central.areaShare)} of it, holds only `
      + `${percent(outer)}, so its edges hardly matter` };
  }
  if (central.ratio >= 1.25 && central.share >= 0.5) {
    return { verdict: "middle", text: "the unit looks mostly at the middle of its field, and less at the edges" };
  }
  if (central.ratio >= 1.25) {
    return { verdict: "middle-per-pixel", text: "each pixel in the middle counts more than one at the edges, but the "
      + `edges still hold ${percent(outer)} of it` };
  }
  if (central.ratio <= 0.8) return { verdict: "edges", text: "for this digit the edges of the box matter more than its middle" };
  return { verdict: "even", text: "the edges of the box matter about as much as its middle" };
}

/**
 * The effective field in one sentence, every number and the conclusion from centralShare():
 * how much of the sensitivity the central square holds, against what an even spread over the
 * box's pixels in the image would give it. -> {verdict, text}; verdict is one of
 * "none" | "edges-negligible" | "middle" | "middle-per-pixel" | "even" | "edges".
 */
export function effectiveNote(central) {
  if (!(central.total > 0)) {
    return { verdict: "none", text: "No pixel changes this unit for this digit (its value is stuck at 0 here, or the "
      + "maximum came from elsewhere): try another unit or digit." };
  }
  const where = central.clipped
    ? `Of the box\u2019s ${central.boxPixels} pixels inside the image, the central ${central.centralPixels} `
      + `(${percent(central.areaShare)})`
    : `The central ${central.side} ${TIMES} ${central.side} pixels, ${percent(central.areaShare)} of the box,`;
  const versus = compare(central.ratio, { mass: true, decimals: 1 });
  const even = versus.word === "same" ? "as much as" : versus.word === "more" ? `${versus.text} as` : `${versus.text} than`;
  const conclusion = concentrationConclusion(central);
  return {
    verdict: conclusion.verdict,
    text: `${where} hold ${percent(central.share)} of the sensitivity, ${even} an even spread would give them: `
      + `${conclusion.text}.`,
  };
}

/** How a sample digit is named: "An 8 from the MNIST test set (image 128)". */
export function sampleText(sample, { withIndex = true } = {}) {
  return `${capitalise(withArticle(sample.label))} from the MNIST test set${withIndex ? ` (image ${sample.index})` : ""}`;
}

/** "A 7 from the MNIST test set (image 0). The network reads it as 7 (>99.9%)." */
export function sourceText(description, result) {
  return `${description}. The network reads it as ${result.digit} (${formatProbability(result.probabilities[result.digit])}).`;
}

/**
 * The served network's convolutions, from their parameter counts: with or without biases
 * (k·k weights per input and output channel, plus one bias per output channel, or not).
 * `layers`: gridLayers() entries; `architecture`: /api/model's. -> " (The served LeNet-5’s
 * convolutions have no biases: 150 and 2,400 parameters there.)", or "" without convolutions
 * (or when a count fits neither, e.g. a kernel the description did not state).
 */
export function servedConvsText(layers, architecture) {
  const convs = layers.filter((l) => l.type === "Conv2d" && Number.isFinite(l.params)).map((l) => {
    const extra = l.params - l.kernel * l.kernel * l.previous.channels * l.channels;
    return { name: l.name, params: l.params, bias: extra === l.channels, known: extra === 0 || extra === l.channels };
  });
  if (convs.length === 0 || !convs.every((c) => c.known)) return "";
  const served = `The served ${architectureName(architecture)}\u2019s ${convs.length === 1 ? "convolution" : "convolutions"}`;
  const counts = `${listText(convs.map((c) => formatInteger(c.params)))} parameters`;
  if (convs.every((c) => !c.bias)) return ` (${served} ${convs.length === 1 ? "has no bias" : "have no biases"}: ${counts} there.)`;
  if (convs.every((c) => c.bias)) return ` (${served} ${convs.length === 1 ? "has" : "have"} biases too: ${counts}.)`;
  const each = convs.map((c) => `${c.name} ${c.bias ? "with" : "without"} biases (${formatInteger(c.params)})`);
  return ` (In the served ${architectureName(architecture)}: ${listText(each)}.)`;
}
