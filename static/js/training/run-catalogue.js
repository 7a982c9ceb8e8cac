// The list of past runs and the comparison of two of them: fetching the list (at most about once
// a second however many messages ask, and every few seconds while a run is active), keeping the
// watched run's queue place up to date, and fetching the chosen runs' histories for the
// comparison. `page` is the object of page-views.js.

import { renderStatus } from "./page-views.js";
import { isActive } from "./run-states.js";
import { getRun, listRuns } from "./training-api.js";

const POLL_MS = 5000;
const SOON_MS = 800;

/** Fetches the list of runs and redraws the list, the watched run's queue place and the comparison. */
export async function refreshList(page) {
  const { state, views } = page;
  try {
    state.runs = await listRuns();
  } catch {
    return;
  }
  views.list.render(state.runs);
  views.list.select(state.watched?.id ?? null);
  const mine = state.watched && state.runs.find((r) => r.id === state.watched.id);
  if (mine && mine.status === "queued") {
    state.watched.position = mine.position;
    renderStatus(page);
  }
  views.compare.setRuns(state.runs);
  updateCompare(page);
}

/** At most one list request a second, however many messages ask for one. */
export function refreshListSoon(page) {
  const { state } = page;
  if (state.listPending) return;
  state.listPending = setTimeout(() => {
    state.listPending = 0;
    refreshList(page);
  }, SOON_MS);
}

/** Every few seconds, while the tab is visible and some run is active: the list again. */
export function poll(page) {
  const { state } = page;
  clearTimeout(state.listTimer);
  state.listTimer = setTimeout(async () => {
    if (!document.hidden && state.runs.some((r) => isActive(r.status))) await refreshList(page);
    poll(page);
  }, POLL_MS);
}

/** A run's details (with its history), fetched once for each epoch count and status it has. */
async function runDetail(page, id) {
  const { runs, details } = page.state;
  const summary = runs.find((r) => r.id === id);
  const key = `${id}@${summary?.epochs_done ?? "?"}@${summary?.status ?? "?"}`;
  if (!details.has(key)) details.set(key, getRun(id));
  try {
    return await details.get(key);
  } catch {
    details.delete(key);
    return null;
  }
}

/** Shows the two chosen runs (unless the choice changed while their details were on the way). */
export async function updateCompare(page) {
  const { compare } = page.views;
  const { a, b, metric } = compare.value();
  const chosen = await Promise.all([a ? runDetail(page, a) : null, b ? runDetail(page, b) : null]);
  const now = compare.value();
  if (now.a === a && now.b === b && now.metric === metric) compare.show(chosen, metric);
}
