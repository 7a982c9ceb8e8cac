// Past runs (GET /api/runs, newest first). Choosing one dispatches "run-select" (detail: {id});
// the refresh button dispatches "runs-refresh".

import { el } from "../shared/dom.js";
import { DASH, formatPercent } from "../shared/numbers.js";
import { Panel } from "./panel.js";
import { describeSettings, epochsDoneText, formatWhen, modelName } from "./run-words.js";

export class RunList extends Panel {
  /** @param {HTMLElement} root the [data-run-list] section
   * @param {{allImages?: number}} options the size of the whole training set */
  constructor(root, { allImages = null } = {}) {
    super(root, ["runs", "runs-empty", "runs-count", "refresh"]);
    this.allImages = allImages;
    this.selected = null;
    this.parts.runs.addEventListener("click", (event) => {
      const button = event.target.closest("[data-run-id]");
      if (button) this.emit("run-select", { id: button.dataset.runId });
    });
    this.parts.refresh?.addEventListener("click", () => this.emit("runs-refresh"));
  }

  /** @param {Array<object>} runs RunSummary objects */
  render(runs) {
    this.parts.runsEmpty.hidden = runs.length > 0;
    this.parts.runsCount.textContent = runs.length ? `(${runs.length})` : "";
    this.parts.runs.replaceChildren(...runs.map((run) => this.item(run)));
    this.root.dataset.count = String(runs.length);
  }

  item(run) {
    const name = el("span", "tr-run-name", modelName(run.config?.model, run.config?.model ?? "?"));
    const queued = run.status === "queued" && run.position;
    const pill = el("span", "tr-pill tr-pill-small", queued ? `queued #${run.position}` : run.status);
    pill.dataset.status = run.status;
    const top = el("span", "tr-run-top");
    top.append(name, pill);
    const accuracy = run.test_accuracy == null ? DASH : formatPercent(run.test_accuracy);
    const epochs = epochsDoneText(run.epochs_done, run.config?.epochs);
    const bottom = el("span", "tr-run-bottom", `${epochs} \u00b7 test ${accuracy} \u00b7 ${formatWhen(run.created_at)}`);

    const button = el("button", "tr-run");
    button.type = "button";
    button.dataset.runId = run.id;
    if (run.id === this.selected) button.setAttribute("aria-current", "true");
    button.append(top, el("span", "tr-run-config", describeSettings(run.config, { allImages: this.allImages })), bottom);
    button.setAttribute("aria-label", `Watch run ${run.id}: ${name.textContent}, ${pill.textContent}, ${bottom.textContent}`);
    const li = el("li");
    li.append(button);
    return li;
  }

  select(id) {
    this.selected = id;
    for (const button of this.parts.runs.querySelectorAll("[data-run-id]")) {
      if (button.dataset.runId === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }
}
