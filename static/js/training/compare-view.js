// Two runs side by side, as in the tutorial: test error (or accuracy) per epoch, what each
// network cost in parameters, and one sentence comparing the two, worded from those numbers.
// Changing a run or the metric dispatches "compare-change" (detail: {a, b, metric}); the page
// fetches the runs' histories and calls show(). The intro's sentence compares the tutorial's
// own numbers the same way.

import { el } from "../shared/dom.js";
import { DASH, formatDuration, formatInteger, formatPercent } from "../shared/numbers.js";
import { COLORS, LineChart, percentPoints } from "../shared/charts.js";
import { comparisonSentence, tutorialSentence } from "./compare-words.js";
import { Panel } from "./panel.js";
import { describeSettings, layersText, modelName } from "./run-words.js";
import { bestTestError, compareData, finalTestError } from "./run-series.js";

const SIDES = [{ key: "A", color: COLORS.runA }, { key: "B", color: COLORS.runB, dash: [7, 4] }];

export class CompareView extends Panel {
  /** @param {HTMLElement} root the [data-compare-view] section
   * @param {{allImages?: number}} options the size of the whole training set */
  constructor(root, { allImages = null } = {}) {
    super(root, ["compare-rows", "compare-title", "compare-verdict", "tutorial-sentence"]);
    this.selects = { a: root.querySelector('[data-compare-run="a"]'), b: root.querySelector('[data-compare-run="b"]') };
    this.chartBox = root.querySelector('[data-chart="compare"]');
    this.parameters = JSON.parse(root.dataset.parameters || "{}");
    this.allImages = allImages;
    this.chart = null;
    this.chartKey = "";
    this.parts.tutorialSentence.textContent = tutorialSentence(this.parameters, JSON.parse(root.dataset.tutorialErrors || "{}"));
    root.addEventListener("change", (event) => {
      if (event.target.matches("[data-compare-run], input[name='compare-metric']")) this.emit("compare-change", this.value());
    });
  }

  value() {
    const metric = this.root.querySelector('input[name="compare-metric"]:checked')?.value ?? "error";
    return { a: this.selects.a.value, b: this.selects.b.value, metric };
  }

  /** Fills the two pickers with the runs that have finished an epoch. True when a choice changed. */
  setRuns(runs) {
    const usable = runs.filter((r) => r.epochs_done > 0);
    const before = this.value();
    const ids = new Set(usable.map((r) => r.id));
    const newest = (model, not) => usable.find((r) => r.config?.model === model && r.id !== not)?.id;
    let a = ids.has(before.a) ? before.a : newest("lenet5") ?? usable[0]?.id ?? "";
    let b = ids.has(before.b) && before.b !== a ? before.b : newest("mlp", a) ?? usable.find((r) => r.id !== a)?.id ?? "";
    if (!a && b) [a, b] = [b, ""];
    for (const [key, select] of Object.entries(this.selects)) {
      const none = new Option(key === "a" ? "(no run yet)" : "(none)", "");
      select.replaceChildren(none, ...usable.map((run) => new Option(this.label(run), run.id)));
      select.value = key === "a" ? a : b;
    }
    this.root.dataset.runs = String(usable.length);
    return a !== before.a || b !== before.b;
  }

  label(run) {
    const accuracy = run.test_accuracy == null ? "" : ` \u00b7 ${formatPercent(run.test_accuracy)}`;
    return `${modelName(run.config?.model)} \u00b7 ${run.id}${accuracy} \u00b7 ${run.epochs_done} ep.`;
  }

  /** @param {Array<object|null>} details RunDetail objects for A and B (null when not chosen) */
  show(details, metric) {
    const chosen = details.map((run, i) => ({ ...SIDES[i], run })).filter((side) => side.run);
    this.drawChart(chosen, metric);
    this.parts.compareTitle.textContent = metric === "error"
      ? "Test error per epoch (lower is better)" : "Test accuracy per epoch";
    this.parts.compareRows.replaceChildren(...chosen.map((side) => this.row(side)));
    this.parts.compareRows.closest("table").hidden = chosen.length === 0;
    this.parts.compareVerdict.textContent = chosen.length === 2 ? this.verdict(chosen) : "";
    this.root.dataset.shown = String(chosen.length);
  }

  drawChart(chosen, metric) {
    const key = `${metric}|${chosen.map((c) => `${c.key}:${c.run.id}`).join(",")}`;
    if (key !== this.chartKey) {
      this.chart?.destroy();
      this.chart = new LineChart(this.chartBox, {
        series: chosen.map((c) => ({ label: `${c.key}: ${modelName(c.run.config?.model, "run")} (${c.run.id})`,
          stroke: c.color, width: 2, points: true, dash: c.dash })),
        xLabel: "epoch",
        xIncrs: [1, 2, 5, 10, 20, 50],
        yLabel: metric === "error" ? "test error" : "test accuracy",
        format: percentPoints,
        height: 240,
      });
      this.chartKey = key;
    }
    this.chart.setData(chosen.length ? compareData(chosen.map((c) => c.run.history ?? []), metric) : [[]]);
  }

  /** "Run A's LeNet-5 has 4.07 times fewer parameters than run B's MLP ... and gets ...". */
  verdict([a, b]) {
    const side = (c) => ({
      subject: `Run ${c.key}\u2019s ${modelName(c.run.config?.model)}`,
      object: `run ${c.key}\u2019s ${modelName(c.run.config?.model)}`,
      parameters: c.run.params ?? this.parameters[c.run.config?.model],
      error: finalTestError(c.run.history),
      epochs: c.run.history?.length ?? 0,
    });
    return comparisonSentence(side(a), side(b));
  }

  row({ key, run }) {
    const history = run.history ?? [];
    const last = history[history.length - 1];
    const final = finalTestError(history);
    const best = bestTestError(history);
    const swatch = el("span", `tr-swatch tr-swatch-${key.toLowerCase()}`);
    swatch.setAttribute("aria-hidden", "true");
    const head = el("th");
    head.scope = "row";
    head.append(swatch, key);
    const network = el("td");
    const settings = describeSettings(run.config, { allImages: this.allImages });
    network.append(modelName(run.config?.model), el("span", "tr-table-note", settings));
    if (run.config?.layers) network.append(el("span", "tr-table-note tr-layers-note", layersText(run.config.layers)));
    const cells = [formatInteger(run.params ?? this.parameters[run.config?.model]), `${history.length}`,
      final == null ? DASH : formatPercent(final), best == null ? DASH : formatPercent(best),
      last ? formatDuration(last.elapsed_seconds) : DASH].map((text) => el("td", "", text));
    const tr = el("tr");
    tr.dataset.run = run.id;
    tr.append(head, network, ...cells);
    return tr;
  }
}
