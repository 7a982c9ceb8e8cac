// The ten probability bars on /digits. Draws what it is given; fetches nothing.
//
// Markup contract (templates/digits.html): an <ol data-bars> of ten <li data-digit="d"> rows,
// each with [data-value] and a visually hidden [data-role]; the bar's length is --p.

import { formatProbability } from "../shared/numbers.js";

export class ProbabilityBars {
  constructor(root) {
    this.root = root;
    this.rows = [...root.querySelectorAll("[data-digit]")];
  }

  /** Bars for probabilities[0..9]; the top guess and the runner-up are marked. */
  update(probabilities, digit, runnerUp) {
    this.root.classList.remove("is-empty");
    for (const row of this.rows) {
      const d = Number(row.dataset.digit);
      const p = probabilities[d];
      row.style.setProperty("--p", String(Math.max(0, Math.min(1, p))));
      row.dataset.probability = String(p);
      row.classList.toggle("is-top", d === digit);
      row.classList.toggle("is-runner-up", d === runnerUp);
      row.querySelector("[data-value]").textContent = formatProbability(p);
      row.querySelector("[data-role]").textContent = d === digit ? " (top guess)" : d === runnerUp ? " (runner-up)" : "";
    }
  }

  clear() {
    this.root.classList.add("is-empty");
    for (const row of this.rows) {
      row.style.setProperty("--p", "0");
      delete row.dataset.probability;
      row.classList.remove("is-top", "is-runner-up");
      row.querySelector("[data-value]").textContent = "\u2013";
      row.querySelector("[data-role]").textContent = "";
    }
  }
}
