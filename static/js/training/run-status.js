// The watched run's header: its status and queue place, progress, speed and time left, and
// the buttons its status allows. Buttons dispatch "run-command" (detail: {action}) with action
// pause | resume | stop | activate | delete. Every number and sentence comes from run-words.js.

import { Panel } from "./panel.js";
import { allowedActions, runProgress } from "./run-states.js";
import { capitalise } from "../shared/words.js";
import { describeSettings, modelName, progressLine, progressPercent, statTexts } from "./run-words.js";
import { exportUrl, weightsUrl } from "./training-api.js";

const STATUS_TEXT = { idle: "no run" };

export class RunStatus extends Panel {
  /** @param {HTMLElement} root the [data-run-status] section
   * @param {{allImages?: number}} options the size of the whole training set */
  constructor(root, { allImages = null } = {}) {
    super(root, ["run-title", "run-config", "status-pill", "progress", "progress-text", "weights-link", "run-message"]);
    this.message = this.parts.runMessage;
    this.allImages = allImages;
    this.stats = Object.fromEntries([...root.querySelectorAll("[data-stat]")].map((dd) => [dd.dataset.stat, dd]));
    this.buttons = Object.fromEntries([...root.querySelectorAll("[data-action]")].map((b) => [b.dataset.action, b]));
    this.confirmingDelete = false;
    for (const [action, button] of Object.entries(this.buttons)) button.addEventListener("click", () => this.clicked(action));
    this.buttons.delete?.addEventListener("blur", () => this.resetDelete());
    this.render({ id: null, status: "idle" });
  }

  /** Delete asks once more ("Really delete?"); every other button acts at once. */
  clicked(action) {
    if (action === "delete" && !this.confirmingDelete) {
      this.confirmingDelete = true;
      this.buttons.delete.textContent = "Really delete?";
      this.buttons.delete.classList.add("is-danger");
      return;
    }
    this.resetDelete();
    this.emit("run-command", { action });
  }

  resetDelete() {
    if (!this.confirmingDelete) return;
    this.confirmingDelete = false;
    this.buttons.delete.textContent = "Delete";
    this.buttons.delete.classList.remove("is-danger");
  }

  /**
   * @param {{id: string|null, status: string, position?: number|null, config?: object,
   *          epochsDone?: number, latest?: object|null, lastEpoch?: object|null, error?: string|null,
   *          busy?: boolean}} run
   */
  render(run) {
    const status = run.status || "idle";
    const { runTitle, runConfig, statusPill, progress, progressText } = this.parts;
    this.root.dataset.status = status;
    statusPill.dataset.status = status;
    const queued = status === "queued" && run.position;
    statusPill.textContent = queued ? `queued \u00b7 #${run.position}` : STATUS_TEXT[status] ?? status;
    runTitle.textContent = run.id ? `${capitalise(modelName(run.config?.model, "Run"))} \u00b7 run ${run.id}` : "No run yet";
    runConfig.textContent = run.id
      ? describeSettings(run.config, { allImages: this.allImages })
      : "Start one with the form, or pick a past run from the list.";

    const fraction = runProgress(run.latest ?? null, run.epochsDone, run.config?.epochs ?? 0);
    progress.value = fraction;
    progress.setAttribute("aria-valuetext", progressPercent(fraction));
    progressText.textContent = progressLine({ ...run, status }, fraction);
    for (const [name, text] of Object.entries(statTexts({ ...run, status }))) this.stats[name].textContent = text;
    this.renderButtons(run.id ? status : "idle", run.epochsDone ?? 0, Boolean(run.busy), run.id);
  }

  renderButtons(status, epochsDone, busy, id) {
    const allowed = allowedActions(status, epochsDone);
    for (const action of ["pause", "resume", "stop", "delete"]) {
      const button = this.buttons[action];
      const enabled = (action === "delete" ? allowed.remove : allowed[action]) && !busy;
      if (button && button.disabled === enabled) button.disabled = !enabled;
    }
    if (!allowed.remove) this.resetDelete();
    this.buttons.activate.disabled = !allowed.weights || busy;
    const links = [[this.parts.weightsLink, weightsUrl(id)],
      ...[...this.root.querySelectorAll("[data-export-link]")].map((a) => [a, exportUrl(id, a.dataset.exportLink)])];
    for (const [link, href] of links) {
      if (allowed.weights) {
        link.href = href;
        link.removeAttribute("aria-disabled");
      } else {
        link.removeAttribute("href");
        link.setAttribute("aria-disabled", "true");
      }
    }
  }

  say(text, kind = "info") {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }
}
