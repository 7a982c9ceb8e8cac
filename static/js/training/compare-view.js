// Two runs side by side, as in the tutorial: test error (or accuracy) per epoch, and what each
// network cost in parameters. Changing a run or the metric dispatches "compare-change"
// (detail: {a, b, metric}); the page fetches the runs' histories and calls show().

import { COLORS, LineChart, percentPoints } from "./charts.js";
import {
  DASH,
  MODEL_NAMES,
  bestTestError,
  compareData,
  describeConfig,
  formatCount,
  formatDuration,
  formatPercent,
} from "./training-math.js";

export class CompareView {
  /** @param {HTMLElement} root the [data-compare-view] section */
  constructor(root) {
    this.root = root;
    this.selects = { a: root.querySelector('[data-compare-run="a"]'), b: root.querySelector('[data-compare-run="b"]') };
    this.rows = root.querySelector("[data-compare-rows]");
    this.chartBox = root.querySelector('[data-chart="compare"]');
    this.title = root.querySelector("[data-compare-title]");
    this.parameters = JSON.parse(root.dataset.parameters || "{}");
    this.chart = null;
    this.chartKey = "";
    this.runs = [];
    const changed = () => root.dispatchEvent(new CustomEvent("compare-change", { bubbles: true, detail: this.value() }));
    for (const select of Object.values(this.selects)) select.addEventListener("change", changed);
    for (const radio of root.querySelectorAll('input[name="compare-metric"]')) radio.addEventListener("change", changed);
  }

  value() {
    const metric = this.root.querySelector('input[name="compare-metric"]:checked')?.value ?? "error";
    return { a: this.selects.a.value, b: this.selects.b.value, metric };
  }

  /** Fills the two pickers with the runs that have finished an epoch. True when a choice changed. */
  setRuns(runs) {
    const usable = runs.filter((r) => r.epochs_done > 0);
    this.runs = usable;
    const before = this.value();
    const ids = new Set(usable.map((r) => r.id));
    const newest = (model, not) => usable.find((r) => r.config?.model === model && r.id !== not)?.id;
    let a = ids.has(before.a) ? before.a : newest("lenet5") ?? usable[0]?.id ?? "";
    let b = ids.has(before.b) && before.b !== a ? before.b : newest("mlp", a) ?? usable.find((r) => r.id !== a)?.id ?? "";
    if (!a && b) [a, b] = [b, ""];
    for (const [key, select] of Object.entries(this.selects)) {
      const none = new Option(key === "a" ? "(no run yet)" : "(none)", "");
      const options = usable.map((run) => new Option(this.label(run), run.id));
      select.replaceChildren(none, ...options);
      select.value = key === "a" ? a : b;
    }
    this.root.dataset.runs = String(usable.length);
    return a !== before.a || b !== before.b;
  }

  label(run) {
    const accuracy = run.test_accuracy == null ? "" : ` \u00b7 ${formatPercent(run.test_accuracy)}`;
    return `${MODEL_NAMES[run.config?.model] ?? run.config?.model} \u00b7 ${run.id}${accuracy} \u00b7 ${run.epochs_done} ep.`;
  }

  /** @param {Array<object|null>} details RunDetail objects for A and B (null when not chosen) */
  show(details, metric) {
    const chosen = details.map((d, i) => ({ run: d, key: i ? "B" : "A", color: i ? COLORS.runB : COLORS.runA }))
      .filter((x) => x.run);
    const key = `${metric}|${chosen.map((c) => `${c.key}:${c.run.id}`).join(",")}`;
    if (key !== this.chartKey) {
      this.chart?.destroy();
      this.chart = new LineChart(this.chartBox, {
        series: chosen.map((c) => ({
          label: `${c.key}: ${MODEL_NAMES[c.run.config?.model] ?? "run"} (${c.run.id})`,
          stroke: c.color,
          width: 2,
          points: true,
          dash: c.key === "B" ? [7, 4] : undefined,
        })),
        xLabel: "epoch",
        xIncrs: [1, 2, 5, 10, 20, 50],
        yLabel: metric === "error" ? "test error" : "test accuracy",
        format: percentPoints,
        height: 240,
      });
      this.chartKey = key;
    }
    this.chart.setData(chosen.length ? compareData(chosen.map((c) => c.run.history ?? []), metric) : [[]]);
    this.title.textContent = metric === "error" ? "Test error per epoch (lower is better)" : "Test accuracy per epoch";

    this.rows.replaceChildren(...chosen.map((c) => {
      const history = c.run.history ?? [];
      const last = history[history.length - 1];
      const best = bestTestError(history);
      const settings = describeConfig(c.run.config).split(" \u00b7 ").slice(1).join(" \u00b7 ");
      const cells = [
        c.key,
        [MODEL_NAMES[c.run.config?.model] ?? c.run.config?.model, settings],
        formatCount(this.parameters[c.run.config?.model]),
        `${history.length}`,
        last ? formatPercent(1 - last.test_accuracy) : DASH,
        best == null ? DASH : formatPercent(best),
        last ? formatDuration(last.elapsed_seconds) : DASH,
      ];
      const tr = document.createElement("tr");
      tr.dataset.run = c.run.id;
      cells.forEach((content, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) {
          cell.scope = "row";
          const swatch = document.createElement("span");
          swatch.className = `tr-swatch tr-swatch-${c.key.toLowerCase()}`;
          swatch.setAttribute("aria-hidden", "true");
          cell.append(swatch, content);
        } else if (Array.isArray(content)) {
          const note = document.createElement("span");
          note.className = "tr-table-note";
          note.textContent = content[1];
          cell.append(content[0], note);
        } else {
          cell.append(content);
        }
        tr.append(cell);
      });
      return tr;
    }));
    this.rows.closest("table").hidden = chosen.length === 0;
    this.root.dataset.shown = String(chosen.length);
  }
}
