// Lesson 7, /lessons/results: the committed LeNet-5 and MLP on the MNIST test set, side by side
// (GET /api/lessons/results; the server evaluates both once, which takes a few seconds), the two
// ratios of the tutorial's claim and the verdicts on it (results-claim.js).

import { TIMES, formatInteger, formatNumber, formatPercent } from "../shared/numbers.js";
import { el } from "../shared/dom.js";
import { confusionTable } from "./lesson-draw.js";
import { rendered, showError, start } from "./lesson-page.js";
import { results } from "./lessons-api.js";
import { claimText, ratioView, versionsText } from "./results-claim.js";

class ResultsSection {
  constructor(page) {
    this.page = page;
    this.section = page.$('[data-section="results"]');
    this.query = page.query(() => results(), {
      onResult: (data) => this.show(data),
      onError: (error) => {
        page.$("[data-status]").hidden = true;
        showError(page.$('[data-error="results"]'), `Could not evaluate the networks: ${error.message || error}`);
      },
    });
  }

  show(data) {
    this.drawModel("lenet5", data.lenet5);
    this.drawModel("mlp", data.mlp);
    const { lenet5, mlp } = data;
    this.drawRatio("error", `${formatPercent(mlp.test_error)} / ${formatPercent(lenet5.test_error)}`, data.error_ratio);
    this.drawRatio("size", `${formatInteger(mlp.params)} / ${formatInteger(lenet5.params)}`, data.size_ratio);
    const { holds, text } = claimText(data);
    const claim = this.page.$("[data-claim]");
    claim.classList.toggle("is-negative", !holds);
    claim.dataset.holds = String(holds);
    claim.textContent = text;
    this.drawVersions(data.versions);
    this.page.$("[data-status]").hidden = true;
    this.page.$('[data-result="results"]').hidden = false;
    rendered(this.section, {});
  }

  drawModel(key, model) {
    const box = this.section.querySelector(`[data-model="${key}"]`);
    const total = model.confusion.flat().reduce((a, b) => a + b, 0);
    const right = model.confusion.reduce((a, row, r) => a + row[r], 0);
    const stat = (name, text) => {
      box.querySelector(`[data-stat="${name}"]`).textContent = text;
    };
    stat("error", formatPercent(model.test_error));
    stat("accuracy", formatPercent(model.test_accuracy));
    stat("params", formatInteger(model.params));
    stat("wrong", `${formatInteger(total - right)} of ${formatInteger(total)}`);
    stat("command", model.trained_with ?? "unknown");
    box.querySelector(`[data-confusion="${key}"]`).replaceChildren(
      confusionTable(model.confusion, { kind: key, label: `Confusion matrix of ${key === "mlp" ? "the MLP" : "LeNet-5"} on the test set` }));
  }

  drawVersions(versions) {
    this.section.querySelector("[data-versions]").replaceChildren(...versions.map((v) => {
      const row = el("tr");
      row.dataset.distorted = String(v.distorted);
      const cells = [v.distorted ? "with distortions" : "without distortions", formatPercent(1 - v.lenet5_accuracy),
        formatPercent(1 - v.mlp_accuracy), `${formatNumber(v.error_ratio, 2)}${TIMES}`];
      row.append(...cells.map((text, i) => {
        const cell = el(i === 0 ? "th" : "td", i === 0 ? "" : "ls-num-cell", text);
        if (i === 0) cell.scope = "row";
        return cell;
      }));
      row.title = `${v.lenet5_command ?? ""}\n${v.mlp_command ?? ""}`.trim();
      return row;
    }));
    this.section.querySelector("[data-versions-text]").textContent = versionsText(versions);
  }

  drawRatio(name, formula, ratio) {
    const box = this.section.querySelector(`[data-ratio="${name}"]`);
    const view = ratioView(name, ratio);
    box.querySelector("[data-formula]").textContent = `${formula} = ${formatNumber(ratio, 2)}`;
    box.querySelector("[data-value]").textContent = view.value;
    box.querySelector("[data-unit]").textContent = view.unit;
    box.querySelector("[data-verdict]").textContent = view.verdict;
    box.classList.toggle("is-holding", view.holds);
  }
}

start("results", (page) => new ResultsSection(page).query.now(null));
