// The live training page (/training): builds the page object (page-views.js: its widgets and
// its state), listens to the widgets and starts by watching a run.
//
// Widgets report through CustomEvents: "run-start" (the form), "run-command" (pause, resume,
// stop, step, activate, delete), "pace-change" (the pace control), "replay-seek" and "replay-play"
// (the scrubber, replay.js), "run-select" and "runs-refresh" (the list of past runs) and
// "compare-change" (the comparison). run-watcher.js follows the watched run over its
// WebSocket, run-commands.js carries out what the learner asks, run-catalogue.js keeps the
// list of runs and the comparison.
//
// For tests and curious learners the root element [data-training-page] carries data-run-id,
// data-status, data-socket (connecting | open | retrying | closed), data-batch-points and
// data-epoch-points (points drawn on the charts), data-weights-version and
// data-activations-version (bumped whenever the kernels or the feature maps are redrawn), and
// data-ready once the first list of runs is in.

import { createTrainingPage, renderStatus } from "./page-views.js";
import { poll, refreshList, updateCompare } from "./run-catalogue.js";
import { changePace, runCommand, startRun } from "./run-commands.js";
import { seek, setPlaying, stopPlaying } from "./replay.js";
import { isActive } from "./run-states.js";
import { watch } from "./run-watcher.js";

function listen(page) {
  const { root, state, views } = page;
  root.addEventListener("run-start", (event) => startRun(page, event.detail.config));
  root.addEventListener("model-change", (event) => views.designer.show(event.detail.model === "custom"));
  views.designer.show(views.form.controls.model.value === "custom");
  root.addEventListener("run-command", (event) => runCommand(page, event.detail.action));
  root.addEventListener("pace-change", (event) => changePace(page, event.detail));
  root.addEventListener("replay-seek", (event) => {
    if (!state.watched) return;
    stopPlaying(page);
    seek(page, state.watched, event.detail.step);
  });
  root.addEventListener("replay-play", (event) => state.watched && setPlaying(page, state.watched, event.detail.playing));
  root.addEventListener("run-select", (event) => {
    const { id } = event.detail;
    if (id !== state.watched?.id) watch(page, id, state.runs.find((r) => r.id === id));
    views.status.root.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  root.addEventListener("runs-refresh", () => refreshList(page));
  root.addEventListener("compare-change", () => updateCompare(page));
}

/** Watches the run in the address (?run=id), else an active one, else the newest. */
async function start(page) {
  await refreshList(page);
  const { runs } = page.state;
  const wanted = new URL(location.href).searchParams.get("run");
  const first = runs.find((r) => r.id === wanted) ?? runs.find((r) => isActive(r.status)) ?? runs[0];
  if (first) watch(page, first.id, first);
  else renderStatus(page);
  poll(page);
  page.root.dataset.ready = "true";
}

const root = document.querySelector("[data-training-page]");
if (root) {
  const page = createTrainingPage(root);
  listen(page);
  start(page);
}
