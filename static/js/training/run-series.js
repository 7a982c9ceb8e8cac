// The numbers the charts draw, kept as they arrive: a run's batches and epochs (RunSeries), with
// the smoothed loss the worker computes over every batch (not only over the ~10 a second sent
// here, which would lag by epochs), and two runs' test curves aligned for the comparison. x is in epochs: batch b
// of B in epoch e sits at e - 1 + b / B, so the per-batch and per-epoch curves share one axis.
// No DOM access.

import { formatInteger, formatNumber, formatPercent, formatSignificant } from "../shared/numbers.js";

export class RunSeries {
  constructor() {
    this.clear();
  }

  clear() {
    this.batchX = [];
    this.batchLoss = [];
    this.batchSmoothed = [];
    this.batchAccuracy = [];
    this.batchLr = []; // the learning rate each drawn batch trained with
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
      this.batchSmoothed.length = keep;
      this.batchAccuracy.length = keep;
      this.batchLr.length = keep;
    }
    this.batchX.push(x);
    this.batchLoss.push(message.loss);
    this.batchSmoothed.push(message.smoothed_loss ?? null);
    this.batchAccuracy.push(message.accuracy);
    this.batchLr.push(Number.isFinite(message.lr) ? message.lr : null);
    this.latest = message;
  }

  /** A run's stored per-batch history (GET .../history: columns and batches_per_epoch): every
   * batch up to the last it holds, then the batches here that came later (live ones that arrived
   * while it loaded). It replaces the ~10 a second the socket sent for the steps it covers. */
  loadHistory({ columns, batches_per_epoch: perEpoch }) {
    const rows = { x: [], loss: [], smoothed: [], accuracy: [], lr: [] };
    columns.step.forEach((step, i) => {
      const epoch = columns.epoch[i];
      rows.x.push(epoch - 1 + (step - (epoch - 1) * perEpoch) / perEpoch);
      rows.loss.push(columns.loss[i]);
      rows.smoothed.push(columns.smoothed_loss[i]);
      rows.accuracy.push(columns.accuracy[i]);
      rows.lr.push(columns.lr[i]);
    });
    const lastStored = rows.x.length ? rows.x[rows.x.length - 1] : -Infinity;
    const later = this.batchX.findIndex((x) => x > lastStored + 1e-9);
    const from = later === -1 ? this.batchX.length : later;
    this.batchX = rows.x.concat(this.batchX.slice(from));
    this.batchLoss = rows.loss.concat(this.batchLoss.slice(from));
    this.batchSmoothed = rows.smoothed.concat(this.batchSmoothed.slice(from));
    this.batchAccuracy = rows.accuracy.concat(this.batchAccuracy.slice(from));
    this.batchLr = rows.lr.concat(this.batchLr.slice(from));
  }

  /** A copy holding only what was known at ``x`` (in epochs): for a replayed step. */
  until(x) {
    const copy = new RunSeries();
    const keep = this.batchX.findIndex((value) => value > x + 1e-9);
    const n = keep === -1 ? this.batchX.length : keep;
    copy.batchX = this.batchX.slice(0, n);
    copy.batchLoss = this.batchLoss.slice(0, n);
    copy.batchSmoothed = this.batchSmoothed.slice(0, n);
    copy.batchAccuracy = this.batchAccuracy.slice(0, n);
    copy.batchLr = this.batchLr.slice(0, n);
    copy.epochs = new Map([...this.epochs].filter(([epoch]) => epoch <= x + 1e-9));
    copy.latest = this.latest;
    return copy;
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
   * with ``smooth``, the smoothed loss follows the batch values. For ``"lr"``: [x, batch, epoch],
   * the rate each drawn batch trained with and the one at each epoch's end. */
  chartData(kind, { smooth = false } = {}) {
    if (kind === "lr") return this.aligned([this.batchLr], ["lr"]);
    const batchColumns = kind === "loss" ? [this.batchLoss] : [this.batchAccuracy];
    if (smooth) batchColumns.push(this.batchSmoothed);
    const keys = kind === "loss" ? ["train_loss", "test_loss"] : ["train_accuracy", "test_accuracy"];
    return this.aligned(batchColumns, keys);
  }

  /** [x, ...batchColumns, ...one column per epoch key]: one row per distinct x (batches at theirs,
   * epoch records at x = epoch), null where a column has no value there. */
  aligned(batchColumns, epochKeys) {
    const width = batchColumns.length + epochKeys.length;
    const points = new Map();
    const at = (x) => {
      const key = Math.round(x * 1e6) / 1e6;
      if (!points.has(key)) points.set(key, new Array(width).fill(null));
      return points.get(key);
    };
    this.batchX.forEach((x, i) => {
      const row = at(x);
      batchColumns.forEach((column, j) => { row[j] = column[i]; });
    });
    for (const record of this.epochs.values()) {
      const row = at(record.epoch);
      epochKeys.forEach((key, j) => { row[batchColumns.length + j] = record[key] ?? null; });
    }
    const xs = [...points.keys()].sort((a, b) => a - b);
    return [xs, ...Array.from({ length: width }, (_, j) => xs.map((x) => points.get(x)[j]))];
  }
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

/** The test error after a history's last epoch, or null. */
export function finalTestError(history) {
  const last = history?.length ? history[history.length - 1] : null;
  return last && Number.isFinite(last.test_accuracy) ? 1 - last.test_accuracy : null;
}

/** The learning rates drawn (``chartData("lr")``: [x, batch, epoch]) -> {first, peak, low, current,
 * batches}: each point {x, lr} (the first with the highest / lowest rate), and how many points are
 * batches'; null if there are none. A batch's own rate is taken where there is one, else the epoch's. */
export function lrStats([xs, batch, epoch]) {
  let batches = 0;
  let first = null;
  let peak = null;
  let low = null;
  let current = null;
  xs.forEach((x, i) => {
    const lr = batch[i] ?? epoch[i];
    if (!Number.isFinite(lr)) return;
    if (Number.isFinite(batch[i])) batches += 1;
    current = { x, lr };
    first ??= current;
    if (!peak || lr > peak.lr) peak = current;
    if (!low || lr < low.lr) low = current;
  });
  return first && { first, peak, low, current, batches };
}

/** The sentence under the learning-rate chart, from ``lrStats``: constant, or how far below its
 * peak it is now, or at its highest so far; said to be of the epochs' ends alone when no batch is
 * drawn (a run reopened after it trained). "" when there is nothing drawn. */
export function lrSummary(stats) {
  if (!stats) return "";
  const said = lrWords(stats);
  return stats.batches ? said : `At the epochs\u2019 ends only: ${said.charAt(0).toLowerCase()}${said.slice(1)}`;
}

function lrWords(stats) {
  const { first, peak, low, current } = stats;
  const rate = (p) => formatSignificant(p.lr, 3);
  const at = (p) => `epoch ${formatNumber(p.x, 2)}`;
  if (peak.lr === low.lr) return `Constant at ${rate(current)} from ${at(first)} to ${at(current)}.`;
  if (current.lr === peak.lr) return `At its highest so far: ${rate(current)} at ${at(current)}, up from ${rate(first)} at ${at(first)}.`;
  const ratio = current.lr / peak.lr;
  const share = ratio >= 0.01 ? `${formatPercent(ratio, 1)} of the peak`
    : `${formatInteger(peak.lr / current.lr)} times below the peak`;
  return `Peak ${rate(peak)} at ${at(peak)}; now ${rate(current)} at ${at(current)}, ${share}.`;
}
