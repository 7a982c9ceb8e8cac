// The replay bar: a slider over the steps the run stored (steps 1, 2, 4, ... of its first epoch
// and every epoch's end), Play / Pause, and "Latest" (live, for a run that still trains). It
// dispatches "replay-seek" (detail: {step}: a stored step, or null for the latest) and
// "replay-play" (detail: {playing}). What it says comes from replayLine.

import { formatInteger } from "../shared/numbers.js";
import { Panel } from "./panel.js";

/** Where the page is: "Step 8 of 20 (epoch 1, batch 8 of 10), the 4th of 6 stored steps; ...". */
export function replayLine({ entry, index, count, lastStep, active }) {
  if (!count) return active ? "The first stored step comes after the first batch." : "This run stored no steps to replay.";
  if (!entry) {
    return active ? `Live: the newest batch is on screen; ${formatInteger(count)} stored steps to go back to.`
      : `The run's end is on screen; drag back through its ${formatInteger(count)} stored steps, or press Play.`;
  }
  const where = `Step ${formatInteger(entry.step)} of ${formatInteger(lastStep)} (epoch ${entry.epoch}, batch `
    + `${formatInteger(entry.batch)})`;
  const which = `stored step ${formatInteger(index + 1)} of ${formatInteger(count)}`;
  const tested = entry.kind === "early"
    ? `the confusion matrix counts the first ${formatInteger(entry.test_images)} test images`
    : `the confusion matrix counts all ${formatInteger(entry.test_images)} test images`;
  return `${where}, ${which}: the curves up to it, its kernels and maps; ${tested}.`;
}

export class ReplayBar extends Panel {
  /** @param {HTMLElement} root the [data-replay-bar] section */
  constructor(root) {
    super(root, ["replay-play", "replay-range", "replay-live", "replay-line"]);
    this.steps = [];
    this.playing = false;
    const { replayPlay, replayRange, replayLive } = this.parts;
    replayRange.addEventListener("input", () => {
      const index = Number(replayRange.value);
      this.emit("replay-seek", { step: index >= this.steps.length ? null : this.steps[index].step });
    });
    replayPlay.addEventListener("click", () => this.emit("replay-play", { playing: !this.playing }));
    replayLive.addEventListener("click", () => this.emit("replay-seek", { step: null }));
  }

  /** @param {{steps: object[], step: number|null, playing: boolean, active: boolean, lastStep: number}} state */
  render({ steps, step, playing, active, lastStep }) {
    this.steps = steps;
    this.playing = playing;
    const { replayPlay, replayRange, replayLive, replayLine: line } = this.parts;
    this.root.hidden = false;
    const index = step === null ? steps.length : steps.findIndex((e) => e.step === step);
    replayRange.max = String(steps.length); // the last position is the latest (live) state
    replayRange.value = String(index);
    replayRange.disabled = steps.length === 0;
    const entry = step === null ? null : steps[index];
    const said = replayLine({ entry, index, count: steps.length, lastStep, active });
    replayRange.setAttribute("aria-valuetext", said);
    line.textContent = said;
    replayPlay.textContent = playing ? "Pause" : "Play";
    replayPlay.setAttribute("aria-pressed", String(playing));
    replayPlay.disabled = steps.length === 0;
    replayLive.textContent = active ? "Back to live" : "Latest";
    replayLive.disabled = step === null;
    this.root.dataset.step = step === null ? "" : String(step);
    this.root.dataset.live = String(step === null);
    this.root.dataset.stored = String(steps.length);
  }

  hide() {
    this.root.hidden = true;
  }
}
