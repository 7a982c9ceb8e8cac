// The kernel playground's HTTP calls: upload, preview, presets, apply, explain, code. No DOM access;
// every call takes an optional AbortSignal and throws ApiError (shared/api.js) with the server's
// own message for a 4xx/5xx answer.

import { checkResponse, fetchPatiently, getJson, postJson } from "../shared/api.js";

/** POST /api/images -> {id, width, height, format, channels, preview_width, preview_height}. */
export function uploadImage(blob, filename, signal) {
  const form = new FormData();
  form.append("file", blob, filename || "image");
  return postJson("/api/images", form, { signal });
}

/** GET /api/images/{id}/preview -> an ImageBitmap of the preview (what the kernel sees). */
export async function fetchPreview(imageId, signal) {
  const response = await checkResponse(await fetch(`/api/images/${encodeURIComponent(imageId)}/preview`, { signal }));
  return createImageBitmap(await response.blob());
}

/** GET /static/samples/<file> -> Blob, to upload like a photo of the learner's own. */
export async function fetchSample(url, signal) {
  const response = await checkResponse(await fetch(url, { signal }));
  return response.blob();
}

export function fetchPresets(signal) {
  return getJson("/api/kernels/presets", { signal });
}

/** POST /api/kernels/apply -> {blob, width, height} (the answer is an image, not JSON). */
export async function applyKernel(body, signal) {
  const response = await checkResponse(await fetchPatiently("/api/kernels/apply", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal }));
  return {
    blob: await response.blob(),
    width: Number(response.headers.get("X-Output-Width")),
    height: Number(response.headers.get("X-Output-Height")),
  };
}

/** POST /api/kernels/explain -> the arithmetic behind output pixel (x, y). */
export function explainPixel(body, signal) {
  return postJson("/api/kernels/explain", body, { signal });
}

/** POST /api/kernels/code -> {code}: the PyTorch that computes the result for these settings. */
export function fetchCode(body, signal) {
  return postJson("/api/kernels/code", body, { signal });
}
