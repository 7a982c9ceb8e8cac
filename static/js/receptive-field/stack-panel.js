// "Design a stack" on /receptive-field: the editor (stack-editor.js), its table as POST
// /api/receptive-field/stack answers it (debounced 150 ms, the stale request aborted), and the
// recurrences of the layer picked in either. A bad number is said beside the editor and nothing
// is sent; the API's own refusal (a layer that does not fit) is shown the same way.
//
// Markup contract (templates/receptive_field.html): the [data-stack] form, [data-stack-table]
// and [data-stack-formulas]. The page root gets data-stack-request (the JSON body behind the
// table) and data-stack-version (bumped with each table shown).

import { LiveQuery } from "../shared/live-query.js";
import { recurrenceLines, sizeLine } from "./rf-math.js";
import { postStack } from "./rf-api.js";
import { formulasHeading, renderFormulas, renderStackTable } from "./rf-views.js";
import { StackEditor } from "./stack-editor.js";
import { stackBody, stackGeometry } from "./stack-math.js";

const STACK_DEBOUNCE_MS = 150;

export class StackPanel {
  /** @param onChange  called when the query's busy state may have changed */
  constructor(root, { onChange }) {
    this.root = root;
    const form = root.querySelector("[data-stack]");
    this.table = root.querySelector("[data-stack-table]");
    this.formulas = root.querySelector("[data-stack-formulas]");
    this.editor = new StackEditor(form);
    this.shown = { rows: [], layers: [], selected: -1 }; // the table on screen and its picked row
    this.version = 0;
    this.query = new LiveQuery(({ body }, signal) => postStack(body, signal), {
      delay: STACK_DEBOUNCE_MS, abortStale: true, onChange,
      onResult: (rows, request) => this.#answered(rows, request),
      onError: (error) => this.#refused(error.message || String(error)),
    });
    form.addEventListener("stack-change", (event) => this.#edited(event.detail));
    form.addEventListener("stack-select", (event) => this.#pick(event.detail.index));
    this.table.addEventListener("click", (event) => {
      const tr = event.target.closest("tbody tr");
      if (tr) this.#pick(Number(tr.dataset.index));
    });
  }

  get busy() {
    return this.query.busy;
  }

  /** Start from a preset (by name). */
  load(name) {
    this.editor.load(name);
  }

  #edited({ inputSize, inputChannels, layers, errors }) {
    if (errors.length) {
      this.query.cancel();
      this.#refused(errors[0]);
      return;
    }
    this.editor.showError(null);
    this.query.schedule({ body: stackBody(inputSize, inputChannels, layers), layers, inputSize });
  }

  #refused(message) {
    this.editor.showError(message);
    this.table.classList.add("is-stale");
  }

  #answered(rows, { body, layers, inputSize }) {
    const previous = this.shown.selected;
    const selected = previous >= 0 && previous < rows.length ? previous : rows.length - 1;
    this.shown = { rows, layers: stackGeometry(rows, layers, inputSize), selected };
    renderStackTable(this.table, rows, layers, { inputSize, selected });
    this.#showFormulas();
    this.version += 1;
    this.root.dataset.stackVersion = String(this.version);
    this.root.dataset.stackRequest = JSON.stringify(body);
  }

  #pick(index) {
    if (index === this.shown.selected) return;
    this.shown.selected = index;
    this.#showFormulas();
  }

  #showFormulas() {
    const { layers, selected } = this.shown;
    const layer = layers[selected];
    if (!layer) {
      this.formulas.replaceChildren();
      return;
    }
    this.editor.highlight(selected);
    for (const tr of this.table.querySelectorAll("tbody tr")) tr.classList.toggle("is-selected", Number(tr.dataset.index) === selected);
    renderFormulas(this.formulas, formulasHeading(layer.name, "", layer.previous), [...recurrenceLines(layer), sizeLine(layer)]);
  }
}
