// The augmentation fieldset's preview: the first training digits, each beside a few random
// distortions with the ranges typed in the form (POST /api/augment/preview), so a learner sees
// what "rotate 15, elastic 30" does to a 5 before training on it.
//
// Markup contract (templates/training.html): [data-augment] holding button[data-augment-preview],
// [data-augment-error] and [data-augment-grid]; the grid gets data-shown (the augment asked for).

import { postJson } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { drawHeatmap, inkColor } from "../shared/heatmap.js";

const SCALE = 2; // a 28x28 digit drawn at 56x56

function digitCanvas(rows, label) {
  const canvas = el("canvas", "tr-augment-digit");
  drawHeatmap(canvas, rows, { colour: inkColor, scale: SCALE });
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

export class AugmentPreview {
  /** `augment()`: the augmentation as the form has it now ({shift, rotate, ...}), or null if it cannot be read. */
  constructor(root, augment) {
    this.root = root;
    this.augment = augment;
    this.grid = root.querySelector("[data-augment-grid]");
    this.error = root.querySelector("[data-augment-error]");
    root.querySelector("[data-augment-preview]").addEventListener("click", () => this.show());
  }

  async show() {
    const augment = this.augment();
    if (!augment) return;
    try {
      const answer = await postJson("/api/augment/preview", { augment, digits: 4, variants: 6 });
      this.error.hidden = true;
      this.grid.replaceChildren(...answer.original.map((digit, d) => {
        const row = el("div", "tr-augment-row");
        row.append(digitCanvas(digit, `Training digit ${d + 1}, a ${answer.labels[d]}, as it is`),
          el("span", "tr-augment-arrow", "\u2192"),
          ...answer.variants[d].map((v, k) => digitCanvas(v, `The same ${answer.labels[d]}, distortion ${k + 1}`)));
        return row;
      }));
      this.grid.dataset.shown = JSON.stringify(augment);
    } catch (error) {
      this.error.textContent = error.message || String(error);
      this.error.hidden = false;
    }
  }
}
