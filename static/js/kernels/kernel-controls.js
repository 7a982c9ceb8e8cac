// The kernel card and the options form: the preset (preset-picker.js), the kernel grid, divisor, normalise,
// flip, and the colour / border / stride / output radios. It reads them into the settings the
// API wants, fills them from a preset, and shows the notes and errors beside them. Markup
// contract: templates/kernels.html (ids kp-preset, kp-divisor, kp-normalize, kp-flip; the
// [data-options] form; [data-kernel-sum], [data-kernel-error], [data-options-error] ...).

import { formatNumber, parseNumber } from "../shared/numbers.js";
import { KernelGrid } from "./kernel-grid.js";
import { effectiveDivisor, largestKernelText, readKernel } from "./kernel-math.js";
import { sumSentence } from "./kernel-sentences.js";
import { PresetPicker } from "./preset-picker.js";

function showError(box, text) {
  box.textContent = text ?? "";
  box.hidden = !text;
}

export class KernelControls {
  /** @param {HTMLElement} root  the page's [data-kernels-page] element @param {object} state  page-state.js */
  constructor(root, state) {
    const $ = (selector) => root.querySelector(selector);
    this.state = state;
    this.grid = new KernelGrid($("[data-kernel-grid]"), { maxSide: state.maxKernelSide });
    this.presets = new PresetPicker(root, state);
    this.divisorInput = $("#kp-divisor");
    this.normalizeInput = $("#kp-normalize");
    this.flipInput = $("#kp-flip");
    this.form = $("[data-options]");
    this.sumNote = $("[data-kernel-sum]");
    this.kernelError = $("[data-kernel-error]");
    this.optionsError = $("[data-options-error]");
    this.greyNote = $("[data-grey-note]");
    $("[data-kernel-limit]").textContent = largestKernelText(state.maxKernelSide);
  }

  /** Call `changed()` after every edit the learner makes (not after setCells or choosePreset). */
  listen(changed) {
    this.grid.root.addEventListener("grid-edit", () => {
      this.becomeCustom(); // typing a weight or resizing makes it the learner's own kernel
      changed();
    });
    this.presets.select.addEventListener("change", () => {
      this.choosePreset(this.presets.select.value);
      changed();
    });
    this.divisorInput.addEventListener("input", changed);
    this.normalizeInput.addEventListener("change", () => {
      this.#keepTypedDivisor();
      changed();
    });
    this.flipInput.addEventListener("change", changed);
    this.form.addEventListener("change", changed);
    this.form.addEventListener("submit", (event) => event.preventDefault());
  }

  radio(name) {
    return this.form.querySelector(`input[name="${name}"]:checked`).value;
  }

  /** Every control read: {settings} ready for buildRequest(), or null settings with
   * {kernelErrors, divisorError} saying why. */
  read() {
    const { kernel, errors } = readKernel(this.grid.getCells(), this.state.maxKernelSide);
    const normalize = this.normalizeInput.checked;
    const { divisor, error: divisorError } = normalize ? { divisor: 1, error: null } : this.#readDivisor();
    const settings = kernel && !divisorError ? {
      imageId: this.state.image?.id,
      preset: this.state.presetName,
      kernel,
      divisor,
      normalize,
      channels: this.radio("channels"),
      padding: this.radio("padding"),
      stride: Number(this.radio("stride")),
      output: this.radio("output"),
      flip: this.flipInput.checked,
    } : null;
    return { settings, kernelErrors: errors, divisorError };
  }

  #readDivisor() {
    const parsed = parseNumber(this.divisorInput.value);
    if (!parsed.ok) return { divisor: null, error: `Divisor: ${parsed.error}.` };
    if (parsed.empty) return { divisor: 1, error: null };
    if (parsed.value === 0) return { divisor: null, error: "The divisor can\u2019t be 0: there is no dividing by zero." };
    return { divisor: parsed.value, error: null };
  }

  /** While normalising, the (disabled) field shows the sum in use; unticking brings back the
   * learner's own divisor. */
  #keepTypedDivisor() {
    if (this.normalizeInput.checked) this.state.savedDivisor = this.divisorInput.value;
    else if (this.state.savedDivisor !== null) this.divisorInput.value = this.state.savedDivisor;
    if (!this.normalizeInput.checked) this.state.savedDivisor = null;
  }

  /** Show preset `name` (its weights, divisor and mapping), or "custom". */
  choosePreset(name) {
    const preset = this.presets.show(name);
    if (!preset) return;
    this.grid.setCells(preset.kernel);
    this.divisorInput.value = String(preset.divisor);
    this.normalizeInput.checked = false;
    this.state.savedDivisor = null;
    this.#check("output", preset.output);
  }

  /** The grid now holds the learner's own weights. */
  becomeCustom() {
    if (this.state.presetName !== "custom") this.presets.show("custom");
  }

  /** Check radio `name`'s `value` (a link's output or channels), without dispatching a change. */
  setChoice(name, value) {
    this.#check(name, value);
  }

  #check(name, value) {
    const input = this.form.querySelector(`input[name="${name}"][value="${value}"]`);
    if (input) input.checked = true;
  }

  /** The notes beside the controls: the weights' sum, and which border / mapping note shows. */
  showNotes(settings) {
    this.divisorInput.disabled = this.normalizeInput.checked;
    for (const name of ["padding", "output"]) {
      const value = this.radio(name);
      for (const note of this.form.querySelectorAll(`[data-note-for="${name}"]`)) note.hidden = note.dataset.value !== value;
    }
    if (!settings) {
      this.sumNote.textContent = "";
      return;
    }
    if (settings.normalize) {
      this.divisorInput.value = formatNumber(effectiveDivisor(settings.kernel, settings.divisor, true));
    }
    this.sumNote.textContent = sumSentence(settings.kernel, settings.divisor, settings.normalize);
  }

  /** A greyscale photo has one channel: the colour choice does not apply. */
  setGreyscale(grey) {
    for (const input of this.form.querySelectorAll('input[name="channels"]')) input.disabled = grey;
    this.greyNote.hidden = !grey;
  }

  showKernelError(text) {
    showError(this.kernelError, text);
  }

  showOptionsError(text) {
    showError(this.optionsError, text);
  }
}
