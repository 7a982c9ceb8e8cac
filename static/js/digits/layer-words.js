// What /digits says about each layer's output, from the layer's type, its shape, the previous
// layer's shape and /api/model's description of it. No DOM access.

import { DASH, TIMES, formatInteger, formatNumber } from "../shared/numbers.js";
import { plural } from "../shared/words.js";

/** /api/model's plain-text description, typeset: "6@5x5" -> "6@5×5", "400 -> 120" -> "400 → 120". */
export function prettyDescription(text) {
  return String(text ?? "").replace(/(\d)x(\d)/g, `$1${TIMES}$2`).replace(/\s*->\s*/g, " \u2192 ");
}

function side(shape) {
  return `${shape[1]} ${TIMES} ${shape[2]}`;
}

/** [6, 28, 28] -> "6 maps of 28 × 28"; [120] -> "120 numbers"; [1] -> "1 number". */
export function shapeText(shape) {
  if (shape.length === 3) return `${plural(shape[0], "map")} of ${side(shape)}`;
  if (shape.length === 1) return plural(shape[0], "number", "numbers", formatInteger);
  return shape.join(` ${TIMES} `);
}

const FRACTIONS = { 2: "half", 3: "a third of", 4: "a quarter of" };

/** How a pooling layer changed the maps' size: "half the size (28 × 28 to 14 × 14)", "the same
 * 28 × 28 size", "28 × 28 to 24 × 24". */
export function sizeChangeText(previous, shape) {
  if (!previous || previous.length !== 3 || shape.length !== 3) return "";
  if (previous[1] === shape[1] && previous[2] === shape[2]) return `the same ${side(shape)} size`;
  const change = `${side(previous)} to ${side(shape)}`;
  const ratio = previous[1] / shape[1];
  const fraction = previous[2] / shape[2] === ratio && Number.isInteger(ratio) ? FRACTIONS[ratio] : null;
  return fraction ? `${fraction} the size (${change})` : change;
}

/** ", as large as its input", ", smaller than its 14 × 14 input": a convolution's maps against its input. */
function convSizeNote(previous, shape) {
  if (!previous || previous.length !== 3 || shape.length !== 3) return "";
  if (previous[1] === shape[1] && previous[2] === shape[2]) return ", as large as its input";
  const smaller = previous[1] * previous[2] > shape[1] * shape[2];
  return `, ${smaller ? "smaller" : "larger"} than its ${side(previous)} input`;
}

function linearSentence(shape, previous) {
  const inputs = previous ? `the ${formatInteger(previous.shape.reduce((a, b) => a * b, 1))} numbers before` : "the numbers before";
  if (shape[0] === 10) {
    return `10 scores, one per digit, each a weighted sum of ${inputs}; softmax turns them into the probabilities above.`;
  }
  return `${plural(shape[0], "weighted sum", "weighted sums", formatInteger)} of ${inputs}.`;
}

/**
 * One sentence on what a layer did, from its type, its shape, the previous layer's shape (for
 * the first layer, the input image's, [1, 28, 28]) and /api/model's description of it (e.g.
 * "6@5x5, padding 2, no bias").
 */
export function layerSentence(layer, previous, info) {
  const type = info?.type ?? "";
  const shape = layer.shape;
  const kernel = /(\d+)x(\d+)/.exec(info?.description ?? "");
  const k = kernel ? `${kernel[1]} ${TIMES} ${kernel[2]}` : "";
  const resized = sizeChangeText(previous?.shape, shape);
  if (type === "Conv2d") {
    const inMaps = previous ? previous.shape[0] : 1;
    const over = inMaps === 1 ? " slide across the image" : `, each over all ${inMaps} maps below, slide across`;
    return `${plural(shape[0], "filter")} of ${k || "a few pixels"}${over}: one ${side(shape)} map per filter`
      + `${convSizeNote(previous?.shape, shape)}. Blue is a strong positive response, red negative.`;
  }
  if (type === "ReLU") return "Negative values become 0 (ReLU); the positive ones pass unchanged.";
  if (type === "Tanh") return "Each value squashed into \u22121..1 by tanh.";
  if (type === "MaxPool2d") {
    return `The largest value of each ${k || "small"} block${resized ? `: ${resized}` : ""}, and a little shift no longer matters.`;
  }
  if (type === "AvgPool2d") return `The average of each ${k || "small"} block${resized ? `: ${resized}` : ""}.`;
  if (type === "Flatten") {
    const what = !previous ? "maps" : previous.name === "input" ? `${side(previous.shape)} image` : shapeText(previous.shape);
    return `The ${what} laid end to end: ${shapeText(shape)}.`;
  }
  if (type === "Linear") return linearSentence(shape, previous);
  return "";
}

/** "From −1.23 to 4.5": the smallest and largest of a layer's values. */
export function valueRangeText(values) {
  const flat = values.flat(Infinity);
  if (flat.length === 0) return DASH;
  return `From ${formatNumber(Math.min(...flat), 2)} to ${formatNumber(Math.max(...flat), 2)}`;
}
