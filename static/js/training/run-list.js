// Past runs (GET /api/runs, newest first). Choosing one dispatches "run-select" (detail: {id});
// the refresh button dispatches "runs-refresh".

import { DASH, describeConfig, formatPercent, formatWhen, MODEL_NAMES } from "./training-math.js";

export class RunList {
  /** @param {HTMLElement} root the [data-run-list] section */
  constructor(root) {
    this.root = root;
    this.list = root.querySelector("[data-runs]");
    this.empty = root.querySelector("[data-runs-empty]");
    this.count = root.querySelector("[data-runs-count]");
    this.selected = null;
    this.runs = [];
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-run-id]");
      if (button) root.dispatchEvent(new CustomEvent("run-select", { bubbles: true, detail: { id: button.dataset.runId } }));
    });
    root.querySelector("[data-refresh]")?.addEventListener("click", () => {
      root.dispatchEvent(new CustomEvent("runs-refresh", { bubbles: true }));
    });
  }

  /** @param {Array<object>} runs RunSummary objects */
  render(runs) {
    this.runs = runs;
    this.empty.hidden = runs.length > 0;
    if (this.count) this.count.textContent = runs.length ? `(${runs.length})` : "";
    const items = runs.map((run) => this.item(run));
    this.list.replaceChildren(...items);
    this.root.dataset.count = String(runs.length);
  }

  item(run) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tr-run";
    button.dataset.runId = run.id;
    if (run.id === this.selected) button.setAttribute("aria-current", "true");

    const top = document.createElement("span");
    top.className = "tr-run-top";
    const name = document.createElement("span");
    name.className = "tr-run-name";
    name.textContent = `${MODEL_NAMES[run.config?.model] ?? run.config?.model ?? "?"}`;
    const pill = document.createElement("span");
    pill.className = "tr-pill tr-pill-small";
    pill.dataset.status = run.status;
    pill.textContent = run.status === "queued" && run.position ? `queued #${run.position}` : run.status;
    top.append(name, pill);

    const config = document.createElement("span");
    config.className = "tr-run-config";
    config.textContent = describeConfig(run.config).split(" \u00b7 ").slice(1).join(" \u00b7 ");

    const bottom = document.createElement("span");
    bottom.className = "tr-run-bottom";
    const accuracy = run.test_accuracy == null ? DASH : formatPercent(run.test_accuracy);
    bottom.textContent = `${run.epochs_done}/${run.config?.epochs ?? "?"} epochs \u00b7 test ${accuracy} \u00b7 ${formatWhen(run.created_at)}`;

    button.append(top, config, bottom);
    button.setAttribute("aria-label", `Watch run ${run.id}: ${name.textContent}, ${pill.textContent}, ${bottom.textContent}`);
    li.append(button);
    return li;
  }

  select(id) {
    this.selected = id;
    for (const button of this.list.querySelectorAll("[data-run-id]")) {
      if (button.dataset.runId === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }
}
