// The receptive-field page's HTTP calls. No DOM access; each takes an optional AbortSignal and
// throws ApiError (shared/api.js) with the server's message for a 4xx/5xx.

import { checkResponse, postJson } from "../shared/api.js";

/** GET /api/receptive-field: {architecture, table}. */
export async function fetchTable(signal) {
  return (await checkResponse(await fetch("/api/receptive-field", { signal }))).json();
}

/** GET /api/receptive-field?layer&y&x: the unit's box in every earlier layer and the input. */
export async function fetchRegions(layer, y, x, signal) {
  const query = new URLSearchParams({ layer, y: String(y), x: String(x) });
  return (await checkResponse(await fetch(`/api/receptive-field?${query}`, { signal }))).json();
}

/** POST /api/receptive-field/effective: {gradient 28x28 (max 1), activation, box}. */
export async function fetchEffective(body, signal) {
  return (await checkResponse(await postJson("/api/receptive-field/effective", body, signal))).json();
}

/** POST /api/receptive-field/stack: one row per layer (output_shape, params, rf, jump, start). */
export async function postStack(body, signal) {
  return (await checkResponse(await postJson("/api/receptive-field/stack", body, signal))).json();
}
