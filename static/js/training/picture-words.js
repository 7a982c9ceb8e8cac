// Words for the pictures, each computed from what the picture shows: class names with their
// article ("an 8", "an ankle boot"), the captions of kernels and feature maps (from their
// shapes), the probe digit's caption, and the sentences under the confusion matrix and the
// mistakes (from their counts). No DOM access.

import { formatInteger, formatPercent, formatShape, TIMES } from "../shared/numbers.js";
import { plural, withArticle } from "../shared/words.js";
import { sizeOf } from "./byte-codes.js";
import { confusionTotals, mostConfused } from "./confusion-math.js";

export const ARROW = "\u2192";

/** Fashion-MNIST's classes, each with the article it takes. */
const FASHION = Object.freeze([
  ["a", "T-shirt/top"], ["a", "Trouser"], ["a", "Pullover"], ["a", "Dress"], ["a", "Coat"],
  ["a", "Sandal"], ["a", "Shirt"], ["a", "Sneaker"], ["a", "Bag"], ["an", "Ankle boot"],
]);
export const FASHION_CLASSES = Object.freeze(FASHION.map(([, name]) => name));

/** A class index -> its name: the digit itself, or Fashion-MNIST's clothing word. */
export function className(index, dataset) {
  return dataset === "fashion-mnist" ? (FASHION_CLASSES[index] ?? String(index)) : String(index);
}

/** A class with its article: "an 8", "a 7", "an Ankle boot". */
export function classWithArticle(index, dataset) {
  const fashion = dataset === "fashion-mnist" ? FASHION[index] : null;
  return fashion ? `${fashion[0]} ${fashion[1]}` : withArticle(className(index, dataset));
}

/** The probe's caption and label: what it is, and what the network says (`predicted` or null). */
export function probeWords(label, predicted, dataset) {
  const truth = classWithArticle(label, dataset);
  if (predicted == null) return { caption: truth, label: `The probe: a test image of ${truth}`, right: false };
  const answer = className(predicted, dataset);
  return {
    caption: `${truth} ${ARROW} says ${answer}`,
    label: `The probe: a test image of ${truth}; the network currently says ${answer}`,
    right: predicted === label,
  };
}

/** A misclassified test image's label: "Test image 247: a 4, taken for a 6". */
export function mistakeLabel(item, dataset) {
  return `Test image ${item.index}: ${classWithArticle(item.label, dataset)}, taken for `
    + `${classWithArticle(item.predicted, dataset)}`;
}

/** What a layer's output is, from its shape and the shape of what it was computed from
 * (`previous`: the layer before, or the input image as [1, h, w]). */
export function layerNote(name, shape, model, previous = null) {
  const n = sizeOf(shape);
  if (name === "flatten") {
    if (!previous || previous[0] === 1) {
      const image = previous ? formatShape(previous.slice(1)) : "input";
      return `the ${image} image as one row of ${formatInteger(n)} numbers`;
    }
    return `the ${plural(previous[0], "map")} above (${formatShape(previous.slice(1))} each) as one row of `
      + `${formatInteger(n)} numbers`;
  }
  if (name.startsWith("relu")) return "negatives set to 0";
  if (name.startsWith("pool")) {
    if (!previous || previous.length !== 3 || shape.length !== 3) return "the largest of each window";
    const k = Math.round(previous[1] / shape[1]);
    return `the largest of each ${k}${TIMES}${k}: ${formatShape(previous.slice(1))} ${ARROW} ${formatShape(shape.slice(1))}`;
  }
  if (name === "conv1") return `${plural(shape[0], "kernel")} slid over the digit`;
  if (name.startsWith("conv")) {
    const inputs = previous ? plural(previous[0], "input map") : "the input maps";
    return `${plural(shape[0], "map")}, each a sum over ${previous?.[0] > 1 ? "all " : ""}${inputs}`;
  }
  if (name.startsWith("fc") && n === 10) return "one score per class: the highest is the answer";
  if (name.startsWith("fc")) {
    const inputs = previous ? `all ${formatInteger(sizeOf(previous))} inputs` : "every input";
    return `${plural(n, "unit")}, each a weighted sum of ${inputs}`;
  }
  return "";
}

/** A kernel layer's caption: "6 kernels, 5×5" or "16 kernels (columns) × 6 input maps (rows), 5×5 each". */
export function kernelNote(layer, model) {
  const [out, inputs, kh, kw] = layer.shape;
  const size = `${kh}${TIMES}${kw}`;
  if (model === "mlp" || layer.name.startsWith("fc")) {
    return `the weights of ${out} of its units, one per input pixel (${size})`;
  }
  if (inputs === 1) return `${plural(out, "kernel")}, ${size}`;
  return `${plural(out, "kernel")} (columns) ${TIMES} ${plural(inputs, "input map")} (rows), ${size} each`;
}

/** The sentence under the confusion matrix: how many are right, and the most common mistake. */
export function confusionSummary(matrix, epoch, dataset, step = null) {
  const { total, correct } = confusionTotals(matrix);
  const right = `${epoch == null ? `At step ${formatInteger(step)}` : `Epoch ${epoch}`}: ${formatInteger(correct)} of ${plural(total, "test image", "test images", formatInteger)}`
    + ` right (${formatPercent(total ? correct / total : NaN)}).`;
  const worst = mostConfused(matrix);
  if (!worst) return `${right} No mistakes.`;
  return `${right} Most often confused: ${className(worst.truth, dataset)} taken for `
    + `${className(worst.predicted, dataset)}, ${plural(worst.count, "time", "times", formatInteger)}.`;
}

/** "after epoch 2", or for a stored step inside an epoch, "at step 8". */
export function whenText(epoch, step = null) {
  return epoch == null ? `at step ${formatInteger(step)}` : `after epoch ${epoch}`;
}

/** The sentence over the misclassified images: `shown` of the epoch's `errors` mistakes (from
 * `first`, 0-based, when paged). */
export function mistakesSummary(shown, errors, epoch, { step = null, first = 0 } = {}) {
  if (!shown) return "";
  const when = whenText(epoch, step);
  if (first > 0) {
    return `Mistakes ${formatInteger(first + 1)}–${formatInteger(first + shown)} of ${formatInteger(errors)} ${when}, `
      + "in test-set order.";
  }
  if (shown >= errors) {
    return errors === 1 ? `The only mistake ${when}.` : `All ${formatInteger(errors)} mistakes ${when}, in test-set order.`;
  }
  return `The first ${shown} of ${formatInteger(errors)} mistakes ${when}, in test-set order.`;
}

/** What the misclassified list says when the network gets every test image right. */
export function noMistakes(epoch, step = null) {
  return `No mistakes on the test set ${whenText(epoch, step)}.`;
}

/** The heading over one confusion cell's images: "113 test images of 4 taken for 9 after epoch 2". */
export function cellHeading({ total, truth, predicted, epoch, step, dataset }) {
  const images = plural(total, "test image", "test images", formatInteger);
  const what = truth === predicted ? `of ${className(truth, dataset)} classified right`
    : `of ${className(truth, dataset)} taken for ${className(predicted, dataset)}`;
  return `${images} ${what} ${whenText(epoch, step)}`;
}

/** "Images 25–48 of 113" for a page of a list. */
export function pageText(offset, shown, total) {
  if (!total) return "None.";
  return `Images ${formatInteger(offset + 1)}–${formatInteger(offset + shown)} of ${formatInteger(total)}.`;
}
