// Live training: the pure part. Decoding what the server sends (base64 uint8 maps, kernels
// around 128), colour maps, number and time formatting, the series the charts draw, which
// buttons a run's status allows, and reading the form and the API's 422 answers.
// No DOM access here, so every function can be tried on its own.

import { base64ToBytes } from "../shared/base64.js";
import { divergingColor } from "../shared/heatmap.js";

export { base64ToBytes, divergingColor };

export const MINUS = "\u2212";
export const TIMES = "\u00d7";
export const ARROW = "\u2192";
export const DASH = "\u2014";

export const MODEL_NAMES = Object.freeze({ lenet5: "LeNet-5", mlp: "MLP 784-300-50-10" });
export const OPTIMIZER_NAMES = Object.freeze({
  sgd: "SGD", momentum: "momentum", nesterov: "Nesterov", adam: "Adam",
});
export const FASHION_CLASSES = Object.freeze([
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]);

/** Statuses in which the server still owns the run (it may send more messages). */
export const ACTIVE = Object.freeze(["queued", "running", "paused"]);
/** Statuses POST /api/runs/{id}/resume accepts (app/runs/store.py RESUMABLE). */
export const RESUMABLE = Object.freeze(["paused", "stopped", "interrupted", "failed"]);

export function isActive(status) {
  return ACTIVE.includes(status);
}

/** Which controls a run in ``status`` allows; weights exist once an epoch has finished. */
export function allowedActions(status, epochsDone = 0) {
  const known = Boolean(status) && status !== "idle";
  return {
    pause: status === "running",
    resume: RESUMABLE.includes(status),
    stop: ACTIVE.includes(status),
    weights: known && epochsDone > 0,
    remove: known,
  };
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/** The product of a shape's sides. */
export function sizeOf(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** A byte code (0..255 over min..max, as app/runs/worker.py encode_maps) -> the value it stands for. */
export function decodeLevel(code, min, max) {
  return min + (code / 255) * (max - min);
}

/** Signed weights -> bytes around 128, scaled by the largest |w| (worker.py encode_kernels). */
export function encodeKernels(name, weights, shape) {
  let scale = 0;
  for (const w of weights) scale = Math.max(scale, Math.abs(w));
  scale = scale || 1;
  const data = new Uint8Array(weights.length);
  for (let i = 0; i < weights.length; i += 1) data[i] = Math.round(128 + (127 * weights[i]) / scale);
  return { name, shape: [...shape], scale, bytes: data };
}

// ---------------------------------------------------------------------------------------------
// Colour maps. Diverging (shared/heatmap.js): red below zero, white at zero, blue above. Ink: a
// digit as dark ink on white paper.
// ---------------------------------------------------------------------------------------------

/** 256 colours, [r, g, b] each, for codes 0..255 produced by ``value(code)`` in [-1, 1]. */
function lut(value) {
  const table = new Uint8ClampedArray(256 * 3);
  for (let code = 0; code < 256; code += 1) table.set(divergingColor(value(code)), code * 3);
  return table;
}

/** The colour table for kernel bytes: 128 is 0, 1 is -scale, 255 is +scale. */
export const KERNEL_LUT = lut((code) => (code - 128) / 127);

/** The colour table for a layer's maps (codes over min..max): zero white, signs as kernels. */
export function activationLut(min, max) {
  const extent = Math.max(Math.abs(min), Math.abs(max)) || 1;
  return lut((code) => decodeLevel(code, min, max) / extent);
}

/** A digit's pixel (0 paper .. 255 ink) -> grey level, dark ink on white. */
export function inkLevel(value) {
  return 255 - Math.round(value * 0.92);
}

/** Fills ``rgba`` (length 4 * w * h) from codes through a colour table. */
export function paint(rgba, codes, table) {
  for (let i = 0; i < codes.length; i += 1) {
    const c = codes[i] * 3;
    rgba[i * 4] = table[c];
    rgba[i * 4 + 1] = table[c + 1];
    rgba[i * 4 + 2] = table[c + 2];
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

// ---------------------------------------------------------------------------------------------
// Layout of small multiples
// ---------------------------------------------------------------------------------------------

/** A vector of ``n`` values as a strip, wrapped into rows of at most ``maxCols``. */
export function stripLayout(n, maxCols = 128) {
  const rows = Math.max(1, Math.ceil(n / maxCols));
  const cols = Math.ceil(n / rows);
  return { rows, cols };
}

/** Pixels per value so a map of ``side`` values is about ``target`` pixels wide (at least 1). */
export function pixelScale(side, target) {
  return Math.max(1, Math.round(target / Math.max(1, side)));
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const GROUPED = new Intl.NumberFormat("en-GB");

/** 61684 -> "61,684". */
export function formatCount(n) {
  return Number.isFinite(n) ? GROUPED.format(Math.round(n)) : DASH;
}

/** 0.98765 -> "98.77%" (a fraction shown as a percentage). */
export function formatPercent(fraction, digits = 2) {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : DASH;
}

/** A number with ``digits`` significant figures, a typographic minus and e-notation when tiny. */
export function formatNumber(value, digits = 3) {
  if (!Number.isFinite(value)) return DASH;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs >= 1e-3 && abs < 1e5) text = String(Number(value.toPrecision(digits)));
  else {
    const [mantissa, exponent] = value.toExponential(digits - 1).split("e");
    text = `${Number(mantissa)}e${Number(exponent)}`;
  }
  return text.replace(/-/g, MINUS);
}

/** Seconds -> "42 s", "3 min 05 s", "1 h 02 min"; a dash when unknown. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** A Unix time (seconds) -> "14:05" today, else "3 Dec 14:05". */
export function formatWhen(unixSeconds, now = Date.now()) {
  if (!Number.isFinite(unixSeconds)) return "";
  const date = new Date(unixSeconds * 1000);
  const time = date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  const today = new Date(now).toDateString() === date.toDateString();
  return today ? time : `${date.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} ${time}`;
}

/** A class index -> its name: the digit itself, or Fashion-MNIST's clothing word. */
export function className(index, dataset) {
  return dataset === "fashion-mnist" ? (FASHION_CLASSES[index] ?? String(index)) : String(index);
}

/** A run's config -> "LeNet-5 · momentum · lr 0.05 · one-cycle · 8 epochs · 2,000 images". */
export function describeConfig(config) {
  if (!config) return "";
  const parts = [
    MODEL_NAMES[config.model] ?? config.model,
    OPTIMIZER_NAMES[config.optimizer] ?? config.optimizer,
    `lr ${formatNumber(config.lr)}`,
    config.schedule === "onecycle" ? "one-cycle" : config.schedule,
    `batch ${config.batch_size}`,
    `${config.epochs} epoch${config.epochs === 1 ? "" : "s"}`,
    config.train_size ? `${formatCount(config.train_size)} images` : "60,000 images",
  ];
  if (config.dataset && config.dataset !== "mnist") parts.push(config.dataset);
  return parts.join(" \u00b7 ");
}

// ---------------------------------------------------------------------------------------------
// Series for the charts. x is in epochs: batch b of B in epoch e sits at e - 1 + b / B, so the
// per-batch and per-epoch curves share one axis.
// ---------------------------------------------------------------------------------------------

export class RunSeries {
  constructor() {
    this.clear();
  }

  clear() {
    this.batchX = [];
    this.batchLoss = [];
    this.batchAccuracy = [];
    this.epochs = new Map(); // epoch -> record
    this.latest = null; // the last batch message
  }

  get batchCount() {
    return this.batchX.length;
  }

  get epochCount() {
    return this.epochs.size;
  }

  /** A ``batch`` message. A step at or before the last one (a resumed run restarting from its
   * last checkpoint) drops the points it replaces. */
  addBatch(message) {
    const x = message.epoch - 1 + message.batch / message.batches;
    if (!Number.isFinite(x)) return;
    let keep = this.batchX.length;
    while (keep > 0 && this.batchX[keep - 1] >= x) keep -= 1;
    if (keep < this.batchX.length) {
      this.batchX.length = keep;
      this.batchLoss.length = keep;
      this.batchAccuracy.length = keep;
    }
    this.batchX.push(x);
    this.batchLoss.push(message.loss);
    this.batchAccuracy.push(message.accuracy);
    this.latest = message;
  }

  /** An ``epoch`` message or history record; a later record for the same epoch replaces it. */
  addEpoch(record) {
    this.epochs.set(record.epoch, record);
  }

  /** The run's per-epoch history (a snapshot) replaces the epochs known so far. */
  setHistory(history) {
    this.epochs = new Map((history ?? []).map((record) => [record.epoch, record]));
  }

  get lastEpoch() {
    let last = null;
    for (const record of this.epochs.values()) if (!last || record.epoch > last.epoch) last = record;
    return last;
  }

  /** uPlot's aligned data: [x, batch, train epoch, test epoch] for ``"loss"`` or ``"accuracy"``;
   * with ``smooth``, a smoothed copy of the batch values follows the batch values. */
  chartData(kind, { smooth = false } = {}) {
    const batchValues = kind === "loss" ? this.batchLoss : this.batchAccuracy;
    const trainKey = kind === "loss" ? "train_loss" : "train_accuracy";
    const testKey = kind === "loss" ? "test_loss" : "test_accuracy";
    const smoothed = smooth ? smoothSeries(batchValues) : null;
    const width = smooth ? 4 : 3;
    const points = new Map();
    const at = (x) => {
      const key = Math.round(x * 1e6) / 1e6;
      if (!points.has(key)) points.set(key, new Array(width).fill(null));
      return points.get(key);
    };
    this.batchX.forEach((x, i) => {
      const row = at(x);
      row[0] = batchValues[i];
      if (smoothed) row[1] = smoothed[i];
    });
    for (const record of this.epochs.values()) {
      const row = at(record.epoch);
      row[width - 2] = record[trainKey];
      row[width - 1] = record[testKey];
    }
    const xs = [...points.keys()].sort((a, b) => a - b);
    return [xs, ...Array.from({ length: width }, (_, j) => xs.map((x) => points.get(x)[j]))];
  }
}

/** An exponential moving average with the start-up bias removed (as TensorBoard smooths):
 * ``weight`` is how much of the past each point keeps. */
export function smoothSeries(values, weight = 0.9) {
  const out = new Array(values.length);
  let average = 0;
  let norm = 0;
  for (let i = 0; i < values.length; i += 1) {
    average = weight * average + (1 - weight) * values[i];
    norm = weight * norm + (1 - weight);
    out[i] = average / norm;
  }
  return out;
}

/** Test error (or accuracy) per epoch of several runs, aligned on the epoch number for uPlot. */
export function compareData(histories, metric = "error") {
  const epochs = [...new Set(histories.flatMap((h) => h.map((r) => r.epoch)))].sort((a, b) => a - b);
  const series = histories.map((history) => {
    const byEpoch = new Map(history.map((r) => [r.epoch, r.test_accuracy]));
    return epochs.map((e) => {
      const acc = byEpoch.get(e);
      if (!Number.isFinite(acc)) return null;
      return metric === "error" ? 100 * (1 - acc) : 100 * acc;
    });
  });
  return [epochs, ...series];
}

/** The best (lowest) test error of a history, or null. */
export function bestTestError(history) {
  const errors = (history ?? []).map((r) => 1 - r.test_accuracy).filter(Number.isFinite);
  return errors.length ? Math.min(...errors) : null;
}

/** Overall progress of a run in [0, 1] from its latest batch, or its epochs when there is none. */
export function runProgress(latest, epochsDone, epochs) {
  if (!epochs) return 0;
  if (latest) return Math.min(1, (latest.epoch - 1 + latest.batch / latest.batches) / epochs);
  return Math.min(1, (epochsDone || 0) / epochs);
}

// ---------------------------------------------------------------------------------------------
// The form and the API's answers
// ---------------------------------------------------------------------------------------------

/**
 * Raw form strings -> the POST /api/runs body, or errors by field for what cannot be sent at all
 * (not a number, a blank required field, Nesterov without momentum). Ranges are left to the API,
 * whose 422 answer names them.
 * @param {Record<string, string>} raw field name -> the typed text
 * @param {Array<{name: string, kind: string, integer?: boolean, optional?: boolean}>} specs
 */
export function readConfig(raw, specs) {
  const config = {};
  const errors = {};
  for (const spec of specs) {
    const text = String(raw[spec.name] ?? "").trim();
    if (spec.kind === "select") {
      config[spec.name] = text;
      continue;
    }
    if (text === "") {
      if (spec.optional) config[spec.name] = null;
      else errors[spec.name] = "Enter a number.";
      continue;
    }
    const value = Number(text.replace(/\u2212/g, "-").replace(/,/g, ""));
    if (!Number.isFinite(value)) errors[spec.name] = `\u201c${text}\u201d is not a number.`;
    else if (spec.integer && !Number.isInteger(value)) errors[spec.name] = "Enter a whole number.";
    else config[spec.name] = value;
  }
  if (config.optimizer === "nesterov" && config.momentum === 0 && !errors.momentum) {
    errors.momentum = "Nesterov momentum needs a momentum above 0.";
  }
  return { config, errors };
}

/**
 * An error answer's JSON -> messages by field name ("" for the form as a whole). A 422 lists its
 * problems as ``{loc: ["body", field], msg}``, under ``errors`` (with a one-line ``detail``) or
 * as FastAPI's own ``detail`` list; the run manager's 409/422/429 carry one string.
 */
export function errorsByField(status, body, fieldNames = []) {
  const out = {};
  const detail = body?.detail;
  const items = Array.isArray(body?.errors) ? body.errors : Array.isArray(detail) ? detail : null;
  if (items) {
    for (const item of items) {
      const field = (item.loc ?? []).find((part) => fieldNames.includes(part));
      const key = field ?? "";
      const message = String(item.msg ?? "Invalid value").replace(/^Input should be /, "Must be ");
      out[key] = out[key] ? `${out[key]} ${message}` : message;
    }
  } else if (typeof detail === "string") {
    const field = fieldNames.find((name) => new RegExp(`\\b${name}\\b`).test(detail) && name !== "model");
    out[field ?? ""] = detail;
  } else {
    out[""] = `The server answered ${status}.`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Words for the pictures
// ---------------------------------------------------------------------------------------------

/** What a layer's output is, in a few words, for the feature-map captions. */
export function layerNote(name, shape, model) {
  const n = sizeOf(shape);
  if (name === "flatten") {
    return model === "mlp" ? `the 28${TIMES}28 image as one row of ${n} numbers` : `the maps above as one row of ${n} numbers`;
  }
  if (name.startsWith("relu")) return "negatives set to 0";
  if (name.startsWith("pool")) return `the largest of each 2${TIMES}2: half the size`;
  if (name === "conv1") return `${shape[0]} kernels slid over the digit`;
  if (name.startsWith("conv")) return `each of the ${shape[0]} sums over all input maps`;
  if (name.startsWith("fc") && n === 10) return "one score per class: the highest is the answer";
  if (name.startsWith("fc")) return `${n} units, each a weighted sum of every input`;
  return "";
}

/** A kernel layer's caption: "6 kernels, 5×5" or "16 kernels × 6 input maps, 5×5". */
export function kernelNote(layer, model) {
  const [out, inputs, kh, kw] = layer.shape;
  if (model === "mlp" || layer.name.startsWith("fc")) {
    return `the weights of ${out} of its units, one per input pixel (${kh}${TIMES}${kw})`;
  }
  if (inputs === 1) return `${out} kernels, ${kh}${TIMES}${kw}`;
  return `${out} kernels (columns) ${TIMES} ${inputs} input maps (rows), ${kh}${TIMES}${kw} each`;
}

/** The index of the largest code (the same as the largest value: codes are monotonic). */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i] > values[best]) best = i;
  return best;
}

/** A confusion matrix -> {total, correct, errors}. */
export function confusionTotals(matrix) {
  let total = 0;
  let correct = 0;
  matrix.forEach((row, i) => row.forEach((count, j) => {
    total += count;
    if (i === j) correct += count;
  }));
  return { total, correct, errors: total - correct };
}

/** A confusion cell's shade in [0, 1]: right answers by the row's share, mistakes against the
 * largest mistake, so the few errors of a good network still stand out. */
export function confusionShade(matrix, i, j) {
  const count = matrix[i][j];
  if (!count) return 0;
  if (i === j) {
    const row = matrix[i].reduce((a, b) => a + b, 0);
    return row ? count / row : 0;
  }
  let largest = 0;
  matrix.forEach((r, a) => r.forEach((c, b) => {
    if (a !== b) largest = Math.max(largest, c);
  }));
  return largest ? Math.sqrt(count / largest) : 0;
}
