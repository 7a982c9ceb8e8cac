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
