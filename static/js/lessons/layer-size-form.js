// Lesson 5's two forms of layer sizes (D_K, M, N, D_F): reading them, and naming and marking
// their fields when the learner's text or the engine refuses a value. No fetching.

import { subject } from "./lesson-errors.js";

/** The lesson's names for the API's fields. */
export const FIELD_NAMES = {
  dk: "D_K, the kernel size",
  m: "M, the number of input channels",
  n: "N, the number of output channels",
  df: "D_F, the output size",
};

/** nameOf(path) for lesson-errors.js: ["dk"] -> "D_K, the kernel size". */
export function fieldName([name]) {
  return FIELD_NAMES[name] ?? null;
}

/** The form's four fields -> {body} or {error}, marking the field that is not a whole number.
 * Ranges are the API's to enforce. */
export function readLayerSizes(form) {
  const body = {};
  for (const input of form.querySelectorAll("input[data-param]")) {
    input.removeAttribute("aria-invalid");
    const text = input.value.trim();
    const value = Number(text);
    if (text === "" || !Number.isInteger(value)) {
      input.setAttribute("aria-invalid", "true");
      return { error: `${subject(FIELD_NAMES[input.dataset.param])} must be a whole number.` };
    }
    body[input.dataset.param] = value;
  }
  return { body };
}

/** Mark the fields the engine's field errors name (paths as from lessonError). */
export function markLayerSizes(form, paths) {
  for (const [name] of paths) form.querySelector(`input[data-param="${name}"]`)?.setAttribute("aria-invalid", "true");
}
