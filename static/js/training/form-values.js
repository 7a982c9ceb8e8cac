// The hyper-parameter form's values: the typed texts as the POST /api/runs body, and an error
// answer's problems by field, so each shows next to its field. No DOM access.

import { parseNumber } from "../shared/numbers.js";

/**
 * Raw form strings -> the POST /api/runs body, or errors by field for what cannot be sent at all
 * (not a number, a blank required field, Nesterov without momentum). Ranges are left to the API,
 * whose 422 answer names them. Thousands separators are allowed ("10,000").
 * @param {Record<string, string>} raw field name -> the typed text
 * @param {Array<{name: string, kind: string, integer?: boolean, optional?: boolean}>} specs
 */
export function readConfig(raw, specs) {
  const config = {};
  const errors = {};
  for (const spec of specs) {
    const text = String(raw[spec.name] ?? "").trim();
    if (spec.kind === "select") {
      config[spec.name] = text;
      continue;
    }
    if (text === "") {
      if (spec.optional) config[spec.name] = null;
      else errors[spec.name] = "Enter a number.";
      continue;
    }
    const parsed = parseNumber(text.replace(/,/g, ""));
    if (!parsed.ok) errors[spec.name] = `${parsed.error}.`;
    else if (spec.integer && !Number.isInteger(parsed.value)) errors[spec.name] = "Enter a whole number.";
    else config[spec.name] = parsed.value;
  }
  if (config.optimizer === "nesterov" && config.momentum === 0 && !errors.momentum) {
    errors.momentum = "Nesterov momentum needs a momentum above 0.";
  }
  return { config, errors };
}

/** A flat config with "augment.shift"-style names -> the body's nested objects ({augment: {shift}}). */
export function nestConfig(config) {
  const out = {};
  for (const [name, value] of Object.entries(config)) {
    const [group, option] = name.split(".");
    if (option === undefined) out[name] = value;
    else (out[group] ??= {})[option] = value;
  }
  return out;
}

/** A field error's text: the server's own sentence for it (`message`) when it gives one, else
 * pydantic's `msg` worded for the form ("Input should be ..." -> "Must be ..."). */
export function fieldMessage(item) {
  if (item.message) return String(item.message);
  return String(item.msg ?? "Invalid value").replace(/^Input should be /, "Must be ");
}

/**
 * An error answer (shared/api.js ApiError: status, errors, detail) -> messages by field name ("" for
 * the form as a whole). A 422 lists its problems as ``{loc: ["body", field], msg}``, under
 * ``errors`` (with a one-line ``detail``) or as FastAPI's own ``detail`` list; the run manager's
 * 409/422/429 carry one sentence, which goes to the field it names, if any.
 */
export function errorsByField(error, fieldNames = []) {
  const out = {};
  const detail = error?.detail;
  const items = error?.errors?.length ? error.errors : Array.isArray(detail) ? detail : null;
  if (items) {
    for (const item of items) {
      const loc = item.loc ?? [];
      const nested = loc.slice(1).join("."); // ["body", "augment", "shift"] -> "augment.shift"
      const key = fieldNames.includes(nested) ? nested : loc.find((part) => fieldNames.includes(part)) ?? "";
      out[key] = out[key] ? `${out[key]} ${fieldMessage(item)}` : fieldMessage(item);
    }
  } else if (typeof detail === "string" && detail) {
    const field = fieldNames.find((name) => name !== "model" && new RegExp(`\\b${name}\\b`).test(detail));
    out[field ?? ""] = error.message || detail;
  } else {
    out[""] = error?.message || `The server answered ${error?.status}.`;
  }
  return out;
}
