// Lesson 7, /lessons/results: the committed LeNet-5 and MLP on the MNIST test set, side by side
// (GET /api/lessons/results; the server evaluates both once, which takes a few seconds), and the
// two ratios of the tutorial's claim.

import { confusionTable, showError } from "./lesson-draw.js";
import { formatInt, formatPercent, formatRatio } from "./lesson-math.js";
import { results } from "./lessons-api.js";
import { PageState, rendered, start } from "./lesson-page.js";

// What "about twice" and "four times" are taken to mean.
const ABOUT_TWICE = 1.5;
const ABOUT_FOUR = 3.5;

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);
  const section = $('[data-section="results"]');
  const status = $("[data-status]");
  const errorBox = $('[data-error="results"]');
  const result = $('[data-result="results"]');

  function drawModel(key, model) {
    const box = section.querySelector(`[data-model="${key}"]`);
    const total = model.confusion.flat().reduce((a, b) => a + b, 0);
    const right = model.confusion.reduce((a, row, r) => a + row[r], 0);
    const stat = (name, text) => {
      box.querySelector(`[data-stat="${name}"]`).textContent = text;
    };
    stat("error", formatPercent(model.test_error));
    stat("accuracy", formatPercent(model.test_accuracy));
    stat("params", formatInt(model.params));
    stat("wrong", `${formatInt(total - right)} of ${formatInt(total)}`);
    stat("command", model.trained_with ?? "unknown");
    box.querySelector(`[data-confusion="${key}"]`).replaceChildren(
      confusionTable(model.confusion, { kind: key, label: `Confusion matrix of ${key === "mlp" ? "the MLP" : "LeNet-5"} on the test set` }));
  }

  function drawRatio(name, formula, value, wanted, claim) {
    const box = section.querySelector(`[data-ratio="${name}"]`);
    box.querySelector("[data-formula]").textContent = `${formula} = ${formatRatio(value)}`;
    box.querySelector("[data-value]").textContent = formatRatio(value, 1);
    const holds = value >= wanted;
    box.classList.toggle("is-holding", holds);
    box.querySelector("[data-verdict]").textContent = holds ? `The claim says ${claim}: it holds.` : `The claim says ${claim}: it falls short.`;
    return holds;
  }

  function draw(data) {
    const { lenet5, mlp } = data;
    drawModel("lenet5", lenet5);
    drawModel("mlp", mlp);
    const errorHolds = drawRatio("error", `${formatPercent(mlp.test_error)} / ${formatPercent(lenet5.test_error)}`,
      data.error_ratio, ABOUT_TWICE, "about 2\u00d7");
    const sizeHolds = drawRatio("size", `${formatInt(mlp.params)} / ${formatInt(lenet5.params)}`,
      data.size_ratio, ABOUT_FOUR, "4\u00d7");
    const claim = $("[data-claim]");
    claim.classList.toggle("is-bad", !(errorHolds && sizeHolds));
    claim.dataset.holds = String(errorHolds && sizeHolds);
    claim.textContent = errorHolds && sizeHolds
      ? `Yes. LeNet-5 makes ${formatRatio(data.error_ratio)} times fewer mistakes than the MLP `
        + `(${formatPercent(lenet5.test_error)} against ${formatPercent(mlp.test_error)}) with `
        + `${formatRatio(data.size_ratio)} times fewer parameters.`
      : `Not quite: the error ratio is ${formatRatio(data.error_ratio)} and the size ratio ${formatRatio(data.size_ratio)}.`;
  }

  const query = state.query(() => results(), {
    onResult: (data) => {
      draw(data);
      status.hidden = true;
      result.hidden = false;
      rendered(section, {});
    },
    onError: (error) => {
      status.hidden = true;
      showError(errorBox, `Could not evaluate the networks: ${error.message || error}`);
    },
  });
  query.now(null);
}

start("results", setUp);
