// The digit classifier's HTTP calls (also used by /receptive-field). No DOM access; every call
// takes an optional AbortSignal and throws ApiError with the server's own message for a 4xx/5xx.

import { errorMessage } from "./digit-math.js";

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export async function check(response) {
  if (response.ok) return response;
  let detail = null;
  try {
    detail = (await response.json()).detail;
  } catch {
    // not JSON: fall back to the status
  }
  throw new ApiError(errorMessage(detail, response.status), response.status);
}

export function isAbort(error) {
  return error?.name === "AbortError";
}

export function postJson(url, body, signal) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

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
  return (await check(response)).json();
}

/** POST /api/digits/predict with a ready 28 x 28 image (used as it is, no centring). */
export async function predictPixels(pixels, { activations = false, signal } = {}) {
  return (await check(await postJson(predictUrl(activations), { pixels }, signal))).json();
}

/** GET /api/model: the served network's layers (name, type, description, output shape). */
export async function fetchModel(signal) {
  return (await check(await fetch("/api/model", { signal }))).json();
}
