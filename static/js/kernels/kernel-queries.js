// The kernel playground's four live requests, each a shared LiveQuery (latest answer wins):
//   photo    upload a chosen photo and fetch its preview; a newer choice aborts the older one
//   apply    the result for the settings, 150 ms after the last edit; a newer one aborts it
//   explain  the arithmetic of the pixel pointed at: at once when none is out, else at most
//            every 80 ms; never aborted (its answer is small), an older answer is just dropped
//   code     the PyTorch code for the settings, with the same pause as apply; never aborted (its
//            answer is small), an older answer is just dropped
// Handlers are LiveQuery's: {onResult(result, body), onError(error, body), onChange()}.

import { LiveQuery } from "../shared/live-query.js";
import { applyKernel, explainPixel, fetchCode, fetchPreview, fetchSample, uploadImage } from "./kernels-api.js";

const APPLY_DEBOUNCE_MS = 150;
const EXPLAIN_INTERVAL_MS = 80;

/** now(choice) with an "image-chosen" detail {blob | url, name} -> {info, bitmap}: POST
 * /api/images's answer and the preview as an ImageBitmap. */
export function photoQuery(handlers) {
  return new LiveQuery(async ({ blob, url, name }, signal) => {
    const data = blob ?? await fetchSample(url, signal);
    const info = await uploadImage(data, name, signal);
    const bitmap = await fetchPreview(info.id, signal);
    return { info, bitmap };
  }, { delay: 0, abortStale: true, ...handlers });
}

/** schedule(body) / now(body) with an apply body -> {blob, width, height, bitmap} (a JPEG: quick
 * to encode; the download asks for a PNG). `onSent(body)` is told when a request goes out. */
export function applyQuery({ onSent = () => {}, ...handlers }) {
  return new LiveQuery(async (body, signal) => {
    onSent(body);
    const result = await applyKernel({ ...body, format: "jpeg" }, signal);
    return { ...result, bitmap: await createImageBitmap(result.blob) };
  }, { delay: APPLY_DEBOUNCE_MS, abortStale: true, ...handlers });
}

/** A LiveQuery that sends at once when nothing is waiting or out, and otherwise at most every
 * `delay` ms (`maxWait` = `delay`): a throttle, for a pointer sweeping over the photo. */
/** ask(body) with an explain body (the apply body plus {x, y}) -> the explanation. */
export function explainQuery(handlers) {
  return new LiveQuery((body, signal) => explainPixel(body, signal),
    { delay: EXPLAIN_INTERVAL_MS, maxWait: EXPLAIN_INTERVAL_MS, ...handlers });
}

/** schedule(body) with an apply body -> {code}. */
export function codeQuery(handlers) {
  return new LiveQuery((body, signal) => fetchCode(body, signal), { delay: APPLY_DEBOUNCE_MS, ...handlers });
}
