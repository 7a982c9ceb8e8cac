// The receptive-field page's HTTP calls. No DOM access; each takes an optional AbortSignal and
// throws ApiError (shared/api.js) with the server's message for a 4xx/5xx.

import { getJson, postJson } from "../shared/api.js";

/** GET /api/receptive-field: {architecture, table}. */
export function fetchTable(signal) {
  return getJson("/api/receptive-field", { signal });
}

/** GET /api/receptive-field?layer&y&x: the unit's box in every earlier layer and the input. */
export function fetchRegions(layer, y, x, signal) {
  const query = new URLSearchParams({ layer, y: String(y), x: String(x) });
  return getJson(`/api/receptive-field?${query}`, { signal });
}

/** POST /api/receptive-field/effective: {gradient 28x28 (max 1), activation, box}. */
export function fetchEffective(body, signal) {
  return postJson("/api/receptive-field/effective", body, { signal });
}

/** POST /api/receptive-field/stack: one row per layer (output_shape, params, rf, jump, start). */
export function postStack(body, signal) {
  return postJson("/api/receptive-field/stack", body, { signal });
}
