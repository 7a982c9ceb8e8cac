// The stack the learner designs: convolution and pooling layers with kernel, stride, padding,
// dilation and channels, and the table POST /api/receptive-field/stack answers for it.
//
// Markup contract (templates/receptive_field.html): a [data-stack] form holding
// input[name=input_size], input[name=input_channels], select[data-stack-preset],
// an <ol data-stack-layers>, buttons [data-add=conv|maxpool|avgpool], a [data-stack-error],
// and a <template data-stack-row> for one layer (select[name=kind], number inputs named after
// the fields, button[data-remove]). The number inputs carry the API's bounds as min and max,
// and the input size and channels the API's defaults as their values (the presets start there);
// the form's data-max-layers is the most layers the API takes.
//
// Events, dispatched on the form:
//   "stack-change"  detail {inputSize, inputChannels, layers, errors}  after any edit
//   "stack-select"  detail {index}   a layer's controls got focus (its recurrences are shown)

import { findParts } from "../shared/dom.js";
import { STACK_KINDS, STACK_PRESETS, newStackLayer, parseBounded } from "./stack-math.js";

const NUMBERS = ["kernel", "stride", "padding", "dilation", "channels"];
const LABELS = { kernel: "kernel", stride: "stride", padding: "padding", dilation: "dilation", channels: "channels" };

export class StackEditor {
  constructor(root) {
    this.root = root;
    Object.assign(this, findParts(root, { list: "[data-stack-layers]", template: "template[data-stack-row]",
      sizeInput: 'input[name="input_size"]', channelsInput: 'input[name="input_channels"]',
      preset: "select[data-stack-preset]", errorBox: "[data-stack-error]" }));
    this.addButtons = [...root.querySelectorAll("[data-add]")];
    this.maxLayers = Number(root.dataset.maxLayers);

    for (const [name, preset] of Object.entries(STACK_PRESETS)) this.preset.add(new Option(preset.label, name));
    this.preset.add(new Option("Your own", "custom"));
    this.preset.addEventListener("change", () => {
      if (this.preset.value !== "custom") this.load(this.preset.value);
    });
    for (const button of this.addButtons) {
      button.addEventListener("click", () => this.#add(button.dataset.add));
    }
    root.addEventListener("input", (event) => {
      if (event.target === this.preset) return;
      this.#edited();
    });
    root.addEventListener("change", (event) => {
      if (event.target.name === "kind") {
        this.#syncKind(event.target.closest("li"));
        this.#edited();
      }
    });
    root.addEventListener("focusin", (event) => {
      const row = event.target.closest?.("li.rf-stack-layer");
      if (row) this.#select(row);
    });
    root.addEventListener("submit", (event) => event.preventDefault());
  }

  /** Replace the stack with a preset (by name) and report it. */
  load(name) {
    const preset = STACK_PRESETS[name];
    if (!preset) return;
    this.preset.value = name;
    this.sizeInput.value = this.sizeInput.defaultValue;
    this.channelsInput.value = this.channelsInput.defaultValue;
    this.list.replaceChildren(...preset.layers.map((layer) => this.#row(layer)));
    this.#renumber();
    this.#emit();
  }

  /** Read every control: {inputSize, inputChannels, layers, errors}. */
  read() {
    const errors = [];
    const bounded = (input, label) => {
      const parsed = parseBounded(input.value, { min: boundOf(input.min), max: boundOf(input.max) }, label);
      if (parsed.error) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (parsed.error) errors.push(parsed.error);
      return parsed.value;
    };
    const inputSize = bounded(this.sizeInput, "Input size");
    const inputChannels = bounded(this.channelsInput, "Input channels");
    const layers = [...this.list.children].map((row, i) => {
      const kind = row.querySelector('select[name="kind"]').value;
      const layer = { kind };
      for (const name of NUMBERS) {
        const input = row.querySelector(`input[name="${name}"]`);
        if (name === "channels" && kind !== "conv") {
          input.removeAttribute("aria-invalid");
          layer.channels = null;
          continue;
        }
        layer[name] = bounded(input, `Layer ${i + 1}, ${LABELS[name]}`);
      }
      return layer;
    });
    if (layers.length === 0) errors.push("Add at least one layer.");
    return { inputSize, inputChannels, layers, errors };
  }

  showError(text) {
    this.errorBox.textContent = text ?? "";
    this.errorBox.hidden = !text;
  }

  /** Highlight a layer's row (its recurrences are the ones shown). */
  highlight(index) {
    [...this.list.children].forEach((row, i) => row.classList.toggle("is-selected", i === index));
  }

  #row(layer) {
    const row = this.template.content.firstElementChild.cloneNode(true);
    const kind = row.querySelector('select[name="kind"]');
    if (kind.options.length === 0) for (const [value, label] of Object.entries(STACK_KINDS)) kind.add(new Option(label, value));
    kind.value = layer.kind;
    for (const name of NUMBERS) {
      const input = row.querySelector(`input[name="${name}"]`);
      input.value = String(layer[name] ?? input.defaultValue ?? "");
      if (name === "channels") input.dataset.kept = input.value;
    }
    row.querySelector("[data-remove]").addEventListener("click", () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      this.#renumber();
      this.#edited();
      next?.querySelector("select")?.focus();
    });
    this.#syncKind(row);
    return row;
  }

  /** Pools have no channels of their own: the field shows the input's, disabled. */
  #syncKind(row) {
    const kind = row.querySelector('select[name="kind"]').value;
    const channels = row.querySelector('input[name="channels"]');
    const conv = kind === "conv";
    if (!conv && !channels.disabled) channels.dataset.kept = channels.value;
    if (conv && channels.disabled) channels.value = channels.dataset.kept || "8";
    channels.disabled = !conv;
    if (!conv) channels.value = "";
    channels.placeholder = conv ? "" : "\u2013";
    row.dataset.kind = kind;
  }

  #add(kind) {
    if (this.list.children.length >= this.maxLayers) return;
    const last = this.read().layers.filter((l) => l.kind === "conv").pop();
    const row = this.#row(newStackLayer(kind, last?.channels ?? 8));
    this.list.append(row);
    this.#renumber();
    this.#edited();
    row.querySelector('input[name="kernel"]').focus();
  }

  #renumber() {
    const rows = [...this.list.children];
    rows.forEach((row, i) => {
      row.querySelector("[data-index]").textContent = String(i + 1);
      row.dataset.index = String(i);
      row.querySelector('select[name="kind"]').setAttribute("aria-label", `Layer ${i + 1} type`);
      for (const name of NUMBERS) {
        row.querySelector(`input[name="${name}"]`).setAttribute("aria-label", `Layer ${i + 1} ${LABELS[name]}`);
      }
      row.querySelector("[data-remove]").setAttribute("aria-label", `Remove layer ${i + 1}`);
      row.querySelector("[data-remove]").disabled = rows.length === 1;
    });
    for (const button of this.addButtons) button.disabled = rows.length >= this.maxLayers;
  }

  #edited() {
    this.preset.value = "custom";
    this.#emit();
  }

  #select(row) {
    const index = Number(row.dataset.index);
    this.highlight(index);
    this.root.dispatchEvent(new CustomEvent("stack-select", { detail: { index } }));
  }

  #emit() {
    this.root.dispatchEvent(new CustomEvent("stack-change", { detail: this.read() }));
  }
}

/** An input's min or max attribute -> the number, or null when it has none. */
function boundOf(text) {
  return text === "" || text == null ? null : Number(text);
}
