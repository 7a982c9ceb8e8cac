// The kernel playground's HTTP calls: upload, preview, presets, apply, explain.
// No DOM access; every call takes an optional AbortSignal and throws ApiError with the
// server's own message for a 4xx/5xx answer.

import { checkResponse, postJson } from "../shared/api.js";

/** POST /api/images -> {id, width, height, format, channels, preview_width, preview_height}. */
export async function uploadImage(blob, filename, signal) {
  const form = new FormData();
  form.append("file", blob, filename || "image");
  const response = await fetch("/api/images", { method: "POST", body: form, signal });
  return (await checkResponse(response)).json();
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

export async function fetchPresets(signal) {
  return (await checkResponse(await fetch("/api/kernels/presets", { signal }))).json();
}

/** POST /api/kernels/apply -> {blob, width, height}. */
export async function applyKernel(body, signal) {
  const response = await checkResponse(await postJson("/api/kernels/apply", body, signal));
  return {
    blob: await response.blob(),
    width: Number(response.headers.get("X-Output-Width")),
    height: Number(response.headers.get("X-Output-Height")),
  };
}

/** POST /api/kernels/explain -> the arithmetic behind output pixel (x, y). */
export async function explainPixel(body, signal) {
  return (await checkResponse(await postJson("/api/kernels/explain", body, signal))).json();
}
