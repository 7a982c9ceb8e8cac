// The numbers the charts draw, kept as they arrive: a run's batches and epochs (RunSeries), with
// the smoothed loss the worker computes over every batch (not only over the ~10 a second sent
// here, which would lag by epochs), and two runs' test curves aligned for the comparison. x is in epochs: batch b
// of B in epoch e sits at e - 1 + b / B, so the per-batch and per-epoch curves share one axis.
// No DOM access.

export class RunSeries {
  constructor() {
    this.clear();
  }

  clear() {
    this.batchX = [];
    this.batchLoss = [];
    this.batchSmoothed = [];
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
      this.batchSmoothed.length = keep;
      this.batchAccuracy.length = keep;
    }
    this.batchX.push(x);
    this.batchLoss.push(message.loss);
    this.batchSmoothed.push(message.smoothed_loss ?? null);
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
   * with ``smooth``, the smoothed loss follows the batch values. */
  chartData(kind, { smooth = false } = {}) {
    const batchValues = kind === "loss" ? this.batchLoss : this.batchAccuracy;
    const trainKey = kind === "loss" ? "train_loss" : "train_accuracy";
    const testKey = kind === "loss" ? "test_loss" : "test_accuracy";
    const smoothed = smooth ? this.batchSmoothed : null;
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
