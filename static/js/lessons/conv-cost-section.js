// Lesson 5, part 2: the cost calculator (POST /api/lessons/conv-cost as the learner types): each
// kind's formula with the learner's numbers, its multiply-adds, and how the separable layer
// compares with the standard one, worded from the ratio.

import { formatInteger } from "../shared/numbers.js";
import { bars } from "./lesson-draw.js";
import { prettyFormula } from "./lesson-math.js";
import { comparedWith } from "./lesson-words.js";
import { convCost } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { fieldName, markLayerSizes, readLayerSizes } from "./layer-size-form.js";

/** The three kinds of layer, as the tables and bars name and colour them. */
export const KINDS = [
  { key: "depthwise", label: "Image-editor style", cls: "is-muted" },
  { key: "standard", label: "LeNet style", cls: "is-warm" },
  { key: "separable", label: "Depthwise separable", cls: "is-pos" },
];

/** Bars for the three kinds: `values` by kind, printed by `format`. */
export function kindBars(values, format, label) {
  return bars(KINDS.map((kind) => ({ key: kind.key, label: kind.label, value: values[kind.key], cls: kind.cls,
    text: format(values[kind.key]) })), { label });
}

/** "Separable / standard = 1/64 + 1/3² = 0.1267: the separable layer needs 7.89 times fewer
 * multiply-adds than the standard one." */
export function costRatioText(cost) {
  return `Separable / standard = ${prettyFormula(cost.formulas.ratio)}: the separable layer needs `
    + `${comparedWith(cost.ratio, "multiply-adds", "the standard one")}.`;
}

export class ConvCostSection {
  constructor(page) {
    this.page = page;
    this.form = page.$('[data-form="cost"]');
    this.live = new LiveSection(page, {
      name: "cost", send: convCost, draw: (cost) => this.draw(cost), nameOf: fieldName,
      onFields: (paths) => markLayerSizes(this.form, paths),
    });
    this.form.addEventListener("input", () => this.request());
    this.form.addEventListener("submit", (event) => event.preventDefault());
  }

  request() {
    const { body, error } = readLayerSizes(this.form);
    if (error) this.live.refuse(error);
    else this.live.ask(body);
  }

  draw(cost) {
    for (const kind of KINDS) {
      const row = this.live.section.querySelector(`[data-cost="${kind.key}"]`);
      row.querySelector("[data-formula]").textContent = prettyFormula(cost.formulas[kind.key].split(" = ")[0]);
      row.querySelector("[data-value]").textContent = formatInteger(cost[kind.key]);
    }
    this.page.$('[data-bars="cost"]').replaceChildren(kindBars(cost, formatInteger, "Multiply-adds of each kind"));
    const ratio = this.page.$("[data-ratio]");
    ratio.textContent = costRatioText(cost);
    ratio.dataset.value = String(cost.ratio);
  }
}
