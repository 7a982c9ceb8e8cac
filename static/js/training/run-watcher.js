// Watching one run: its WebSocket (run-socket.js reconnects while the run is queued, running or
// paused), and one handler per kind of message, each handing what arrived to the widget that
// draws it. The watched run is `page.state.watched`:
//
//   {id, status, position, config, epochsDone, error,
//    busy          a command is on its way,
//    liveWeights   "weights" messages have arrived (the saved ones are not needed),
//    savedWeightsFor  the epoch whose saved weights were fetched (-1: none),
//    stamp         bumped by every message that says what the run's status is,
//    socket}

import { base64ToBytes } from "../shared/base64.js";
import { decodeLayers } from "./byte-codes.js";
import { confusionTotals } from "./confusion-math.js";
import { renderStatus, resetViews, scheduleDraw } from "./page-views.js";
import { refreshListSoon } from "./run-catalogue.js";
import { RunSocket } from "./run-socket.js";
import { isActive } from "./run-states.js";
import { doneMessage } from "./run-words.js";
import { noteStored, openReplay, scrubbed, stopPlaying } from "./replay.js";
import { showSavedWeights } from "./saved-weights.js";

/** The messages that say what the run's status is. */
const STATUS_MESSAGES = new Set(["snapshot", "status", "done", "error"]);

/** What the live pictures draw: kernels, the probe's maps (while no stored step is on screen). */
const LIVE = {
  weights(page, run, message) {
    page.views.kernels.show(decodeLayers(message.layers), { model: run.config?.model, source: `step ${message.step}` });
    page.root.dataset.weightsVersion = String(page.views.kernels.version);
  },
  activations(page, run, message) {
    const probe = { label: message.probe.label, bytes: base64ToBytes(message.probe.data) };
    const { model, dataset } = run.config ?? {};
    page.views.probe.show(probe, decodeLayers(message.layers), { model, dataset, step: message.step });
    page.views.probeUnit.picture(run.id, probe, message.step);
    page.root.dataset.activationsVersion = String(page.views.probe.version);
  },
};

/** Keeps the newest message of its kind (for "Back to live") and draws it unless the learner is
 * looking at a stored step. */
function keep(page, run, message) {
  run.last[message.type] = message;
  if (!scrubbed(page)) LIVE[message.type](page, run, message);
}

/** An epoch's confusion matrix and mistakes (its counts open from its stored step). */
function drawEpoch(page, run, message) {
  const { epoch, confusion } = message;
  const dataset = run.config?.dataset;
  const step = message.stored === false ? null : message.step ?? null;
  page.views.confusion.show(confusion, { epoch, dataset, runId: run.id, step });
  page.views.missed.show(message.misclassified ?? [], { epoch, dataset, errors: confusionTotals(confusion).errors,
    runId: run.id, step });
}

const HANDLERS = {
  snapshot(page, run, message) {
    const snap = message.run;
    Object.assign(run, {
      status: snap.status, position: snap.position, config: snap.config, epochsDone: snap.epochs_done, error: snap.error,
    });
    page.series.setHistory(snap.history);
    const last = page.series.lastEpoch;
    if (last?.confusion && !scrubbed(page)) {
      page.views.confusion.show(last.confusion, { epoch: last.epoch, dataset: run.config?.dataset, runId: run.id,
        step: last.step ?? null });
    }
    if (run.epochsDone > 0 && !run.liveWeights) showSavedWeights(page, run);
    if (run.status === "failed" && run.error) page.views.status.say(run.error, "error");
    run.pace = snap.pace ?? null;
    page.views.pace.follow(run.pace);
  },
  status(page, run, message) {
    run.status = message.status;
    run.position = message.position ?? null;
    if (message.status === "running") page.views.status.say("");
    refreshListSoon(page);
  },
  batch(page, run, message) {
    if (run.status === "queued") run.status = "running";
    page.series.addBatch(message);
  },
  weights(page, run, message) {
    run.liveWeights = true;
    keep(page, run, message);
  },
  activations: keep,
  pace(page, run, message) {
    run.pace = message;
    page.views.pace.follow(message);
  },
  snapshot_saved(page, run) {
    noteStored(page, run);
  },
  epoch(page, run, message) {
    page.series.addEpoch(message);
    run.epochsDone = Math.max(run.epochsDone, message.epoch);
    run.last.epoch = message;
    if (!scrubbed(page)) drawEpoch(page, run, message);
    refreshListSoon(page);
  },
  done(page, run, message) {
    run.status = message.status;
    run.position = null;
    page.views.status.say(doneMessage(message, run.epochsDone), message.status === "completed" ? "success" : "info");
    noteStored(page, run);
    refreshListSoon(page);
  },
  error(page, run, message) {
    run.status = "failed";
    run.error = message.message;
    page.views.status.say(message.message, "error");
    refreshListSoon(page);
  },
};

function handle(page, run, message) {
  const handler = HANDLERS[message.type];
  if (!handler) return;
  if (STATUS_MESSAGES.has(message.type)) run.stamp += 1;
  handler(page, run, message);
  if (!["weights", "activations"].includes(message.type)) scheduleDraw(page);
}

/** Puts `?run=id` in the address (or takes it out), so a reload watches the same run. */
export function rememberRun(id) {
  const url = new URL(location.href);
  if (id) url.searchParams.set("run", id);
  else url.searchParams.delete("run");
  history.replaceState(null, "", url);
}

function follow(page, run) {
  const { root, views, state } = page;
  const socket = new RunSocket(run.id, { shouldReconnect: () => state.watched === run && isActive(run.status) });
  run.socket = socket;
  socket.addEventListener("state", (event) => {
    if (state.watched !== run) return;
    root.dataset.socket = event.detail;
    if (event.detail === "retrying") views.status.say("Connection lost; reconnecting\u2026", "warning");
    else if (event.detail === "open" && views.status.message.dataset.kind === "warning") views.status.say("Reconnected.");
  });
  socket.addEventListener("message", (event) => {
    if (state.watched === run) handle(page, run, event.detail);
  });
  socket.connect();
}

/** Watches run `id` (its list entry `summary` says what is known so far). */
export function watch(page, id, summary = null) {
  const { state, views } = page;
  state.watched?.socket?.close();
  stopPlaying(page);
  state.replay = null;
  resetViews(page);
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
    stamp: 0,
    socket: null,
    pace: null,
    last: {},
  };
  run.redraw = (type, message) => (type === "epoch" ? drawEpoch(page, run, message) : LIVE[type](page, run, message));
  state.watched = run;
  views.status.say("");
  views.list.select(id);
  rememberRun(id);
  follow(page, run);
  openReplay(page, run);
  renderStatus(page);
}

/** Stops watching: no run on screen. */
export function unwatch(page) {
  page.state.watched?.socket?.close();
  stopPlaying(page);
  page.state.replay = null;
  page.views.replay.hide();
  page.state.watched = null;
  resetViews(page);
  rememberRun(null);
}
