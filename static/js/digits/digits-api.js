// The digit classifier's HTTP calls (also used by /receptive-field). No DOM access; every call
// takes an optional AbortSignal and throws ApiError (shared/api.js) with the server's own message
// for a 4xx/5xx.

import { checkResponse, postJson } from "../shared/api.js";

function predictUrl(activations) {
  return `/api/digits/predict${activations ? "?activations=true" : ""}`;
}

/** POST /api/digits/predict with the canvas as a PNG file: the server crops, scales and centres
 * it as MNIST's digits were. -> {digit, runner_up, probabilities, input, model, architecture,
 * activations?} */
export async function predictDrawing(blob, { activations = false, signal } = {}) {
  const form = new FormData();
  form.append("file", blob, "drawing.png");
  const response = await fetch(predictUrl(activations), { method: "POST", body: form, signal });
  return (await checkResponse(response)).json();
}

/** POST /api/digits/predict with a ready 28 x 28 image (used as it is, no centring). */
export async function predictPixels(pixels, { activations = false, signal } = {}) {
  return (await checkResponse(await postJson(predictUrl(activations), { pixels }, signal))).json();
}

/** GET /api/model: the served network's layers (name, type, description, output shape). */
export async function fetchModel(signal) {
  return (await checkResponse(await fetch("/api/model", { signal }))).json();
}
