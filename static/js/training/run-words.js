// Words about a run, each computed from the run's own numbers: its settings in one line, where
// it is ("Epoch 3 of 8, batch 12 of 32: 30% done."), the stat tiles (loss, images a second, time
// left, learning rate, test accuracy), and what the page says when it is queued, done, stopped,
// resumed or put to use. No DOM access.

import {
  DASH,
  formatDuration,
  formatInteger,
  formatPercent,
  formatSignificant,
} from "../shared/numbers.js";
import { plural } from "../shared/words.js";

export const MODEL_NAMES = Object.freeze({ lenet5: "LeNet-5", mlp: "MLP 784-300-50-10", custom: "your own network" });
const LAYER_WORDS = { relu: "ReLU", tanh: "tanh", sigmoid: "sigmoid", batchnorm: "batch norm", flatten: "flatten" };

/** A described network in one line: "conv 32@3×3 → batch norm → ReLU → max 2 → ... → fc 10". */
export function layersText(layers) {
  return (layers ?? []).map((l) => {
    if (l.kind === "conv") return `conv ${l.channels}@${l.kernel}\u00d7${l.kernel}`;
    if (l.kind === "maxpool" || l.kind === "avgpool") return `${l.kind === "maxpool" ? "max" : "avg"} ${l.kernel}`;
    if (l.kind === "linear") return `fc ${l.features}`;
    if (l.kind === "dropout") return `dropout ${l.p}`;
    if (l.kind === "tanh" && l.lecun) return "scaled tanh";
    return LAYER_WORDS[l.kind] ?? l.kind;
  }).join(" \u2192 ");
}
export const OPTIMIZER_NAMES = Object.freeze({
  sgd: "SGD", momentum: "momentum", nesterov: "Nesterov", adam: "Adam",
});
const DOT = " \u00b7 ";

/** A model's name as people say it ("LeNet-5"), or its key. */
export function modelName(model, fallback = model) {
  return MODEL_NAMES[model] ?? fallback;
}

/**
 * A run's config -> its parts: "LeNet-5", "momentum", "lr 0.05", "one-cycle", "batch 64",
 * "8 epochs", "2,000 images". `allImages` is the size of the whole training set (used when
 * train_size is empty).
 */
export function configParts(config, { allImages = null } = {}) {
  if (!config) return [];
  const images = config.train_size ?? allImages;
  const parts = [
    modelName(config.model),
    OPTIMIZER_NAMES[config.optimizer] ?? config.optimizer,
    `lr ${formatSignificant(config.lr)}`,
    config.schedule === "onecycle" ? "one-cycle" : config.schedule,
    `batch ${config.batch_size}`,
    plural(config.epochs, "epoch"),
    images ? plural(images, "image", "images", formatInteger) : "all images",
  ];
  if (config.dataset && config.dataset !== "mnist") parts.push(config.dataset);
  return parts;
}

/** "LeNet-5 · momentum · lr 0.05 · one-cycle · batch 64 · 8 epochs · 2,000 images". */
export function describeConfig(config, options = {}) {
  return configParts(config, options).join(DOT);
}

/** The same without the network's name (shown next to it). */
export function describeSettings(config, options = {}) {
  return configParts(config, options).slice(1).join(DOT);
}

/** "4/6 epochs", "1/1 epoch": the epochs done out of the run's total. */
export function epochsDoneText(done, total) {
  return Number.isFinite(total) ? `${done}/${plural(total, "epoch")}` : plural(done, "epoch");
}

/** A Unix time (seconds) -> "14:05" today, else "3 Dec 14:05". */
export function formatWhen(unixSeconds, now = Date.now()) {
  if (!Number.isFinite(unixSeconds)) return "";
  const date = new Date(unixSeconds * 1000);
  const time = date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  const today = new Date(now).toDateString() === date.toDateString();
  return today ? time : `${date.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} ${time}`;
}

/** Progress as a whole percentage, rounded down: "100%" only once the run is through. */
export function progressPercent(fraction) {
  return formatPercent(Math.floor(Math.max(0, fraction) * 100 + 1e-9) / 100, 0);
}

/** Where a run stands, in one sentence ("" for no run). */
export function progressLine(run, fraction) {
  if (!run.id) return "";
  const percent = progressPercent(fraction);
  const at = run.latest;
  const epochs = run.config?.epochs;
  switch (run.status) {
    case "queued":
      return run.position ? `Waiting: ${queuePlace(run.position)}.` : "Waiting for the run before it to finish.";
    case "running":
      return at
        ? `Epoch ${at.epoch} of ${epochs ?? "?"}, batch ${at.batch} of ${at.batches}: ${percent} done.`
        : "Starting: loading the data\u2026";
    case "paused":
      return `${at ? `Paused in epoch ${at.epoch}, batch ${at.batch} of ${at.batches} (${percent})`
        : `Paused at ${percent}`}. Resume continues from the next batch.`;
    case "stopped":
      return `Stopped at ${percent}. ${resumeNote(run.epochsDone)}`;
    case "interrupted":
      return `Interrupted at ${percent} (the server stopped). ${resumeNote(run.epochsDone)}`;
    case "failed":
      return `Failed at ${percent}. ${resumeNote(run.epochsDone)}`;
    case "completed": {
      const done = epochs ?? run.epochsDone;
      return done === 1 ? "Finished its 1 epoch." : `Finished all ${plural(done, "epoch")}.`;
    }
    default:
      return "";
  }
}

/** "next in the queue" or "number 3 in the queue, after 2 other waiting runs". */
export function queuePlace(position) {
  return position === 1 ? "next in the queue"
    : `number ${position} in the queue, after ${plural(position - 1, "other waiting run")}`;
}

/** What Resume will do, from the epochs the run has finished. */
export function resumeNote(epochsDone) {
  return epochsDone > 0
    ? `Resume restarts from the end of epoch ${epochsDone}.`
    : "Resume starts it again from the beginning.";
}

/** The stat tiles: {loss, speed, eta, lr, test}, each a short text (a dash when unknown). */
export function statTexts(run) {
  const latest = run.latest ?? null;
  const lastEpoch = run.lastEpoch ?? null;
  const running = run.status === "running";
  const rate = latest && running ? latest.images_per_sec : lastEpoch?.images_per_sec;
  // the rate the schedule had reached (a reopened run has no batches: its last epoch's), not the peak
  const lr = latest?.lr ?? lastEpoch?.lr ?? run.config?.lr;
  return {
    loss: latest ? formatSignificant(latest.loss, 3) : DASH,
    speed: rate ? formatInteger(rate) : DASH,
    eta: latest && running ? formatDuration(latest.eta_seconds) : DASH,
    lr: Number.isFinite(lr) ? formatSignificant(lr) : DASH,
    test: lastEpoch ? formatPercent(lastEpoch.test_accuracy) : DASH,
  };
}

/** What the page says when a run is created and has to wait. */
export function queuedMessage(position) {
  if (!position) return "Queued.";
  return position === 1 ? "Queued: next in the queue, behind the running run." : `Queued: ${queuePlace(position)}.`;
}

/** What the page says when a run ends (the "done" message; `epochsDone` when it has no count). */
export function doneMessage(message, epochsDone = 0) {
  const done = message.epochs_completed ?? epochsDone;
  if (message.status === "completed") {
    return `Finished: ${formatPercent(message.test_accuracy)} of the test images right after `
      + `${plural(done, "epoch")}.`;
  }
  return `Stopped after ${plural(done, "finished epoch")}.`;
}

/** What the page says when a stopped or paused run trains again. */
export function resumedMessage(epochsDone) {
  return `Training again ${epochsDone > 0 ? `from the end of epoch ${epochsDone}` : "from the beginning"}.`;
}

/** What the page says when a run's weights become the digit classifier's. */
export function activatedMessage(id, answer) {
  const accuracy = Number.isFinite(answer.test_accuracy) ? `, ${formatPercent(answer.test_accuracy)} on the test set` : "";
  return `The digit classifier now uses run ${id} (${modelName(answer.architecture)}${accuracy}).`;
}
