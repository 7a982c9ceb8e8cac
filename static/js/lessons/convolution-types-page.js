// Lesson 5, /lessons/convolution-types: the cost calculator (POST /api/lessons/conv-cost, as the
// learner types) and the timed run on a photo (POST /api/lessons/conv-types/run, on a button
// press: it takes about a second and the server runs one at a time).

import { bars, showError } from "./lesson-draw.js";
import {
  formatInt,
  formatMs,
  formatNumber,
  formatRatio,
  prettyFormula,
} from "./lesson-math.js";
import { convCost, runConvTypes } from "./lessons-api.js";
import { PageState, rendered, stale, start } from "./lesson-page.js";

const KINDS = [
  { key: "depthwise", label: "Image-editor style", cls: "is-muted" },
  { key: "standard", label: "LeNet style", cls: "is-warm" },
  { key: "separable", label: "Depthwise separable", cls: "is-pos" },
];
const NAMES = { dk: "D_K", m: "M", n: "N", df: "D_F" };

/** The form's four fields -> {body} or {error, input}. Ranges are left to the API to enforce. */
function readForm(form) {
  const body = {};
  for (const input of form.querySelectorAll("input[data-param]")) {
    input.removeAttribute("aria-invalid");
    const text = input.value.trim();
    const value = Number(text);
    if (text === "" || !Number.isInteger(value)) {
      input.setAttribute("aria-invalid", "true");
      return { error: `${NAMES[input.dataset.param]} must be a whole number.`, input };
    }
    body[input.dataset.param] = value;
  }
  return { body };
}

/** Mark the field an API message names ("n: Input should be ...") as invalid. */
function markFromMessage(form, message) {
  const name = /^(dk|m|n|df):/.exec(message)?.[1];
  form.querySelector(`input[data-param="${name}"]`)?.setAttribute("aria-invalid", "true");
}

/** "n: Input should be greater than or equal to 1" -> "N: Input should be …". */
function friendly(message) {
  return message.replace(/^(dk|m|n|df):/, (_, name) => `${NAMES[name]}:`);
}

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);

  // ---------------------------------------------------------------- the calculator

  const costSection = $('[data-section="cost"]');
  const costForm = $('[data-form="cost"]');
  const costError = $('[data-error="cost"]');
  const costQuery = state.query(convCost, {
    onResult: (cost, body) => {
      showError(costError, null);
      drawCost(cost);
      rendered(costSection, body);
    },
    onError: (error) => {
      const message = error.message || String(error);
      markFromMessage(costForm, message);
      showError(costError, friendly(message));
      stale(costSection);
    },
  });

  function requestCost() {
    const { body, error } = readForm(costForm);
    showError(costError, error);
    if (error) {
      stale(costSection);
      costQuery.cancel();
      return;
    }
    costQuery.schedule(body);
  }

  function drawCost(cost) {
    for (const kind of KINDS) {
      const row = costSection.querySelector(`[data-cost="${kind.key}"]`);
      row.querySelector("[data-formula]").textContent = prettyFormula(cost.formulas[kind.key].split(" = ")[0]);
      row.querySelector("[data-value]").textContent = formatInt(cost[kind.key]);
    }
    $('[data-bars="cost"]').replaceChildren(bars(KINDS.map((kind) => ({
      key: kind.key, label: kind.label, value: cost[kind.key], cls: kind.cls, text: formatInt(cost[kind.key]),
    })), { label: "Multiply-adds of each kind" }));
    const ratio = $("[data-ratio]");
    ratio.textContent = `Separable / standard = ${prettyFormula(cost.formulas.ratio)}: `
      + `about ${formatNumber(1 / cost.ratio, 1)} times fewer multiply-adds.`;
    ratio.dataset.value = String(cost.ratio);
  }

  costForm.addEventListener("input", requestCost);
  costForm.addEventListener("submit", (event) => event.preventDefault());

  // ---------------------------------------------------------------- the timed run

  const runSection = $('[data-section="run"]');
  const runForm = $('[data-form="run"]');
  const runError = $('[data-error="run"]');
  const runButton = $("[data-run]");
  const runStatus = $("[data-run-status]");
  const runResult = $('[data-result="run"]');

  async function run() {
    const { body, error } = readForm(runForm);
    showError(runError, error);
    if (error) return;
    runButton.disabled = true;
    runStatus.textContent = `Timing each layer on a ${body.df}\u00d7${body.df} photo with ${body.m} channels\u2026`;
    try {
      const result = await state.hold(runConvTypes(body));
      drawRun(result);
      runResult.hidden = false;
      rendered(runSection, body);
      runStatus.textContent = `Measured on ${body.df}\u00d7${body.df}, M = ${body.m}, N = ${body.n}, D_K = ${body.dk}.`;
    } catch (failure) {
      const message = failure.message || String(failure);
      markFromMessage(runForm, message);
      showError(runError, friendly(message));
      runStatus.textContent = "";
      stale(runSection);
    } finally {
      runButton.disabled = false;
    }
  }

  function drawRun(result) {
    const { cost, seconds } = result;
    for (const kind of KINDS) {
      const row = runSection.querySelector(`[data-run="${kind.key}"]`);
      row.querySelector("[data-macs]").textContent = formatInt(cost[kind.key]);
      row.querySelector("[data-time]").textContent = formatMs(seconds[kind.key]);
      row.querySelector("[data-rate]").textContent = formatMs(seconds[kind.key] / (cost[kind.key] / 1e6));
    }
    $('[data-bars="run"]').replaceChildren(bars(KINDS.map((kind) => ({
      key: kind.key, label: kind.label, value: seconds[kind.key], cls: kind.cls, text: formatMs(seconds[kind.key]),
    })), { label: "Measured time of each kind" }));
    const measured = $("[data-measured]");
    const r = result.measured_ratio;
    const speed = r < 1 ? `${formatNumber(1 / r, 1)} times faster` : `${formatNumber(r, 1)} times slower`;
    measured.textContent = `Separable / standard: ${formatRatio(cost.ratio, 4)} by the formula `
      + `(${prettyFormula(cost.formulas.ratio.split(" = ")[0])}), ${formatRatio(r, 4)} measured. The separable layer ran `
      + `${speed} than the standard one, for ${formatNumber(1 / cost.ratio, 1)} times fewer multiply-adds.`;
    measured.dataset.value = String(result.measured_ratio);
  }

  runForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  runForm.addEventListener("input", () => {
    readForm(runForm);
    showError(runError, null);
  });

  requestCost();
}

start("convolution-types", setUp);
