// Play, pause, step and scrub through the positions of a sliding window. Knows nothing about
// grids: it keeps a step number in 0..count-1 and says when it changes.
//
// Markup contract (templates/lessons/padding-and-stride.html): a [data-player] element holding
// button[data-play], button[data-step="-1"], button[data-step="1"], input[type=range][data-scrub],
// input[type=range][data-speed] (steps per second) and [data-speed-text].
//
// Events, dispatched on the root element:
//   "step-change"  detail {step, count, playing}  whenever the step changes or play/pause toggles.

import { plural } from "../shared/words.js";

export class SlidePlayer {
  #timer = null;

  constructor(root) {
    this.root = root;
    this.playButton = root.querySelector("[data-play]");
    this.scrub = root.querySelector("[data-scrub]");
    this.speed = root.querySelector("[data-speed]");
    this.speedText = root.querySelector("[data-speed-text]");
    this.count = 1;
    this.step = 0;
    this.playing = false;

    this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    for (const button of root.querySelectorAll("[data-step]")) {
      button.addEventListener("click", () => {
        this.pause();
        this.go(this.step + Number(button.dataset.step));
      });
    }
    this.scrub.addEventListener("input", () => {
      this.pause();
      this.go(Number(this.scrub.value));
    });
    this.speed.addEventListener("input", () => {
      this.#showSpeed();
      if (this.playing) this.#schedule();
    });
    this.#showSpeed();
    this.#sync();
  }

  /** Steps per second, from the speed slider. */
  get rate() {
    return Number(this.speed.value) || 1;
  }

  /** A new list of positions: keep the step if it still exists. */
  setCount(count) {
    this.count = Math.max(1, count);
    this.scrub.max = String(this.count - 1);
    this.go(Math.min(this.step, this.count - 1), { force: true });
  }

  go(step, { force = false } = {}) {
    const next = Math.min(Math.max(step, 0), this.count - 1);
    if (next === this.step && !force) return;
    this.step = next;
    this.#sync();
    this.#emit();
  }

  play() {
    if (this.count < 2) return;
    if (this.step >= this.count - 1) this.go(0);
    this.playing = true;
    this.#sync();
    this.#emit();
    this.#schedule();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#sync();
    this.#emit();
  }

  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.playing) return;
      if (this.step >= this.count - 1) {
        this.pause();
        return;
      }
      this.go(this.step + 1);
      this.#schedule();
    }, 1000 / this.rate);
  }

  #showSpeed() {
    const rate = this.rate;
    this.speedText.textContent = `${plural(rate, "step")}/s`;
  }

  #sync() {
    this.scrub.value = String(this.step);
    this.scrub.setAttribute("aria-valuetext", `Step ${this.step + 1} of ${this.count}`);
    this.playButton.setAttribute("aria-pressed", String(this.playing));
    this.playButton.querySelector("[data-play-label]").textContent = this.playing ? "Pause" : "Play";
    this.root.dataset.playing = String(this.playing);
    this.root.dataset.step = String(this.step);
  }

  #emit() {
    this.root.dispatchEvent(new CustomEvent("step-change", {
      detail: { step: this.step, count: this.count, playing: this.playing },
    }));
  }
}
