// The pace of the watched run: full speed, slow motion at a chosen number of batches a second,
// or one batch at a time (the run pauses; "Step one batch" trains the next one). It dispatches
// "pace-change" (detail: {mode: "full" | "slow" | "step", batchesPerSecond}); the Step button is a
// [data-action] button of the status panel, so it arrives as the "run-command" "step".

import { formatDuration, formatInteger, formatNumber } from "../shared/numbers.js";
import { Panel } from "./panel.js";

/** The sentence under the control, from the run's pace and what it is doing. */
export function paceNote({ mode, rate, status, step, batchesPerEpoch, imagesPerSecond, batchSize }) {
  if (!["running", "paused"].includes(status)) return "The pace can be set while a run trains.";
  if (mode === "step") {
    const at = step ? `step ${formatInteger(step)} is on screen` : "no batch trained yet";
    return `One batch at a time: each click on Step trains one batch and pauses again; ${at}.`;
  }
  if (mode === "slow") {
    const epoch = batchesPerEpoch ? `, so an epoch of ${formatInteger(batchesPerEpoch)} batches takes `
      + `${formatDuration(batchesPerEpoch / rate)}` : "";
    return `Slow motion: ${formatNumber(rate, 1)} batches a second${epoch}. The kernels, the probe's maps and `
      + "the curves are redrawn after every batch.";
  }
  const perSecond = imagesPerSecond && batchSize ? imagesPerSecond / batchSize : null;
  return perSecond ? `Full speed: about ${formatInteger(perSecond)} batches a second here; the pictures are `
    + "redrawn about twice a second." : "Full speed: as fast as this machine trains.";
}

/** How long a choice stands against messages that still carry the pace from before it. */
const PACE_ANSWER_MS = 5000;

export class PaceControl extends Panel {
  /** @param {HTMLElement} root the [data-pace-control] fieldset */
  constructor(root) {
    super(root, ["pace-rate", "pace-note"]);
    this.modes = [...root.querySelectorAll("[data-pace-mode]")];
    this.rate = this.parts.paceRate;
    this.stepButton = root.querySelector('[data-action="step"]');
    this.mode = "full";
    this.asked = null; // {mode, until}: the learner's choice, until the server's messages show it
    for (const radio of this.modes) radio.addEventListener("change", () => radio.checked && this.choose(radio.value));
    this.rate.addEventListener("change", () => {
      if (this.rateValue() === null) this.rate.setCustomValidity(`between ${this.rate.min} and ${this.rate.max}`);
      else this.rate.setCustomValidity("");
      if (this.mode === "slow" && this.rateValue() !== null) this.choose("slow");
    });
  }

  /** The typed rate within its range, or null. */
  rateValue() {
    const value = Number(this.rate.value);
    return Number.isFinite(value) && value >= Number(this.rate.min) && value <= Number(this.rate.max) ? value : null;
  }

  choose(mode) {
    const batchesPerSecond = mode === "slow" ? this.rateValue() : null;
    if (mode === "slow" && batchesPerSecond === null) {
      this.rate.reportValidity?.();
      return;
    }
    this.mode = mode;
    this.root.dataset.mode = mode;
    this.asked = { mode, until: Date.now() + PACE_ANSWER_MS };
    this.emit("pace-change", { mode, batchesPerSecond });
  }

  /** What the server said (a "pace" message or a run's summary): the radio follows unless the
   * learner is stepping, which is this page's own choice, or has just chosen and the messages
   * still say the pace from before (distributed, a change takes a moment to reach every replica).
   * The choice stands for its whole window even once a message agrees: a summary asked for before
   * it can land after the answer to it, and must not turn the radio back. */
  follow(pace) {
    if (!pace || this.mode === "step") return;
    const standing = this.asked && Date.now() < this.asked.until;
    if (standing && pace.mode !== this.asked.mode) return;
    if (!standing) this.asked = null;
    this.mode = pace.mode;
    if (pace.mode === "slow" && pace.batches_per_second) this.rate.value = String(pace.batches_per_second);
    this.root.dataset.mode = this.mode;
  }

  /** @param {{status: string, busy?: boolean, step?: number, batchesPerEpoch?: number,
   *   imagesPerSecond?: number, batchSize?: number}} run */
  render(run) {
    const live = ["running", "paused"].includes(run.status);
    this.root.disabled = !live || Boolean(run.busy);
    if (!live && this.mode === "step") this.mode = "full";
    for (const radio of this.modes) radio.checked = radio.value === this.mode;
    this.root.dataset.mode = this.mode;
    this.stepButton.disabled = !live || Boolean(run.busy) || this.mode !== "step";
    this.parts.paceNote.textContent = paceNote({ ...run, mode: this.mode, rate: this.rateValue() ?? 0 });
  }
}
