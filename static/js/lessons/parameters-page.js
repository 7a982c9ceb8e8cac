// Lesson 6, /lessons/parameters: LeNet-5 and the MLP layer by layer (GET
// /api/lessons/parameters?model=...), then a network the learner describes in an
// ArchitectureEditor ("architecture-edit" events -> POST /api/lessons/parameters).

import { el } from "../shared/dom.js";
import { ArchitectureEditor, LENET5, MLP } from "./architecture-editor.js";
import { bars, showError } from "./lesson-draw.js";
import { TIMES, formatInt, formatPercent, formatRatio, prettyFormula } from "./lesson-math.js";
import { builtInParameters, customParameters } from "./lessons-api.js";
import { PageState, rendered, stale, start } from "./lesson-page.js";

const shape = (dims) => dims.join(TIMES);

/** The table of one network, a row per layer, then the conv / classifier / total sums. */
function paramTable(data, kind) {
  const box = el("div", "ls-param");
  box.dataset.params = kind;
  const table = el("table", "ls-table ls-param-table");
  const caption = el("caption", "visually-hidden", `Parameters of ${data.architecture}, layer by layer`);
  const head = el("thead");
  const hr = el("tr");
  for (const [text, cls] of [["Layer", ""], ["Kind", "ls-kind-cell"], ["Output", ""], ["How many", ""], ["Parameters", "ls-num-cell"]]) {
    const th = el("th", cls, text);
    th.scope = "col";
    hr.append(th);
  }
  head.append(hr);
  const body = el("tbody");
  for (const layer of data.layers) {
    const tr = el("tr");
    tr.dataset.layer = layer.name;
    if (!layer.params) tr.classList.add("is-free");
    const name = el("th", "", layer.name);
    name.scope = "row";
    const what = layer.description
      ? `${layer.type} ${layer.description.replace(/(\d)x(\d)/g, `$1${TIMES}$2`).replace(" -> ", " \u2192 ")}`
      : layer.type;
    const formula = layer.params ? prettyFormula(layer.formula.split(" = ")[0]) : "\u2014";
    const count = el("td", "ls-num-cell", formatInt(layer.params));
    count.dataset.count = "";
    tr.append(name, el("td", "ls-kind-cell", what), el("td", "", shape(layer.output_shape)), el("td", "", formula), count);
    body.append(tr);
  }
  table.append(caption, head, body);

  const sums = el("table", "ls-table ls-param-sums");
  sums.append(el("caption", "visually-hidden", `Parameters of ${data.architecture}, added up`));
  const sumBody = el("tbody");
  for (const [label, key] of [["In the convolutions", "conv"], ["In the classifier (linear layers)", "classifier"], ["Total", "total"]]) {
    const tr = el("tr");
    tr.dataset.sum = key;
    const th = el("th", "", label);
    th.scope = "row";
    const td = el("td", "ls-num-cell", formatInt(data[key]));
    td.dataset.value = String(data[key]);
    tr.append(th, td);
    sumBody.append(tr);
  }
  sums.append(sumBody);
  box.append(table, sums);
  return box;
}

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const state = new PageState(root);

  // ---------------------------------------------------------------- LeNet-5 and the MLP

  const builtin = $('[data-section="builtin"]');
  const builtinError = $('[data-error="builtin"]');
  const models = {};
  for (const model of ["lenet5", "mlp"]) {
    const query = state.query(() => builtInParameters(model), {
      onResult: (data) => {
        models[model] = data;
        $(`[data-table="${model}"]`).replaceChildren(paramTable(data, model));
        if (models.lenet5 && models.mlp) {
          drawBuiltinComparison();
          rendered(builtin, { models: ["lenet5", "mlp"] });
        }
        if (model === "lenet5") drawCustomComparison();
      },
      onError: (error) => showError(builtinError, `Could not count the parameters: ${error.message || error}`),
    });
    query.now(null);
  }

  function drawBuiltinComparison() {
    const { lenet5, mlp } = models;
    $('[data-bars="builtin"]').replaceChildren(bars([
      { key: "lenet5-conv", label: "LeNet-5, convolutions", value: lenet5.conv, text: formatInt(lenet5.conv), cls: "is-pos" },
      { key: "lenet5", label: "LeNet-5, all", value: lenet5.total, text: formatInt(lenet5.total) },
      { key: "mlp", label: "MLP, all", value: mlp.total, text: formatInt(mlp.total), cls: "is-muted" },
    ], { label: "Parameter counts" }));
    $('[data-compare="builtin"]').textContent = `The MLP has ${formatInt(mlp.total)} / ${formatInt(lenet5.total)} = `
      + `${formatRatio(mlp.total / lenet5.total)} times as many parameters. LeNet-5 keeps only ${formatInt(lenet5.conv)} `
      + `(${formatPercent(lenet5.conv / lenet5.total, 1)}) in its convolutions and ${formatInt(lenet5.classifier)} in its classifier.`;
  }

  // ---------------------------------------------------------------- a network of one's own

  const custom = $('[data-section="custom"]');
  const customError = $('[data-error="custom"]');
  const editor = new ArchitectureEditor($("[data-architecture]"));
  let shownCustom = null;

  const customQuery = state.query(customParameters, {
    onResult: (data, body) => {
      shownCustom = data;
      showError(customError, null);
      editor.markLayer(0);
      $('[data-table="custom"]').replaceChildren(paramTable(data, "custom"));
      drawCustomComparison();
      rendered(custom, body);
    },
    onError: (error, body) => {
      const message = error.message || String(error);
      showError(customError, message);
      editor.markLayer(layerFromMessage(message, body));
      stale(custom);
    },
  });

  /** "layer 3 (conv) needs channels" -> 3; "fc1: ..." -> the row of the first linear layer. */
  function layerFromMessage(message, body) {
    const numbered = /layers?\.?\s?(\d+)/i.exec(message);
    if (numbered) return Number(numbered[1]) + (/^layers\.\d/.test(message) ? 1 : 0);
    const named = /^(\w+?)(\d+):/.exec(message);
    if (!named || !body) return 0;
    const prefix = { conv: "conv", fc: "linear" }[named[1]] ?? named[1];
    let seen = 0;
    for (const [i, layer] of body.layers.entries()) {
      if (layer.kind === prefix) {
        seen += 1;
        if (seen === Number(named[2])) return i + 1;
      }
    }
    return 0;
  }

  function drawCustomComparison() {
    const box = $('[data-compare="custom"]');
    if (!shownCustom || !models.lenet5) {
      box.textContent = "";
      return;
    }
    const total = shownCustom.total;
    const lenet = models.lenet5.total;
    const verdict = total === lenet ? "exactly as many as LeNet-5"
      : total > lenet ? `${formatRatio(total / lenet)} times as many as LeNet-5 (${formatInt(lenet)})`
        : `${formatRatio(lenet / Math.max(total, 1))} times fewer than LeNet-5 (${formatInt(lenet)})`;
    box.textContent = `${formatInt(total)} parameters: ${formatInt(shownCustom.conv)} in convolutions, `
      + `${formatInt(shownCustom.classifier)} in linear layers; ${verdict}.`;
  }

  function requestCustom() {
    const { body, error } = editor.read();
    showError(customError, error);
    editor.markLayer(0);
    if (error) {
      stale(custom);
      customQuery.cancel();
      return;
    }
    if (!body.layers.length) {
      showError(customError, "Add a layer to count its parameters.");
      stale(custom);
      customQuery.cancel();
      return;
    }
    customQuery.schedule(body);
  }

  editor.root.addEventListener("architecture-edit", requestCustom);
  for (const button of root.querySelectorAll("[data-load]")) {
    button.addEventListener("click", () => editor.load(button.dataset.load === "mlp" ? MLP : LENET5));
  }
  editor.load(LENET5);
}

start("parameters", setUp);
