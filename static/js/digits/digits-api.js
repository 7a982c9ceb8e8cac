// The digit classifier's HTTP calls (also used by /receptive-field). No DOM access; every call
// takes an optional AbortSignal and throws ApiError (shared/api.js) with the server's own message
// for a 4xx/5xx.

import { getJson, postJson } from "../shared/api.js";

function predictUrl(activations) {
  return `/api/digits/predict${activations ? "?activations=true" : ""}`;
}

/** POST /api/digits/predict with the canvas as a PNG file: the server crops, scales and centres
 * it as MNIST's digits were. -> {digit, runner_up, probabilities, input, model, architecture,
 * activations?} */
export function predictDrawing(blob, { activations = false, signal } = {}) {
  const form = new FormData();
  form.append("file", blob, "drawing.png");
  return postJson(predictUrl(activations), form, { signal });
}

/** POST /api/digits/predict with a ready 28 x 28 image (used as it is, no centring). */
export function predictPixels(pixels, { activations = false, signal } = {}) {
  return postJson(predictUrl(activations), { pixels }, { signal });
}

/** POST /api/digits/explain: {pixels, layer, unit, target} -> how the unit was computed, forward
 * and backward. */
export function explainUnit(body, signal) {
  return postJson("/api/digits/explain", body, { signal });
}

/** POST /api/digits/gradients: {pixels, target} -> the loss, every layer's gradient, the input
 * gradient and each conv layer's dL/dW. */
export function fetchGradients(body, signal) {
  return postJson("/api/digits/gradients", body, { signal });
}

/** POST /api/digits/gradient-check: {pixels, target, what, index, layer?} -> the derivative by
 * backpropagation and by a central difference, and the two one-sided slopes. */
export function checkGradient(body, signal) {
  return postJson("/api/digits/gradient-check", body, { signal });
}

/** GET /api/model: the served network's layers (name, type, description, output shape). */
export function fetchModel(signal) {
  return getJson("/api/model", { signal });
}
