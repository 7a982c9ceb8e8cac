// The training page's parts and its state, in one object every controller module is handed:
//
//   page.root    the [data-training-page] element (its data-* attributes say what is on screen)
//   page.views   the widgets: form, designer (your own network), status, pace, replay (the scrubber), list,
//                kernels, probe (and probeUnit, its picked unit), confusion, missed, compare, lossChart,
//                accuracyChart, lrChart
//   page.series  the watched run's batches and epochs (RunSeries), as the charts draw them
//   page.state   watched: the run on screen (see run-watcher.js), runs: the last list of runs,
//                frame: the pending animation frame, listTimer / listPending: the list's polling,
//                details: run details fetched for the comparison, by id, epochs and status
//
// and the drawing every controller asks for: the status header, the charts, a clean slate.

import { AugmentPreview } from "./augment-preview.js";
import { COLORS, LineChart, percent, plain } from "../shared/charts.js";
import { CompareView } from "./compare-view.js";
import { ConfusionView, MisclassifiedView } from "./evaluation-views.js";
import { KernelsView, ProbeView } from "./network-views.js";
import { NetworkDesigner } from "./network-designer.js";
import { NetworkImport } from "./network-import.js";
import { ProbeInspector } from "./probe-inspector.js";
import { RunForm } from "./run-form.js";
import { RunList } from "./run-list.js";
import { lrStats, lrSummary, RunSeries } from "./run-series.js";
import { PaceControl } from "./pace-control.js";
import { ReplayBar } from "./replay-bar.js";
import { RunStatus } from "./run-status.js";

function charts(root) {
  const logScale = root.querySelector("[data-loss-log]"); // checked: the loss on a log scale
  const lossChart = new LineChart(root.querySelector('[data-chart="loss"]'), {
    series: [
      { label: "train, per batch", stroke: COLORS.batchFaint, width: 1 },
      { label: "train, smoothed", stroke: COLORS.smooth, width: 1.5 },
      { label: "train, epoch", stroke: COLORS.train, width: 2, points: true },
      { label: "test, epoch", stroke: COLORS.test, width: 2, points: true, dash: [6, 3] },
    ],
    xLabel: "epoch", yLabel: "loss", format: plain, log: logScale?.checked ?? true, sync: "training",
  });
  logScale?.addEventListener("change", () => lossChart.setLog(logScale.checked));
  const accuracyChart = new LineChart(root.querySelector('[data-chart="accuracy"]'), {
    series: [
      { label: "train, this epoch so far", stroke: COLORS.batch, width: 1 },
      { label: "train, epoch", stroke: COLORS.train, width: 2, points: true },
      { label: "test, epoch", stroke: COLORS.test, width: 2, points: true, dash: [6, 3] },
    ],
    xLabel: "epoch", yLabel: "accuracy", format: percent, sync: "training",
  });
  const lrChart = new LineChart(root.querySelector('[data-chart="lr"]'), {
    series: [
      { label: "per batch", stroke: COLORS.lr, width: 1.5 },
      { label: "end of epoch", stroke: COLORS.train, width: 2, points: true, line: false },
    ],
    xLabel: "epoch", yLabel: "learning rate", format: plain, height: 150, sync: "training",
  });
  return { lossChart, accuracyChart, lrChart };
}

/** The page object for `root`: its widgets, the watched run's series, and the state. */
export function createTrainingPage(root) {
  const part = (name) => root.querySelector(`[data-${name}]`);
  const form = new RunForm(part("run-form"));
  new AugmentPreview(part("augment"), () => form.augment()); // it listens to its own button
  const sizes = { allImages: form.allImages };
  const probe = new ProbeView(part("probe-view"));
  const views = {
    form,
    designer: new NetworkDesigner(part("network-designer")),
    networkImport: new NetworkImport(part("import-form")),
    status: new RunStatus(part("run-status"), sizes),
    list: new RunList(part("run-list"), sizes),
    kernels: new KernelsView(part("kernels-view")),
    probe,
    probeUnit: new ProbeInspector(part("probe-unit"), probe),
    confusion: new ConfusionView(part("confusion-view")),
    missed: new MisclassifiedView(part("misclassified-view")),
    compare: new CompareView(part("compare-view"), sizes),
    pace: new PaceControl(part("pace-control")),
    replay: new ReplayBar(part("replay-bar")),
    ...charts(root),
  };
  const state = { watched: null, runs: [], frame: 0, listTimer: 0, listPending: 0, details: new Map(), replay: null };
  return { root, views, series: new RunSeries(), state };
}

/** The status header, from the watched run (or "no run"). */
export function renderStatus(page) {
  const run = page.state.watched ?? { id: null, status: "idle" };
  const { latest, lastEpoch } = page.series;
  page.views.status.render({ ...run, latest, lastEpoch });
  page.views.pace.render({ status: run.status, busy: run.busy, step: latest?.step, batchesPerEpoch: latest?.batches,
    imagesPerSecond: latest?.images_per_sec, batchSize: run.config?.batch_size });
  page.root.dataset.runId = run.id ?? "";
  page.root.dataset.status = run.status;
}

function draw(page) {
  const { views, root } = page;
  const replay = page.state.replay;
  const series = replay?.step != null ? page.series.until(replay.x) : page.series; // a stored step: the curves up to it
  page.state.frame = 0;
  views.lossChart.setData(series.chartData("loss", { smooth: true }));
  views.accuracyChart.setData(series.chartData("accuracy"));
  const lr = series.chartData("lr");
  const lrNow = lrStats(lr);
  views.lrChart.setData(lr);
  views.lrChart.container.dataset.current = lrNow ? String(lrNow.current.lr) : "";
  root.querySelector("[data-lr-summary]").textContent = lrSummary(lrNow);
  root.dataset.batchPoints = String(series.batchCount);
  root.dataset.epochPoints = String(series.epochCount);
  renderStatus(page);
}

/** Draws the charts and the header at the next frame (once, however many messages ask). */
export function scheduleDraw(page) {
  if (!page.state.frame) page.state.frame = requestAnimationFrame(() => draw(page));
}

/** Every picture back to its placeholder, the charts empty: before watching another run. */
export function resetViews(page) {
  const { views } = page;
  page.series.clear();
  for (const name of ["kernels", "probe", "probeUnit", "confusion", "missed"]) views[name].clear();
  page.root.dataset.weightsVersion = "0";
  page.root.dataset.activationsVersion = "0";
  draw(page);
}
