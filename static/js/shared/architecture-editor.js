// A network the learner describes, layer by layer: a list of rows, each a kind (conv, pooling,
// batch norm, an activation, dropout, flatten, linear) with the numbers that kind needs, plus the
// input shape. It builds the body of POST /api/lessons/parameters and POST /api/networks; it does
// not fetch. It also names what an API path into that body points at as the pages say it
// ("layer 3's kernel size"), and which row a refusal is about, for the messages.
//
// Markup contract (templates/lessons/parameters.html, templates/training.html): a
// [data-architecture] element holding an <ol data-layers>, select[data-add-kind] and
// button[data-add], and input[data-input="c|h|w"] where the input shape can be edited (without
// them the input is one 28 x 28 image).
//
// Events, dispatched on the root element:
//   "architecture-edit"  detail {reason: "field" | "add" | "remove" | "move" | "load"}

import { el } from "./dom.js";
import { capitalise } from "./words.js";

// flag: a checkbox for a true/false option (tanh's "lecun"); note: what a row without numbers does.
const KINDS = {
  conv: { label: "Convolution", fields: ["channels", "kernel", "stride", "padding", "dilation"], bias: true },
  maxpool: { label: "Max pooling", fields: ["kernel", "stride"] },
  avgpool: { label: "Average pooling", fields: ["kernel", "stride"] },
  batchnorm: { label: "Batch norm", fields: [], note: "a scale and a shift per channel" },
  relu: { label: "ReLU", fields: [] },
  tanh: { label: "Tanh", fields: [], flag: { name: "lecun", label: "scaled, 1.7159 tanh(2x/3)" } },
  sigmoid: { label: "Sigmoid", fields: [] },
  dropout: { label: "Dropout", fields: ["p"] },
  flatten: { label: "Flatten", fields: [], note: "C\u00d7H\u00d7W \u2192 one long vector" },
  linear: { label: "Linear", fields: ["features"], bias: true },
};
const FIELD_LABELS = { channels: "channels", kernel: "kernel", stride: "stride", padding: "padding",
  dilation: "dilation", features: "features", p: "p" };
const DECIMAL = new Set(["p"]); // fields that take any number, not only whole ones
const DEFAULTS = {
  conv: { channels: 8, kernel: 3, padding: 1, bias: true },
  maxpool: { kernel: 2 },
  avgpool: { kernel: 2 },
  dropout: { p: 0.5 },
  linear: { features: 10, bias: true },
};
const PLACEHOLDERS = { padding: "0", dilation: "1" };

const FIELD_WORDS = { channels: "number of channels", kernel: "kernel size", stride: "stride", padding: "padding",
  dilation: "dilation", features: "number of features", bias: "bias", kind: "kind", p: "dropout chance p",
  lecun: "scaling" };
const AXES = ["channels", "height", "width"];
// The server's names for layers ("conv2", "pool1", "bn1", "fc1", "flatten") and the kinds they count.
export const NAMED_KINDS = { conv: ["conv"], fc: ["linear"], linear: ["linear"], pool: ["maxpool", "avgpool"],
  bn: ["batchnorm"], relu: ["relu"], tanh: ["tanh"], sigmoid: ["sigmoid"], dropout: ["dropout"], flatten: ["flatten"] };

/** The editor's row (1-based) a refusal is about: "layer 3 (conv) needs channels" -> 3; a message
 * that starts with a layer's name ("fc1: ...", "pool2 ...", "flatten ...") -> that layer's row; 0 if none. */
export function layerOfMessage(message, layers) {
  const numbered = /^layer (\d+)\b/i.exec(message);
  if (numbered) return Number(numbered[1]);
  const named = /^([a-z]+?)(\d*)\b/i.exec(message);
  const kinds = named && NAMED_KINDS[named[1].toLowerCase()];
  if (!kinds || !layers) return 0;
  const rows = layers.flatMap((layer, i) => (kinds.includes(layer.kind) ? [i + 1] : []));
  return rows[Number(named[2] || 1) - 1] ?? 0;
}
const KIND_TAGS = new Set(Object.keys(KINDS)); // a layer's fields are checked as its kind: ["layers", 2, "maxpool", "kernel"]

/** An API path into the network without the kind a layer's fields are checked as:
 * ["layers", 2, "maxpool", "kernel"] -> ["layers", 2, "kernel"]. */
export function networkPath(path) {
  return path[0] === "layers" ? path.filter((part, i) => i < 2 || !KIND_TAGS.has(part)) : path;
}

/** The lesson's name for an API path into the network: ["layers", 2, "kernel"] -> "layer 3's kernel size". */
export function networkFieldName(path) {
  const [part, index, field] = networkPath(path);
  if (part === "input") return index === undefined ? "the input shape" : `the input\u2019s ${AXES[index] ?? "size"}`;
  if (part !== "layers") return null;
  if (index === undefined) return "the list of layers";
  return field === undefined ? `layer ${index + 1}` : `layer ${index + 1}\u2019s ${FIELD_WORDS[field] ?? field}`;
}

export const LENET5 = [
  { kind: "conv", channels: 6, kernel: 5, padding: 2, bias: false }, { kind: "relu" }, { kind: "maxpool", kernel: 2 },
  { kind: "conv", channels: 16, kernel: 5, bias: false }, { kind: "relu" }, { kind: "maxpool", kernel: 2 },
  { kind: "flatten" }, { kind: "linear", features: 120 }, { kind: "relu" }, { kind: "linear", features: 84 },
  { kind: "relu" }, { kind: "linear", features: 10 },
];
export const MLP = [
  { kind: "flatten" }, { kind: "linear", features: 300 }, { kind: "relu" }, { kind: "linear", features: 50 },
  { kind: "relu" }, { kind: "linear", features: 10 },
];

export class ArchitectureEditor {
  constructor(root) {
    this.root = root;
    this.list = root.querySelector("[data-layers]");
    this.inputs = ["c", "h", "w"].map((a) => root.querySelector(`input[data-input="${a}"]`)).filter(Boolean);
    this.addKind = root.querySelector("[data-add-kind]");
    for (const [kind, spec] of Object.entries(KINDS)) this.addKind.add(new Option(spec.label, kind));
    this.addKind.value = "conv";

    root.querySelector("[data-add]").addEventListener("click", () => {
      this.#append({ kind: this.addKind.value, ...(DEFAULTS[this.addKind.value] ?? {}) });
      this.#renumber();
      this.list.lastElementChild?.querySelector("select, input")?.focus();
      this.#emit("add");
    });
    this.list.addEventListener("click", (event) => this.#onButton(event));
    this.list.addEventListener("change", (event) => {
      if (event.target.matches("select[data-kind]")) this.#changeKind(event.target.closest("li"), event.target.value);
    });
    root.addEventListener("input", (event) => {
      if (event.target.matches("input")) this.#emit("field");
    });
  }

  /** Show these layers (specs as POST /parameters takes them) and this input shape. */
  load(layers, input = [1, 28, 28]) {
    this.inputs.forEach((box, i) => {
      box.value = String(input[i]);
    });
    this.list.replaceChildren();
    for (const layer of layers) this.#append(layer);
    this.#renumber();
    this.#emit("load");
  }

  /** {body} ready for the API, or {error} naming the first field that is not a whole number.
   * Empty fields are left out, so the API can say what a layer still needs. */
  read() {
    for (const box of this.root.querySelectorAll("input[type=number]")) box.removeAttribute("aria-invalid");
    const whole = (box, name) => {
      const text = box.value.trim();
      if (text === "") return { value: null };
      const value = Number(text.replace("\u2212", "-"));
      const decimal = DECIMAL.has(box.dataset.field);
      if (decimal ? !Number.isFinite(value) : !Number.isInteger(value)) {
        box.setAttribute("aria-invalid", "true");
        return { error: `${name} must be a ${decimal ? "number" : "whole number"}.` };
      }
      return { value };
    };
    if (!this.inputs.length) {
      const layers = this.#readLayers(whole);
      return layers.error ? layers : { body: { input: [1, 28, 28], layers } };
    }
    const input = [];
    for (const [i, box] of this.inputs.entries()) {
      const got = whole(box, `The input\u2019s ${["channels", "height", "width"][i]}`);
      if (got.error) return { error: got.error };
      if (got.value === null) {
        box.setAttribute("aria-invalid", "true");
        return { error: `The input needs its ${["channels", "height", "width"][i]}.` };
      }
      input.push(got.value);
    }
    const layers = this.#readLayers(whole);
    return layers.error ? layers : { body: { input, layers } };
  }

  /** The rows as specs, or {error} for the first box that does not hold a number. */
  #readLayers(whole) {
    const layers = [];
    for (const [n, li] of [...this.list.children].entries()) {
      const kind = li.querySelector("select[data-kind]").value;
      const layer = { kind };
      for (const box of li.querySelectorAll("input[data-field]")) {
        const got = whole(box, capitalise(networkFieldName(["layers", n, box.dataset.field])));
        if (got.error) return { error: got.error };
        if (got.value !== null) layer[box.dataset.field] = got.value;
      }
      const bias = li.querySelector("input[data-bias]");
      if (bias) layer.bias = bias.checked;
      const flag = li.querySelector("input[data-flag]");
      if (flag) layer[flag.dataset.flag] = flag.checked;
      layers.push(layer);
    }
    return layers;
  }

  /** Mark layer `n` (1-based) as the one an error is about; 0 clears. */
  markLayer(n) {
    [...this.list.children].forEach((li, i) => li.classList.toggle("is-invalid", i + 1 === n));
  }

  /** Mark the box an API path names as invalid: ("input", 0) is the channels box, ("layers", 2,
   * "kernel") layer 3's kernel. */
  markField(part, index, field) {
    const box = part === "input" ? this.inputs[index]
      : part === "layers" ? this.list.children[index]?.querySelector(`input[data-field="${field}"]`) : null;
    box?.setAttribute("aria-invalid", "true");
  }

  get count() {
    return this.list.children.length;
  }

  #append(layer) {
    const li = el("li", "ls-layer");
    const number = el("span", "ls-layer-n");
    number.setAttribute("aria-hidden", "true");
    const kind = el("select", "control");
    kind.dataset.kind = "";
    for (const [value, spec] of Object.entries(KINDS)) kind.add(new Option(spec.label, value));
    kind.value = layer.kind;
    const fields = el("span", "ls-layer-fields");
    const buttons = el("span", "ls-layer-buttons");
    for (const [action, text, label] of [["up", "\u2191", "Move up"], ["down", "\u2193", "Move down"], ["remove", "\u00d7", "Remove"]]) {
      const button = el("button", `icon-button ls-${action}`, text);
      button.type = "button";
      button.dataset.action = action;
      button.dataset.label = label;
      buttons.append(button);
    }
    li.append(number, kind, fields, buttons);
    this.list.append(li);
    this.#fillFields(li, layer);
  }

  #fillFields(li, layer) {
    const spec = KINDS[layer.kind];
    const fields = li.querySelector(".ls-layer-fields");
    fields.replaceChildren();
    for (const name of spec.fields) {
      const label = el("label", "ls-layer-field");
      label.append(el("span", "", FIELD_LABELS[name]));
      const box = el("input", "control");
      box.type = "number";
      const decimal = DECIMAL.has(name);
      box.min = name === "padding" || decimal ? "0" : "1";
      box.step = decimal ? "any" : "1";
      box.inputMode = decimal ? "decimal" : "numeric";
      if (decimal) box.classList.add("ls-decimal");
      box.dataset.field = name;
      box.value = layer[name] ?? "";
      if (name === "stride" && layer[name] === undefined) box.placeholder = layer.kind === "conv" ? "1" : "auto";
      if (name in PLACEHOLDERS && layer[name] === undefined) box.placeholder = PLACEHOLDERS[name];
      label.append(box);
      fields.append(label);
    }
    if (spec.bias) {
      const label = el("label", "ls-layer-field ls-layer-check");
      const box = el("input");
      box.type = "checkbox";
      box.dataset.bias = "";
      box.checked = layer.bias ?? true;
      label.append(box, el("span", "", "bias"));
      fields.append(label);
    }
    if (spec.flag) {
      const label = el("label", "ls-layer-field ls-layer-check");
      const box = el("input");
      box.type = "checkbox";
      box.dataset.flag = spec.flag.name;
      box.checked = Boolean(layer[spec.flag.name]);
      label.append(box, el("span", "", spec.flag.label));
      fields.append(label);
    } else if (!spec.fields.length && !spec.bias) {
      fields.append(el("span", "ls-layer-none", spec.note ?? "no parameters"));
    }
  }

  #changeKind(li, kind) {
    this.#fillFields(li, { kind, ...(DEFAULTS[kind] ?? {}) });
    this.#renumber();
    this.#emit("field");
  }

  #onButton(event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const li = button.closest("li");
    const action = button.dataset.action;
    if (action === "remove") {
      const next = li.nextElementSibling ?? li.previousElementSibling;
      li.remove();
      (next?.querySelector(`button[data-action="remove"]`) ?? this.root.querySelector("[data-add]")).focus();
    } else if (action === "up" && li.previousElementSibling) {
      li.previousElementSibling.before(li);
      button.focus();
    } else if (action === "down" && li.nextElementSibling) {
      li.nextElementSibling.after(li);
      button.focus();
    } else {
      return;
    }
    this.#renumber();
    this.#emit(action === "remove" ? "remove" : "move");
  }

  #renumber() {
    [...this.list.children].forEach((li, i) => {
      const n = i + 1;
      const kind = KINDS[li.querySelector("select[data-kind]").value].label;
      li.dataset.layer = String(n);
      li.querySelector(".ls-layer-n").textContent = String(n);
      li.querySelector("select[data-kind]").setAttribute("aria-label", `Layer ${n}: kind`);
      for (const box of li.querySelectorAll("input[data-field]")) box.setAttribute("aria-label", `Layer ${n} (${kind}): ${box.dataset.field}`);
      for (const box of li.querySelectorAll("input[data-bias]")) box.setAttribute("aria-label", `Layer ${n} (${kind}): bias`);
      for (const box of li.querySelectorAll("input[data-flag]")) {
        box.setAttribute("aria-label", `Layer ${n} (${kind}): ${FIELD_WORDS[box.dataset.flag] ?? box.dataset.flag}`);
      }
      for (const button of li.querySelectorAll("button[data-action]")) {
        button.setAttribute("aria-label", `${button.dataset.label} layer ${n} (${kind})`);
        button.disabled = (button.dataset.action === "up" && i === 0)
          || (button.dataset.action === "down" && i === this.list.children.length - 1);
      }
    });
  }

  #emit(reason) {
    this.root.dispatchEvent(new CustomEvent("architecture-edit", { detail: { reason } }));
  }
}
