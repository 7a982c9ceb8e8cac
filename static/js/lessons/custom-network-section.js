// Lesson 6, part 2: a network the learner describes in an ArchitectureEditor ("architecture-edit"
// events -> POST /api/lessons/parameters), its table, and how its count compares with LeNet-5's.
// When the engine refuses it, the message names the layer as the editor numbers it ("layer 3's
// kernel size") and that layer is marked.

import { ArchitectureEditor, LENET5, MLP, layerOfMessage, networkFieldName, networkPath } from "../shared/architecture-editor.js";
import { customParameters } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { customComparisonText } from "./parameter-sentences.js";
import { paramTable } from "./parameter-table.js";

export class CustomNetworkSection {
  /** `lenetTotal()` -> LeNet-5's count once part 1 has it, else null. */
  constructor(page, lenetTotal) {
    this.page = page;
    this.lenetTotal = lenetTotal;
    this.editor = new ArchitectureEditor(page.$("[data-architecture]"));
    this.comparison = page.$('[data-compare="custom"]');
    this.live = new LiveSection(page, {
      name: "custom", send: customParameters, draw: (data) => this.draw(data), nameOf: networkFieldName,
      onFields: (paths, message, body) => this.markRefused(paths, message, body),
    });
    this.editor.root.addEventListener("architecture-edit", () => this.request());
    for (const button of page.root.querySelectorAll("[data-load]")) {
      button.addEventListener("click", () => this.editor.load(button.dataset.load === "mlp" ? MLP : LENET5));
    }
  }

  start() {
    this.editor.load(LENET5);
  }

  request() {
    const { body, error } = this.editor.read();
    this.editor.markLayer(0);
    if (error) this.live.refuse(error);
    else if (!body.layers.length) this.live.refuse("Add a layer to count its parameters.");
    else this.live.ask(body);
  }

  /** Mark the layer (and the box) the engine refused. */
  markRefused(paths, message, body) {
    const named = paths.map(networkPath);
    const path = named.find(([part, index]) => part === "layers" && index !== undefined);
    this.editor.markLayer(path ? path[1] + 1 : layerOfMessage(message, body?.layers));
    for (const [part, index, field] of named) this.editor.markField(part, index, field);
  }

  draw(data) {
    this.editor.markLayer(0);
    this.page.$('[data-table="custom"]').replaceChildren(paramTable(data, "custom"));
    this.compare();
  }

  /** The sentence comparing this network with LeNet-5, once both counts are in. */
  compare() {
    const lenet = this.lenetTotal();
    const shown = this.live.shown?.result;
    this.comparison.textContent = shown && lenet !== null ? customComparisonText(shown, lenet) : "";
  }
}
