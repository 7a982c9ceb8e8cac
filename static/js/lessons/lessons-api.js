// The lessons' HTTP calls (/api/lessons/...), through the shared client. No DOM access. Every call
// throws ApiError for a 4xx/5xx answer, with the server's own sentence as its message (a shape
// "(16, -2, -2)" printed as 16×−2×−2) and the field errors it named under `errors`; the pages
// word those with the lesson's names (lesson-errors.js).

import { getJson, postJson } from "../shared/api.js";
import { detailText } from "./lesson-errors.js";

const post = (path, body, signal) => postJson(`/api/lessons/${path}`, body, { signal, describe: detailText });
const get = (path, signal) => getJson(`/api/lessons/${path}`, { signal, describe: detailText });

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

export const transposed = (body, signal) => post("transposed", body, signal);
/** {c_in, c_out, kernel, size, groups} -> {valid_groups, sees, weights, macs, weights_formula, macs_formula, code}. */
export const groups = (body, signal) => post("groups", body, signal);
/** {c_in, c_out, kernel, size} -> {batch, settings: [{groups, weights, macs, seconds}], separable}. */
export const groupsTime = (body, signal) => post("groups/time", body, signal);
/** {signal, length, noise, w, dilation} -> {x, same, causal, ahead, code}. */
export const causal = (body, signal) => post("causal", body, signal);
/** {signal, length, noise, taps, layers, dilated} -> {x, dilations, fields, other_fields, paths, output, code}. */
export const causalStack = (body, signal) => post("causal/stack", body, signal);
/** {pixels, dx, dy} -> {shifted_pixels, ink_kept, answer, current, maps, profiles, networks}. */
export const translation = (body, signal) => post("translation", body, signal);
/** -> {shifts, directions, test_digits, curves, networks, cached, seconds}: accuracy against shift. */
export const translationCurves = (signal) => get("translation/curves", signal);
