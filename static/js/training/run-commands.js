// What the learner asks for: starting a run from the form, and the watched run's buttons (pause,
// resume, stop, step, use for the digit classifier, delete) and pace. Errors from the server are shown where
// they belong: next to the form's fields, or in the status header.

import { ApiError } from "../shared/api.js";
import { errorsByField } from "./form-values.js";
import { renderStatus } from "./page-views.js";
import { refreshList, refreshListSoon } from "./run-catalogue.js";
import { activatedMessage, queuedMessage, resumedMessage } from "./run-words.js";
import { activateRun, commandRun, createRun, deleteRun, paceRun } from "./training-api.js";
import { unwatch, watch } from "./run-watcher.js";

const NO_SERVER = "Could not reach the server.";

/** POSTs the form's `config`; watches the new run, or marks the fields the server refused. */
export async function startRun(page, config) {
  const { form, status, designer } = page.views;
  if (config.model === "custom") {
    const own = designer.read();
    if (own.error) {
      form.showErrors({ "": own.error });
      designer.refused(own.error);
      return;
    }
    config = { ...config, layers: own.layers };
  }
  form.setBusy(true);
  try {
    const run = await createRun(config);
    form.showErrors({});
    watch(page, run.id, run);
    if (window.matchMedia("(max-width: 960px)").matches) {
      status.root.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    if (run.status === "queued") status.say(queuedMessage(run.position));
    await refreshList(page);
  } catch (error) {
    form.showErrors(error instanceof ApiError ? errorsByField(error, form.fieldNames) : { "": NO_SERVER });
    if (config.layers && error instanceof ApiError) designer.refused(error.message);
    form.focusFirstError();
  } finally {
    form.setBusy(false);
  }
}

/** Pause, resume or stop: the answer's status counts unless the WebSocket has already said more. */
async function control(page, run, action) {
  const stamp = run.stamp;
  const summary = await commandRun(run.id, action);
  if (page.state.watched !== run) return;
  if (run.stamp === stamp) {
    run.status = summary.status;
    run.position = summary.position;
  }
  if (action === "resume") {
    page.views.status.say(summary.status === "queued" ? resumedMessage(run.epochsDone) : "");
    run.socket?.ensureOpen();
  }
  refreshListSoon(page);
}

const ACTIONS = {
  async activate(page, run) {
    page.views.status.say(activatedMessage(run.id, await activateRun(run.id)), "success");
  },
  async delete(page, run) {
    await deleteRun(run.id);
    unwatch(page);
    page.views.status.say(`Run ${run.id} deleted.`);
    await refreshList(page);
  },
  pause: control,
  resume: control,
  stop: control,
  step: control,
};

/** The pace control's choice: one batch at a time pauses the run; full speed and slow motion set
 * the pace and resume a paused run. */
export async function changePace(page, { mode, batchesPerSecond }) {
  const run = page.state.watched;
  if (!run) return;
  run.busy = true;
  renderStatus(page);
  try {
    if (mode === "step") {
      if (run.status === "running") await control(page, run, "pause");
    } else {
      run.pace = await paceRun(run.id, mode === "slow" ? batchesPerSecond : null);
      if (run.status === "paused") await control(page, run, "resume");
    }
  } catch (error) {
    page.views.status.say(error instanceof ApiError ? error.message : NO_SERVER, "error");
  } finally {
    run.busy = false;
    if (page.state.watched === run) renderStatus(page);
  }
}

/** One of the watched run's buttons. */
export async function runCommand(page, action) {
  const run = page.state.watched;
  if (!run || !ACTIONS[action]) return;
  run.busy = true;
  renderStatus(page);
  try {
    await ACTIONS[action](page, run, action);
  } catch (error) {
    page.views.status.say(error instanceof ApiError ? error.message : NO_SERVER, "error");
  } finally {
    run.busy = false;
    if (page.state.watched === run) renderStatus(page);
  }
}
