// The preset select and what it says about the chosen preset: its description and, for the
// Sobel magnitude, the note naming its second kernel. Markup contract (templates/kernels.html):
// select#kp-preset (holding option[value="custom"]), [data-preset-description],
// [data-second-kernel] holding [data-second-name].

import { TIMES } from "../shared/numbers.js";
import { largestKernelText } from "./kernel-math.js";
import { findPreset } from "./preset-names.js";

const CUSTOM_DESCRIPTION = "Your own weights. Each output pixel is the sum of weight \u00d7 pixel over the window, "
  + "divided by the divisor.";

export class PresetPicker {
  /** @param {HTMLElement} root  the page @param {object} state  page-state.js (presets, presetName) */
  constructor(root, state) {
    this.state = state;
    this.select = root.querySelector("#kp-preset");
    this.description = root.querySelector("[data-preset-description]");
    this.secondKernelNote = root.querySelector("[data-second-kernel]");
    this.secondKernelName = this.secondKernelNote.querySelector("[data-second-name]");
  }

  /** Put the presets into the select, before "Custom"; a preset larger than the server's
   * largest kernel is listed but cannot be chosen. */
  add(list) {
    const max = this.state.maxKernelSide;
    const custom = this.select.querySelector('option[value="custom"]');
    for (const preset of list) {
      this.state.presets.set(preset.name, preset);
      const rows = preset.kernel.length;
      const cols = preset.kernel[0].length;
      const fits = rows <= max && cols <= max;
      const option = new Option(fits ? preset.label : `${preset.label} (${cols}${TIMES}${rows}: ${largestKernelText(max)})`,
        preset.name);
      option.disabled = !fits;
      this.select.add(option, custom);
    }
  }

  /** The first of `names` that is a preset that can be chosen, else the first such preset, else "custom". */
  firstUsable(names) {
    const usable = (name) => [...this.select.options].some((o) => o.value === name && !o.disabled)
      && this.state.presets.has(name);
    return names.find(usable) ?? [...this.state.presets.keys()].find(usable) ?? "custom";
  }

  /** Select preset `name` (or "custom") and describe it; returns the preset, or null for custom. */
  show(name) {
    const preset = this.state.presets.get(name) ?? null;
    this.state.presetName = preset ? name : "custom";
    this.select.value = this.state.presetName;
    this.description.textContent = preset?.description ?? CUSTOM_DESCRIPTION;
    const second = preset?.second_kernel;
    this.secondKernelNote.hidden = !second;
    const named = second ? findPreset(this.state.presets, second) : null;
    this.secondKernelName.textContent = named ? ` (${named.label})` : "";
    return preset;
  }
}
