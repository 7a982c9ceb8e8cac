// The lessons' HTTP calls (/api/lessons/...) and LiveQuery, which turns a stream of edits into
// requests. No DOM access. Every call throws ApiError carrying the server's own message for a
// 4xx/5xx answer.

import { getJson, postJson } from "../shared/api.js";
import { errorMessage } from "./lesson-math.js";

const post = (path, body, signal) => postJson(`/api/lessons/${path}`, body, { signal, describe: errorMessage });
const get = (path, signal) => getJson(`/api/lessons/${path}`, { signal, describe: errorMessage });

/** {x, w, pad, delta?} -> {y, dx, dw, dx_numeric, dw_numeric, max_difference}; entries with terms. */
export const correlate1d = (body, signal) => post("correlate-1d", body, signal);
/** {x, w, pad, stride, flip, delta?} -> {kernel, y, dx, dw, dx_numeric, dw_numeric, max_difference}. */
export const correlate2d = (body, signal) => post("correlate-2d", body, signal);
/** {x, w, padding, stride, dilation} -> {padded, offset, output, rows, cols, positions}. */
export const slide = (body, signal) => post("slide", body, signal);
/** {x, kernel, stride, delta?} -> {max, argmax, average, dx_max, dx_average}. */
export const pooling = (body, signal) => post("pooling", body, signal);
/** {dk, m, n, df} -> {depthwise, standard, separable, ratio, formulas}. */
export const convCost = (body, signal) => post("conv-cost", body, signal);
/** {dk, m, n, df} -> {cost, seconds, measured_ratio}: the engine runs each kind on a photo. */
export const runConvTypes = (body, signal) => post("conv-types/run", body, signal);
/** "lenet5" | "mlp" -> {architecture, layers, total, conv, classifier}. */
export const builtInParameters = (model, signal) => get(`parameters?model=${encodeURIComponent(model)}`, signal);
/** {input: [C, H, W], layers: [...]} -> the same, for a network the learner describes. */
export const customParameters = (body, signal) => post("parameters", body, signal);
/** -> {lenet5, mlp, error_ratio, size_ratio}; the first call evaluates both networks (seconds). */
export const results = (signal) => get("results", signal);

/**
 * Requests for one part of a page, driven by edits. `schedule(body)` waits `delay` ms for the
 * edits to settle, then sends; only the answer to the latest request is delivered (older ones
 * are left to finish and ignored, never aborted). `onChange()` is called whenever `busy` changes.
 */
export class LiveQuery {
  #send;
  #delay;
  #timer = null;
  #seq = 0;
  #inFlight = 0;

  constructor(send, { delay = 150, onResult = () => {}, onError = () => {}, onChange = () => {} } = {}) {
    this.#send = send;
    this.#delay = delay;
    this.onResult = onResult;
    this.onError = onError;
    this.onChange = onChange;
  }

  get busy() {
    return this.#timer !== null || this.#inFlight > 0;
  }

  /** Send `body` after a pause (a later call replaces it). */
  schedule(body) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#fire(body);
    }, this.#delay);
    this.onChange();
  }

  /** Send `body` now. */
  now(body) {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#fire(body);
  }

  /** Forget anything pending: the current answer stays current only if nothing else is asked. */
  cancel() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#seq += 1;
    this.onChange();
  }

  async #fire(body) {
    this.#seq += 1;
    const seq = this.#seq;
    this.#inFlight += 1;
    this.onChange();
    try {
      const result = await this.#send(body);
      if (seq === this.#seq) this.onResult(result, body);
    } catch (error) {
      if (seq === this.#seq) this.onError(error, body);
    } finally {
      this.#inFlight -= 1;
      this.onChange();
    }
  }
}
