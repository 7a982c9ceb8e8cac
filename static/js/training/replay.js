// Replaying the watched run: its stored per-batch history drawn on the charts (also after a
// reload or a restart), and a scrubber that moves the whole page -- curves up to the step,
// kernels, the probe's maps, confusion matrix and mistakes -- to any stored step, with Play and a
// way back to live. The state is `page.state.replay`:
//
//   {runId, steps     the stored steps (GET .../snapshots), by step,
//    step             the step on screen, or null for live (or a finished run's end),
//    playing, timer   Play moves one stored step every PLAY_EVERY_MS,
//    query            the AbortController of the snapshot being fetched}
//
// While a step is on screen, run-watcher.js keeps what arrives live (see `scrubbed`) but does not draw it.

import { base64ToBytes } from "../shared/base64.js";
import { decodeLayers } from "./byte-codes.js";
import { confusionTotals } from "./confusion-math.js";
import { scheduleDraw } from "./page-views.js";
import { isActive } from "./run-states.js";
import { runHistory, runSnapshot, runSnapshots } from "./training-api.js";

const PLAY_EVERY_MS = 900;

export function scrubbed(page) {
  return page.state.replay?.step != null;
}

/** Where a stored step sits on the charts' axis, in epochs. */
export function stepX(entry, batchesPerEpoch) {
  return entry.epoch - 1 + entry.batch / batchesPerEpoch;
}

function render(page, run) {
  const replay = page.state.replay;
  const lastStep = Math.max(page.series.latest?.step ?? 0, ...replay.steps.map((e) => e.step));
  page.views.replay.render({ ...replay, active: isActive(run.status), lastStep });
}

/** For the run just watched: its history on the charts, its stored steps on the bar, and for a run
 * that no longer trains, its last stored step's pictures. */
export async function openReplay(page, run) {
  stopPlaying(page);
  page.state.replay?.query?.abort();
  page.state.replay = { runId: run.id, steps: [], step: null, playing: false, timer: 0, query: null, perEpoch: 0 };
  render(page, run);
  try {
    const [history, listed] = await Promise.all([runHistory(run.id), runSnapshots(run.id)]);
    if (page.state.watched !== run) return;
    page.series.loadHistory(history);
    page.state.replay.perEpoch = history.batches_per_epoch;
    page.state.replay.historyLast = history.columns.step.at(-1) ?? 0;
    page.state.replay.steps = listed.steps;
    scheduleDraw(page);
    render(page, run);
    if (!isActive(run.status) && listed.steps.length) await showStep(page, run, listed.steps.at(-1), { end: true });
    else await showLastEpoch(page, run, listed.steps);
  } catch (error) {
    if (page.state.watched === run) page.views.replay.parts.replayLine.textContent = `Could not load the replay: ${error.message}`;
  }
}

/** A run still training, reopened: its last epoch's mistakes (the socket's snapshot has only the
 * matrix), until the next epoch message brings newer ones. */
async function showLastEpoch(page, run, steps) {
  const entry = steps.filter((e) => e.kind === "epoch").at(-1);
  if (!entry || run.last.epoch) return;
  const snap = await runSnapshot(run.id, entry.step).catch(() => null);
  if (!snap || page.state.watched !== run || run.last.epoch || scrubbed(page)) return;
  drawEvaluation(page, run, snap);
}

/** A snapshot's confusion matrix and mistakes, their counts and pages read from its step. */
function drawEvaluation(page, run, snap) {
  const { confusion, misclassified, mistakes, test_images: testImages } = snap.evaluation;
  const { dataset } = run.config ?? {};
  const epoch = snap.kind === "epoch" ? snap.epoch : null;
  page.views.confusion.show(confusion, { epoch, dataset, runId: run.id, step: snap.step, testImages });
  page.views.missed.show(misclassified, { epoch, dataset, errors: mistakes ?? confusionTotals(confusion).errors,
    runId: run.id, step: snap.step, testImages });
}

/** Every batch stored so far, in place of the ones the socket sent (about 10 a second). */
async function reloadHistory(page, run) {
  const history = await runHistory(run.id).catch(() => null);
  if (!history || page.state.watched !== run) return;
  page.series.loadHistory(history);
  page.state.replay.historyLast = history.columns.step.at(-1) ?? 0;
}

/** A "snapshot_saved" message: one more stored step for the bar. */
export async function noteStored(page, run) {
  const listed = await runSnapshots(run.id).catch(() => null);
  if (!listed || page.state.watched !== run) return;
  page.state.replay.steps = listed.steps;
  render(page, run);
}

/** Moves the page to stored ``step``, or (null) back to live / the run's end. */
export async function seek(page, run, step) {
  const replay = page.state.replay;
  if (step === null) {
    replay.step = null;
    replay.query?.abort();
    if (isActive(run.status)) showLive(page, run);
    else if (replay.steps.length) await showStep(page, run, replay.steps.at(-1), { end: true });
    scheduleDraw(page);
    render(page, run);
    return;
  }
  const entry = replay.steps.find((e) => e.step === step);
  if (!entry) return;
  if (step > (replay.historyLast ?? 0)) await reloadHistory(page, run); // a live run's stored steps outrun what was loaded
  replay.step = step;
  replay.x = stepX(entry, replay.perEpoch || entry.batch);
  render(page, run);
  scheduleDraw(page);
  await showStep(page, run, entry);
}

async function showStep(page, run, entry, { end = false } = {}) {
  const replay = page.state.replay;
  replay.query?.abort();
  const query = new AbortController();
  replay.query = query;
  let snap;
  try {
    snap = await runSnapshot(run.id, entry.step, query.signal);
  } catch (error) {
    if (error.name !== "AbortError" && page.state.watched === run) page.views.status.say(error.message, "error");
    return;
  }
  if (page.state.watched !== run || query.signal.aborted || (!end && replay.step !== entry.step)) return;
  if (end && replay.step !== null) return;
  drawSnapshot(page, run, snap);
}

/** A snapshot's pictures, drawn by the widgets that draw the live messages. */
function drawSnapshot(page, run, snap) {
  const { views, root } = page;
  const { model, dataset } = run.config ?? {};
  const source = snap.kind === "epoch" ? `step ${snap.step}, the end of epoch ${snap.epoch} (stored)` : `step ${snap.step} (stored)`;
  views.kernels.show(decodeLayers(snap.weights.layers), { model, source });
  const probe = { label: snap.activations.probe.label, bytes: base64ToBytes(snap.activations.probe.data) };
  views.probe.show(probe, decodeLayers(snap.activations.layers), { model, dataset, step: snap.step });
  drawEvaluation(page, run, snap);
  root.dataset.weightsVersion = String(views.kernels.version);
  root.dataset.activationsVersion = String(views.probe.version);
  root.dataset.replayShown = String(snap.step);
}

/** Back to what the socket said last (kernels, maps, the last epoch's evaluation). */
function showLive(page, run) {
  const last = run.last ?? {};
  for (const type of ["weights", "activations", "epoch"]) if (last[type]) run.redraw?.(type, last[type]);
  page.root.dataset.replayShown = "";
}

export function stopPlaying(page) {
  const replay = page.state.replay;
  if (!replay) return;
  clearTimeout(replay.timer);
  replay.playing = false;
}

/** Play from the step on screen (from the first, at live or at the end) to the last stored step. */
export function setPlaying(page, run, playing) {
  const replay = page.state.replay;
  stopPlaying(page);
  if (!playing || !replay.steps.length) {
    render(page, run);
    return;
  }
  replay.playing = true;
  const advance = async () => {
    if (!replay.playing || page.state.watched !== run) return;
    const index = replay.step === null ? -1 : replay.steps.findIndex((e) => e.step === replay.step);
    if (index + 1 >= replay.steps.length) {
      stopPlaying(page);
      await seek(page, run, null);
      return;
    }
    await seek(page, run, replay.steps[index + 1].step);
    replay.timer = setTimeout(advance, PLAY_EVERY_MS);
  };
  advance();
}
