// The /api/runs endpoints, through the shared HTTP client (shared/api.js): each answers with the
// parsed JSON or throws its ApiError (the server's sentence, status and field errors). The run's
// WebSocket is run-socket.js. No DOM access.

import { checkResponse, getJson, postJson, requestJson } from "../shared/api.js";

const runUrl = (id, action = "") => `/api/runs/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;

export const createRun = (config) => postJson("/api/runs", config);
export const listRuns = () => getJson("/api/runs");
export const getRun = (id) => getJson(runUrl(id));
export const deleteRun = (id) => requestJson("DELETE", runUrl(id));
export const activateRun = (id) => postJson(runUrl(id, "activate"));

/** ``action`` is "pause", "resume" or "stop". */
export function commandRun(id, action) {
  return postJson(runUrl(id, action));
}

export function weightsUrl(id) {
  return runUrl(id, "weights");
}

/** The run's network as PyTorch code ("pytorch") or its weights as safetensors ("safetensors"). */
export function exportUrl(id, format) {
  return runUrl(id, `export/${format}`);
}

/** The run's weights file (.npz) as an ArrayBuffer. */
export async function fetchWeights(id) {
  const response = await checkResponse(await fetch(weightsUrl(id)));
  return response.arrayBuffer();
}

/** POST /api/digits/explain for a unit of the run's probe picture, with the weights that made it:
 * {pixels, run_id, weights: "probe", layer, unit} -> the explanation and `weights_step`. */
export function explainProbeUnit(body, signal) {
  return postJson("/api/digits/explain", { ...body, weights: "probe" }, { signal });
}

/** POST /api/networks: {layers} -> every layer's shape, parameters (with the formula), multiply-adds
 * and receptive field, the totals and the server's limits; a 422 names the layer that does not fit. */
export function checkNetwork(body, signal) {
  return postJson("/api/networks", body, { signal });
}

export const networkPresets = () => getJson("/api/networks/presets");

/** POST /api/networks/import (multipart: weights, and code or layers) -> {id, model}. */
export const importNetwork = (form) => postJson("/api/networks/import", form);

/** POST .../pace: ``batchesPerSecond`` for slow motion, null for full speed -> {mode, batches_per_second}. */
export const paceRun = (id, batchesPerSecond) => postJson(runUrl(id, "pace"), { batches_per_second: batchesPerSecond });

/** GET .../history: every stored batch, as columns (step, epoch, loss, smoothed_loss, accuracy, lr,
 * images_per_sec), with ``batches_per_epoch``. */
export const runHistory = (id, signal) => getJson(runUrl(id, "history"), { signal });

/** GET .../snapshots: the stored steps ({steps: [{step, epoch, batch, kind, test_images, ...}]}). */
export const runSnapshots = (id, signal) => getJson(runUrl(id, "snapshots"), { signal });

/** GET .../snapshots/{step}: that step's weights and activations messages, and its evaluation. */
export const runSnapshot = (id, step, signal) => getJson(runUrl(id, `snapshots/${step}`), { signal });

/** GET .../snapshots/{step}/cell: a page of the test images of row ``truth``, column ``predicted``. */
export function runCell(id, step, truth, predicted, offset, limit, signal) {
  const query = new URLSearchParams({ true: truth, predicted, offset, limit });
  return getJson(`${runUrl(id, `snapshots/${step}/cell`)}?${query}`, { signal });
}

/** GET .../snapshots/{step}/mistakes: a page of every misclassified test image at that step. */
export function runMistakes(id, step, offset, limit, signal) {
  return getJson(`${runUrl(id, `snapshots/${step}/mistakes`)}?${new URLSearchParams({ offset, limit })}`, { signal });
}
