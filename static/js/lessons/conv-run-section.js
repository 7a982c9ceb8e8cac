// Lesson 5, part 3: the timed run on a photo (POST /api/lessons/conv-types/run, on a button press:
// it takes about a second and the server runs one at a time), and how the measured times compare,
// worded from the measured ratio and the formula's.

import { findParts } from "../shared/dom.js";
import { TIMES, formatInteger, formatMs, formatNumber } from "../shared/numbers.js";
import { KINDS, kindBars } from "./conv-cost-section.js";
import { lessonError } from "./lesson-errors.js";
import { prettyFormula } from "./lesson-math.js";
import { rendered, showError, stale } from "./lesson-page.js";
import { comparedWith, timeComparedWith } from "./lesson-words.js";
import { fieldName, markLayerSizes, readLayerSizes } from "./layer-size-form.js";
import { runConvTypes } from "./lessons-api.js";

/** "Separable / standard: 0.1267 by the formula (1/32 + 1/3²), 0.4 measured. The separable layer
 * ran 2.5 times faster than the standard one, for 7.89 times fewer multiply-adds." */
export function measuredText({ cost, measured_ratio: measured }) {
  return `Separable / standard: ${formatNumber(cost.ratio, 4)} by the formula `
    + `(${prettyFormula(cost.formulas.ratio.split(" = ")[0])}), ${formatNumber(measured, 4)} measured. The separable layer `
    + `${timeComparedWith(measured, "the standard one")}, for ${comparedWith(cost.ratio, "multiply-adds")}.`;
}

export class ConvRunSection {
  constructor(page) {
    this.page = page;
    this.el = findParts(page.root, {
      section: '[data-section="run"]', form: '[data-form="run"]', errorBox: '[data-error="run"]', button: "[data-run]",
      status: "[data-run-status]", result: '[data-result="run"]', bars: '[data-bars="run"]', measured: "[data-measured]",
    });
    this.el.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.el.form.addEventListener("input", () => {
      readLayerSizes(this.el.form);
      showError(this.el.errorBox, null);
    });
  }

  async run() {
    const { body, error } = readLayerSizes(this.el.form);
    showError(this.el.errorBox, error);
    if (error) return;
    this.el.button.disabled = true;
    const photo = `${body.df}${TIMES}${body.df}`;
    this.el.status.textContent = `Timing each layer on a ${photo} photo with ${body.m} channels\u2026`;
    try {
      const result = await this.page.hold(runConvTypes(body));
      this.draw(result);
      this.el.result.hidden = false;
      rendered(this.el.section, body);
      this.el.status.textContent = `Measured on ${photo}, M = ${body.m}, N = ${body.n}, D_K = ${body.dk}.`;
    } catch (failure) {
      const { message, fields } = lessonError(failure, fieldName);
      markLayerSizes(this.el.form, fields);
      showError(this.el.errorBox, message);
      this.el.status.textContent = "";
      stale(this.el.section);
    } finally {
      this.el.button.disabled = false;
    }
  }

  draw(result) {
    const { cost, seconds } = result;
    for (const kind of KINDS) {
      const row = this.el.section.querySelector(`[data-run="${kind.key}"]`);
      row.querySelector("[data-macs]").textContent = formatInteger(cost[kind.key]);
      row.querySelector("[data-time]").textContent = formatMs(seconds[kind.key]);
      row.querySelector("[data-rate]").textContent = formatMs(seconds[kind.key] / (cost[kind.key] / 1e6));
    }
    this.el.bars.replaceChildren(kindBars(seconds, formatMs, "Measured time of each kind"));
    const { measured } = this.el;
    measured.textContent = measuredText(result);
    measured.dataset.value = String(result.measured_ratio);
  }
}
