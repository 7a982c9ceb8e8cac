// The live training page (/training): wires the widgets together and talks to the API.
//
// Widgets report through CustomEvents: "run-start" (the form), "run-command" (pause, resume,
// stop, activate, delete), "run-select" and "runs-refresh" (the list of past runs) and
// "compare-change" (the comparison). This module keeps the watched run in one closure, follows
// it over its WebSocket (RunSocket reconnects while the run is queued, running or paused), and
// hands each message to the widget that draws it.
//
// For tests and curious learners the root element [data-training-page] carries data-run-id,
// data-status, data-socket (connecting | open | retrying | closed), data-batch-points and
// data-epoch-points (points drawn on the charts), data-weights-version and
// data-activations-version (bumped whenever the kernels or the feature maps are redrawn).

import { CompareView } from "./compare-view.js";
import { COLORS, LineChart, percent, plain } from "./charts.js";
import { ConfusionView, MisclassifiedView } from "./evaluation-views.js";
import { KernelsView, ProbeView } from "./network-views.js";
import { readNpz } from "./npz.js";
import { RunForm } from "./run-form.js";
import { RunList } from "./run-list.js";
import { RunStatus } from "./run-status.js";
import {
  ApiError,
  RunSocket,
  activateRun,
  commandRun,
  createRun,
  deleteRun,
  fetchWeights,
  getRun,
  listRuns,
} from "./training-api.js";
import {
  MODEL_NAMES,
  RunSeries,
  base64ToBytes,
  confusionTotals,
  encodeKernels,
  errorsByField,
  formatPercent,
  isActive,
} from "./training-math.js";

const POLL_MS = 5000;
const NO_PROBE = "The probe digit and its feature maps are sent while a run trains, about once a second.";
const NO_MISSED = "The first test images it gets wrong arrive at the end of each epoch while you watch.";

function decodeKernelLayers(layers) {
  return layers.map((layer) => ({ ...layer, bytes: base64ToBytes(layer.data) }));
}

function initTrainingPage(root) {
  const form = new RunForm(root.querySelector("[data-run-form]"));
  const status = new RunStatus(root.querySelector("[data-run-status]"));
  const list = new RunList(root.querySelector("[data-run-list]"));
  const kernels = new KernelsView(root.querySelector("[data-kernels-view]"));
  const probe = new ProbeView(root.querySelector("[data-probe-view]"));
  const confusion = new ConfusionView(root.querySelector("[data-confusion-view]"));
  const missed = new MisclassifiedView(root.querySelector("[data-misclassified-view]"));
  const compare = new CompareView(root.querySelector("[data-compare-view]"));
  const lossChart = new LineChart(root.querySelector('[data-chart="loss"]'), {
    series: [
      { label: "train, per batch", stroke: COLORS.batchFaint, width: 1 },
      { label: "train, smoothed", stroke: COLORS.smooth, width: 1.5 },
      { label: "train, epoch", stroke: COLORS.train, width: 2, points: true },
      { label: "test, epoch", stroke: COLORS.test, width: 2, points: true, dash: [6, 3] },
    ],
    xLabel: "epoch", yLabel: "loss", format: plain, log: true, sync: "training",
  });
  const accuracyChart = new LineChart(root.querySelector('[data-chart="accuracy"]'), {
    series: [
      { label: "train, this epoch so far", stroke: COLORS.batch, width: 1 },
      { label: "train, epoch", stroke: COLORS.train, width: 2, points: true },
      { label: "test, epoch", stroke: COLORS.test, width: 2, points: true, dash: [6, 3] },
    ],
    xLabel: "epoch", yLabel: "accuracy", format: percent, sync: "training",
  });

  const series = new RunSeries();
  /** The run on screen: {id, status, position, config, epochsDone, error, busy, liveWeights, socket}. */
  let watched = null;
  let runs = [];
  let frame = 0;
  let listTimer = 0;
  let listPending = null;
  const detailCache = new Map(); // "id@epochs" -> RunDetail, for the comparison

  // ---- drawing ---------------------------------------------------------------------------
  function renderStatus() {
    const run = watched ?? { id: null, status: "idle" };
    status.render({ ...run, latest: series.latest, lastEpoch: series.lastEpoch });
    root.dataset.runId = run.id ?? "";
    root.dataset.status = run.status;
  }

  function draw() {
    frame = 0;
    lossChart.setData(series.chartData("loss", { smooth: true }));
    accuracyChart.setData(series.chartData("accuracy"));
    root.dataset.batchPoints = String(series.batchCount);
    root.dataset.epochPoints = String(series.epochCount);
    renderStatus();
  }

  function scheduleDraw() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function resetViews() {
    series.clear();
    kernels.clear("The kernels appear with the run\u2019s first batch.");
    probe.clear(NO_PROBE);
    confusion.clear("The confusion matrix appears after the first epoch.");
    missed.clear(NO_MISSED);
    root.dataset.weightsVersion = "0";
    root.dataset.activationsVersion = "0";
    draw();
  }

  // ---- the list of runs and the comparison ------------------------------------------------
  async function refreshList() {
    try {
      runs = await listRuns();
    } catch {
      return;
    }
    list.render(runs);
    list.select(watched?.id ?? null);
    const mine = watched && runs.find((r) => r.id === watched.id);
    if (mine && mine.status === "queued") {
      watched.position = mine.position;
      renderStatus();
    }
    compare.setRuns(runs);
    updateCompare();
  }

  /** At most one list request a second, however many messages ask for one. */
  function refreshListSoon() {
    if (listPending) return;
    listPending = setTimeout(() => {
      listPending = null;
      refreshList();
    }, 800);
  }

  function poll() {
    clearTimeout(listTimer);
    listTimer = setTimeout(async () => {
      if (!document.hidden && runs.some((r) => isActive(r.status))) await refreshList();
      poll();
    }, POLL_MS);
  }

  async function detail(id) {
    const summary = runs.find((r) => r.id === id);
    const key = `${id}@${summary?.epochs_done ?? "?"}@${summary?.status ?? "?"}`;
    if (!detailCache.has(key)) detailCache.set(key, getRun(id));
    try {
      return await detailCache.get(key);
    } catch {
      detailCache.delete(key);
      return null;
    }
  }

  async function updateCompare() {
    const { a, b, metric } = compare.value();
    const details = await Promise.all([a ? detail(a) : null, b ? detail(b) : null]);
    const now = compare.value();
    if (now.a === a && now.b === b && now.metric === metric) compare.show(details, metric);
  }

  // ---- watching one run --------------------------------------------------------------------
  function watch(id, summary = null) {
    if (watched?.socket) watched.socket.close();
    resetViews();
    const run = {
      id,
      status: summary?.status ?? "queued",
      position: summary?.position ?? null,
      config: summary?.config ?? null,
      epochsDone: summary?.epochs_done ?? 0,
      error: summary?.error ?? null,
      busy: false,
      liveWeights: false,
      savedWeightsFor: -1,
      stamp: 0, // bumped by every message that says what the run's status is
      socket: null,
    };
    watched = run;
    status.say("");
    list.select(id);
    const url = new URL(location.href);
    url.searchParams.set("run", id);
    history.replaceState(null, "", url);

    const socket = new RunSocket(id, { shouldReconnect: () => watched === run && isActive(run.status) });
    run.socket = socket;
    socket.addEventListener("state", (event) => {
      if (watched !== run) return;
      root.dataset.socket = event.detail;
      if (event.detail === "retrying") status.say("Connection lost; reconnecting\u2026", "warning");
      else if (event.detail === "open" && status.message.dataset.kind === "warning") status.say("Reconnected.");
    });
    socket.addEventListener("message", (event) => {
      if (watched === run) handle(run, event.detail);
    });
    socket.connect();
    renderStatus();
  }

  function handle(run, message) {
    if (["snapshot", "status", "done", "error"].includes(message.type)) run.stamp += 1;
    switch (message.type) {
      case "snapshot": {
        const snap = message.run;
        Object.assign(run, {
          status: snap.status, position: snap.position, config: snap.config,
          epochsDone: snap.epochs_done, error: snap.error,
        });
        series.setHistory(snap.history);
        const last = series.lastEpoch;
        if (last?.confusion) confusion.show(last.confusion, { epoch: last.epoch, dataset: run.config?.dataset });
        if (run.epochsDone > 0 && !run.liveWeights) showSavedWeights(run);
        if (run.status === "failed" && run.error) status.say(run.error, "error");
        scheduleDraw();
        break;
      }
      case "status":
        run.status = message.status;
        run.position = message.position ?? null;
        if (message.status === "running") status.say("");
        scheduleDraw();
        refreshListSoon();
        break;
      case "batch":
        if (run.status === "queued") run.status = "running";
        series.addBatch(message);
        scheduleDraw();
        break;
      case "weights":
        run.liveWeights = true;
        kernels.show(decodeKernelLayers(message.layers), { model: run.config?.model, source: `step ${message.step}` });
        root.dataset.weightsVersion = String(kernels.version);
        break;
      case "activations":
        probe.show(
          { label: message.probe.label, bytes: base64ToBytes(message.probe.data) },
          decodeKernelLayers(message.layers),
          { model: run.config?.model, dataset: run.config?.dataset, step: message.step },
        );
        root.dataset.activationsVersion = String(probe.version);
        break;
      case "epoch": {
        series.addEpoch(message);
        run.epochsDone = Math.max(run.epochsDone, message.epoch);
        const dataset = run.config?.dataset;
        confusion.show(message.confusion, { epoch: message.epoch, dataset });
        missed.show(message.misclassified ?? [], {
          epoch: message.epoch, dataset, errors: confusionTotals(message.confusion).errors,
        });
        scheduleDraw();
        refreshListSoon();
        break;
      }
      case "done":
        run.status = message.status;
        run.position = null;
        if (message.status === "completed") {
          status.say(`Finished: ${formatPercent(message.test_accuracy)} of the test images right after `
            + `${message.epochs_completed} epoch${message.epochs_completed === 1 ? "" : "s"}.`, "success");
        } else {
          const done = message.epochs_completed ?? run.epochsDone;
          status.say(`Stopped after ${done} finished epoch${done === 1 ? "" : "s"}.`);
        }
        scheduleDraw();
        refreshListSoon();
        break;
      case "error":
        run.status = "failed";
        run.error = message.message;
        status.say(message.message, "error");
        scheduleDraw();
        refreshListSoon();
        break;
      default:
        break;
    }
  }

  /** A run watched after the fact: its kernels from the weights saved at its last epoch. */
  async function showSavedWeights(run) {
    if (run.savedWeightsFor === run.epochsDone) return;
    run.savedWeightsFor = run.epochsDone;
    const model = run.config?.model;
    try {
      const arrays = await readNpz(await fetchWeights(run.id), ["conv1.weight", "conv2.weight", "fc1.weight"]);
      if (watched !== run || run.liveWeights) return;
      let layers;
      if (model === "mlp") {
        const fc1 = arrays["fc1.weight"];
        layers = [encodeKernels("fc1", fc1.data.subarray(0, 16 * 784), [16, 1, 28, 28])];
      } else {
        layers = ["conv1", "conv2"].map((name) => encodeKernels(name, arrays[`${name}.weight`].data,
          arrays[`${name}.weight`].shape));
      }
      kernels.show(layers, { model, source: `saved after epoch ${run.epochsDone}` });
      root.dataset.weightsVersion = String(kernels.version);
    } catch (error) {
      if (watched === run) kernels.clear(`Could not read the saved weights: ${error.message}`);
    }
  }

  // ---- commands ----------------------------------------------------------------------------
  async function command(action) {
    const run = watched;
    if (!run) return;
    run.busy = true;
    renderStatus();
    try {
      if (action === "activate") {
        const answer = await activateRun(run.id);
        status.say(`The digit classifier now uses run ${run.id} (${MODEL_NAMES[answer.architecture] ?? answer.architecture}`
          + `, ${formatPercent(answer.test_accuracy)} on the test set).`, "success");
      } else if (action === "delete") {
        await deleteRun(run.id);
        run.socket?.close();
        watched = null;
        resetViews();
        const url = new URL(location.href);
        url.searchParams.delete("run");
        history.replaceState(null, "", url);
        status.say(`Run ${run.id} deleted.`);
        await refreshList();
        return;
      } else {
        const stamp = run.stamp;
        const summary = await commandRun(run.id, action);
        // The WebSocket may already have said what happened next (paused, stopped, running):
        // the answer only counts when no newer word about the run's status has come in.
        if (watched === run && run.stamp === stamp) {
          run.status = summary.status;
          run.position = summary.position;
        }
        if (watched === run) {
          if (action === "resume") {
            const from = run.epochsDone > 0 ? `from the end of epoch ${run.epochsDone}` : "from the beginning";
            status.say(summary.status === "queued" ? `Training again ${from}.` : "");
            run.socket?.ensureOpen();
          }
        }
        refreshListSoon();
      }
    } catch (error) {
      status.say(error instanceof ApiError ? error.message : "Could not reach the server.", "error");
    } finally {
      run.busy = false;
      if (watched === run) renderStatus();
    }
  }

  // ---- events ------------------------------------------------------------------------------
  root.addEventListener("run-start", async (event) => {
    form.setBusy(true);
    try {
      const run = await createRun(event.detail.config);
      form.showErrors({});
      watch(run.id, run);
      if (window.matchMedia("(max-width: 960px)").matches) {
        root.querySelector("[data-run-status]").scrollIntoView({ block: "start", behavior: "smooth" });
      }
      if (run.status === "queued") status.say(`Queued: number ${run.position} in line behind the running run.`);
      await refreshList();
    } catch (error) {
      if (error instanceof ApiError) form.showErrors(errorsByField(error.status, error.body, form.fieldNames));
      else form.showErrors({ "": "Could not reach the server." });
      form.focusFirstError();
    } finally {
      form.setBusy(false);
    }
  });
  root.addEventListener("run-command", (event) => command(event.detail.action));
  root.addEventListener("run-select", (event) => {
    if (event.detail.id !== watched?.id) watch(event.detail.id, runs.find((r) => r.id === event.detail.id));
    root.querySelector("[data-run-status]").scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  root.addEventListener("runs-refresh", () => refreshList());
  root.addEventListener("compare-change", () => updateCompare());

  // ---- start -------------------------------------------------------------------------------
  (async () => {
    await refreshList();
    const wanted = new URL(location.href).searchParams.get("run");
    const first = runs.find((r) => r.id === wanted) ?? runs.find((r) => isActive(r.status)) ?? runs[0];
    if (first) watch(first.id, first);
    else renderStatus();
    poll();
    root.dataset.ready = "true";
  })();
}

const root = document.querySelector("[data-training-page]");
if (root) initTrainingPage(root);
