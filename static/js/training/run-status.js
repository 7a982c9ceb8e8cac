// The watched run's header: its status and queue place, progress, speed and time left, and
// the buttons its status allows. Buttons dispatch "run-command" (detail: {action}) with action
// pause | resume | stop | activate | delete.

import {
  DASH,
  allowedActions,
  describeConfig,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  MODEL_NAMES,
  runProgress,
} from "./training-math.js";
import { weightsUrl } from "./training-api.js";

const STATUS_TEXT = {
  idle: "no run",
  queued: "queued",
  running: "running",
  paused: "paused",
  stopped: "stopped",
  completed: "completed",
  failed: "failed",
  interrupted: "interrupted",
};

export class RunStatus {
  /** @param {HTMLElement} root the [data-run-status] section */
  constructor(root) {
    this.root = root;
    this.title = root.querySelector("[data-run-title]");
    this.config = root.querySelector("[data-run-config]");
    this.pill = root.querySelector("[data-status-pill]");
    this.progress = root.querySelector("[data-progress]");
    this.progressText = root.querySelector("[data-progress-text]");
    this.stats = Object.fromEntries([...root.querySelectorAll("[data-stat]")].map((el) => [el.dataset.stat, el]));
    this.buttons = Object.fromEntries([...root.querySelectorAll("[data-action]")].map((b) => [b.dataset.action, b]));
    this.weightsLink = root.querySelector("[data-weights-link]");
    this.message = root.querySelector("[data-run-message]");
    this.confirmingDelete = false;
    for (const [action, button] of Object.entries(this.buttons)) {
      button.addEventListener("click", () => {
        if (action === "delete" && !this.confirmingDelete) {
          this.confirmingDelete = true;
          button.textContent = "Really delete?";
          button.classList.add("is-danger");
          return;
        }
        this.resetDelete();
        root.dispatchEvent(new CustomEvent("run-command", { bubbles: true, detail: { action } }));
      });
    }
    this.buttons.delete?.addEventListener("blur", () => this.resetDelete());
    this.render({ id: null, status: "idle" });
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
    const config = run.config ?? null;
    const epochs = config?.epochs ?? 0;
    const latest = run.latest ?? null;
    const lastEpoch = run.lastEpoch ?? null;
    const running = status === "running";

    this.root.dataset.status = status;
    this.pill.dataset.status = status;
    this.pill.textContent = status === "queued" && run.position ? `queued \u00b7 #${run.position}` : STATUS_TEXT[status] ?? status;
    this.title.textContent = run.id ? `${MODEL_NAMES[config?.model] ?? "Run"} \u00b7 run ${run.id}` : "No run yet";
    this.config.textContent = run.id
      ? describeConfig(config).split(" \u00b7 ").slice(1).join(" \u00b7 ")
      : "Start one with the form, or pick a past run from the list.";

    const fraction = runProgress(latest, run.epochsDone, epochs);
    this.progress.value = fraction;
    this.progress.setAttribute("aria-valuetext", `${Math.round(fraction * 100)}%`);
    this.progressText.textContent = this.progressLine(run, status, fraction);

    this.stats.loss.textContent = latest ? formatNumber(latest.loss, 3) : DASH;
    const rate = latest && running ? latest.images_per_sec : lastEpoch?.images_per_sec;
    this.stats.speed.textContent = rate ? formatCount(rate) : DASH;
    this.stats.eta.textContent = latest && running ? formatDuration(latest.eta_seconds) : DASH;
    this.stats.lr.textContent = latest ? formatNumber(latest.lr) : config ? formatNumber(config.lr) : DASH;
    this.stats.test.textContent = lastEpoch ? formatPercent(lastEpoch.test_accuracy) : DASH;

    const allowed = allowedActions(run.id ? status : "idle", run.epochsDone ?? 0);
    const busy = Boolean(run.busy);
    for (const action of ["pause", "resume", "stop", "delete"]) {
      const button = this.buttons[action];
      if (!button) continue;
      const enabled = (action === "delete" ? allowed.remove : allowed[action]) && !busy;
      if (button.disabled === enabled) button.disabled = !enabled;
    }
    if (!allowed.remove) this.resetDelete();
    this.buttons.activate.disabled = !allowed.weights || busy;
    if (allowed.weights) {
      this.weightsLink.href = weightsUrl(run.id);
      this.weightsLink.removeAttribute("aria-disabled");
    } else {
      this.weightsLink.removeAttribute("href");
      this.weightsLink.setAttribute("aria-disabled", "true");
    }
  }

  progressLine(run, status, fraction) {
    if (!run.id) return "";
    const percent = `${Math.round(fraction * 100)}%`;
    switch (status) {
      case "queued":
        return run.position ? `Waiting: number ${run.position} in the queue.` : "Waiting for the run before it to finish.";
      case "running":
        return run.latest
          ? `Epoch ${run.latest.epoch} of ${run.config?.epochs ?? "?"}, batch ${run.latest.batch} of ${run.latest.batches}: `
            + `${percent} done.`
          : "Starting: loading the data\u2026";
      case "paused":
        return run.latest
          ? `Paused in epoch ${run.latest.epoch}, batch ${run.latest.batch} of ${run.latest.batches} (${percent}). `
            + "Resume continues from the next batch."
          : `Paused at ${percent}. Resume continues from the next batch.`;
      case "stopped":
        return `Stopped at ${percent}. ${this.resumeNote(run)}`;
      case "interrupted":
        return `Interrupted at ${percent} (the server stopped). ${this.resumeNote(run)}`;
      case "failed":
        return `Failed at ${percent}. ${this.resumeNote(run)}`;
      case "completed":
        return `Finished all ${run.config?.epochs ?? ""} epochs.`;
      default:
        return "";
    }
  }

  resumeNote(run) {
    return run.epochsDone > 0
      ? `Resume restarts from the end of epoch ${run.epochsDone}.`
      : "Resume starts it again from the beginning.";
  }

  say(text, kind = "info") {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }
}
