// Lesson 6, /lessons/parameters: LeNet-5 and the MLP layer by layer (GET
// /api/lessons/parameters?model=...) with a comparison worded from their counts, then a network
// the learner describes (custom-network-section.js).

import { formatInteger } from "../shared/numbers.js";
import { CustomNetworkSection } from "./custom-network-section.js";
import { bars } from "./lesson-draw.js";
import { rendered, showError, start } from "./lesson-page.js";
import { builtInParameters } from "./lessons-api.js";
import { builtinComparisonText } from "./parameter-sentences.js";
import { paramTable } from "./parameter-table.js";

class BuiltinNetworksSection {
  constructor(page, { onLenet = () => {} } = {}) {
    this.page = page;
    this.section = page.$('[data-section="builtin"]');
    this.models = {}; // "lenet5" | "mlp" -> the API's answer
    this.onLenet = onLenet;
    this.queries = ["lenet5", "mlp"].map((model) => page.query(() => builtInParameters(model), {
      onResult: (data) => this.show(model, data),
      onError: (error) => showError(page.$('[data-error="builtin"]'), `Could not count the parameters: ${error.message || error}`),
    }));
  }

  start() {
    for (const query of this.queries) query.now(null);
  }

  show(model, data) {
    this.models[model] = data;
    this.page.$(`[data-table="${model}"]`).replaceChildren(paramTable(data, model));
    if (model === "lenet5") this.onLenet();
    const { lenet5, mlp } = this.models;
    if (!lenet5 || !mlp) return;
    this.page.$('[data-bars="builtin"]').replaceChildren(bars([
      { key: "lenet5-conv", label: "LeNet-5, convolutions", value: lenet5.conv, text: formatInteger(lenet5.conv), cls: "is-pos" },
      { key: "lenet5", label: "LeNet-5, all", value: lenet5.total, text: formatInteger(lenet5.total) },
      { key: "mlp", label: "MLP, all", value: mlp.total, text: formatInteger(mlp.total), cls: "is-muted" },
    ], { label: "Parameter counts" }));
    this.page.$('[data-compare="builtin"]').textContent = builtinComparisonText(lenet5, mlp);
    rendered(this.section, { models: ["lenet5", "mlp"] });
  }
}

start("parameters", (page) => {
  const parts = {};
  parts.builtin = new BuiltinNetworksSection(page, { onLenet: () => parts.custom.compare() });
  parts.custom = new CustomNetworkSection(page, () => parts.builtin.models.lenet5?.total ?? null);
  parts.builtin.start();
  parts.custom.start();
});
