// The hyper-parameter form: presets, the quick training-set sizes, errors next to each field.
// Submitting dispatches "run-start" (detail: {config}) on the form; the page posts it and hands
// any error answer back with showErrors(). A change of Network dispatches "model-change"
// (detail: {model}), so the page can show the network designer for "custom".

import { nestConfig, readConfig } from "./form-values.js";

export class RunForm {
  /** @param {HTMLFormElement} form the [data-run-form] element */
  constructor(form) {
    this.form = form;
    this.specs = [...form.querySelectorAll("[data-field]")].map((box) => {
      const control = box.querySelector("input, select");
      return {
        name: box.dataset.field,
        kind: control.tagName === "SELECT" ? "select" : "number",
        integer: control.dataset.integer === "true",
        optional: control.dataset.optional === "true",
        control,
        defaultValue: control.dataset.default ?? "",
      };
    });
    this.controls = Object.fromEntries(this.specs.map((s) => [s.name, s.control]));
    this.submitButton = form.querySelector("[data-start]");
    this.presetButtons = [...form.querySelectorAll("[data-preset]")];
    this.sizeButtons = [...form.querySelectorAll("[data-train-size]")];

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    for (const button of this.presetButtons) {
      button.addEventListener("click", () => this.applyPreset(JSON.parse(button.dataset.values || "{}"), button));
    }
    for (const button of this.sizeButtons) {
      button.addEventListener("click", () => {
        this.controls.train_size.value = button.dataset.trainSize;
        this.sync();
      });
    }
    form.addEventListener("input", (event) => {
      const name = event.target.name;
      if (name) this.clearError(name);
      this.sync();
    });
    form.addEventListener("change", () => this.sync());
    this.sync();
  }

  get fieldNames() {
    return this.specs.map((s) => s.name);
  }

  /** The whole training set's size (what an empty "Training images" means), or null. */
  get allImages() {
    const size = Number(this.form.dataset.allImages);
    return Number.isInteger(size) && size > 0 ? size : null;
  }

  /** Every field back to the API's default, then ``values`` on top. */
  applyPreset(values, button) {
    for (const spec of this.specs) {
      spec.control.value = spec.name in values ? String(values[spec.name]) : spec.defaultValue;
    }
    this.showErrors({});
    this.sync(button?.dataset.preset);
  }

  /** Reflects the form in the buttons: which preset and size match, whether momentum is used. */
  sync() {
    const model = this.controls.model.value;
    if (model !== this.model) {
      this.model = model;
      this.form.dispatchEvent(new CustomEvent("model-change", { bubbles: true, detail: { model } }));
    }
    const momentumUsed = ["momentum", "nesterov"].includes(this.controls.optimizer.value);
    this.controls.momentum.disabled = !momentumUsed;
    this.form.querySelector('[data-field="momentum"]').classList.toggle("is-unused", !momentumUsed);
    for (const button of this.presetButtons) {
      const values = JSON.parse(button.dataset.values || "{}");
      const matches = this.specs.every((spec) => {
        if (spec.name === "train_size" || spec.name === "seed" || spec.name === "dataset") return true;
        if (spec.name === "momentum" && !momentumUsed) return true;
        const wanted = spec.name in values ? String(values[spec.name]) : spec.defaultValue;
        return spec.kind === "select" ? spec.control.value === wanted : Number(spec.control.value) === Number(wanted);
      });
      button.setAttribute("aria-pressed", String(matches));
    }
    const size = this.controls.train_size.value.trim();
    for (const button of this.sizeButtons) button.setAttribute("aria-pressed", String(button.dataset.trainSize === size));
  }

  /** The augmentation fields as the preview sends them, or null (their errors shown) if one is unreadable. */
  augment() {
    const specs = this.specs.filter((s) => s.name.startsWith("augment."));
    const { config, errors } = readConfig(this.raw(), specs);
    for (const spec of specs) if (spec.control.validity?.badInput) errors[spec.name] = "Enter a number.";
    this.showErrors(errors);
    return Object.keys(errors).length ? null : nestConfig(config).augment;
  }

  raw() {
    return Object.fromEntries(this.specs.map((s) => [s.name, s.control.value]));
  }

  submit() {
    const { config, errors } = readConfig(this.raw(), this.specs);
    for (const spec of this.specs) {
      // A number field holding text the browser cannot parse reports "" as its value.
      if (spec.control.validity?.badInput) errors[spec.name] = "Enter a number.";
    }
    this.showErrors(errors);
    if (Object.keys(errors).length) {
      this.focusFirstError();
      return;
    }
    this.form.dispatchEvent(new CustomEvent("run-start", { bubbles: true, detail: { config: nestConfig(config) } }));
  }

  /** ``errors``: field name -> message ("" for the form as a whole). */
  showErrors(errors) {
    for (const box of this.form.querySelectorAll("[data-error-for]")) {
      const message = errors[box.dataset.errorFor];
      box.textContent = message ?? "";
      box.hidden = !message;
      const control = this.controls[box.dataset.errorFor];
      if (control) control.setAttribute("aria-invalid", String(Boolean(message)));
    }
  }

  focusFirstError() {
    const spec = this.specs.find((s) => s.control.getAttribute("aria-invalid") === "true");
    (spec?.control ?? this.submitButton).focus();
  }

  clearError(name) {
    const box = this.form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (box) {
      box.hidden = true;
      box.textContent = "";
    }
    this.controls[name]?.setAttribute("aria-invalid", "false");
  }

  setBusy(busy) {
    this.submitButton.disabled = busy;
    this.form.setAttribute("aria-busy", String(busy));
  }
}
