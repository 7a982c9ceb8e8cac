// The probe's units, picked: a click or tap on a cell of any layer's picture, or the arrow keys on
// a focused one, explains that unit of the probe digit with the run's weights that made the
// picture (POST /api/digits/explain with weights "probe"), in the shared unit panel below.
//
// Explicit state: the watched run, the probe digit (0..255 rows), the step of the picture on
// screen, and the picked {layer, unit}. Each new picture (about once a second while the run
// trains, and once more when it pauses) asks again for the picked unit, throttled through one
// LiveQuery that aborts stale requests: the panel follows the unit as the network learns. The
// note under it says which step's weights answered, and when the picture has moved on since.
//
// Markup contract (templates/training.html): [data-probe-unit] holds a [data-unit-panel] and a
// [data-probe-unit-note]; the picked cell's canvas carries data-selected ("row,col" in maps or
// the index in a strip), and the window it reads in the layer below data-window.

import { LiveQuery } from "../shared/live-query.js";
import { keyedUnit, marksOf, overlayBox, windowInMap } from "../shared/unit-grid.js";
import { UnitPanel } from "../shared/unit-panel.js";
import { stripIndexAt, stripRect, tileCellAt, tileRect } from "./small-multiples.js";
import { explainProbeUnit } from "./training-api.js";

const PROMPT = "Pick a unit in any layer of the probe (click or tap it, or focus a layer and use the arrow keys) to "
  + "see how its value was computed from the weights of this moment, and how the error flows back to it.";

/** The unit of a layer's picture under canvas pixel (x, y), or null. */
function unitAt(entry, x, y) {
  if (entry.shape.length === 3) return tileCellAt(entry.layout, x, y);
  const index = stripIndexAt(entry.layout, x, y);
  return index === null ? null : [index];
}

/** Where `unit` (or `rows` x `cols` cells from it, in a map) sits on its layer's canvas. */
function unitRect(entry, unit, rows = 1, cols = 1) {
  return entry.shape.length === 3 ? tileRect(entry.layout, unit[0], unit[1], unit[2], rows, cols)
    : stripRect(entry.layout, unit[0]);
}

export class ProbeInspector {
  /** @param {HTMLElement} root [data-probe-unit] @param {import("./network-views.js").ProbeView} view */
  constructor(root, view) {
    this.root = root;
    this.view = view;
    this.panel = new UnitPanel(root.querySelector("[data-unit-panel]"));
    this.note = root.querySelector("[data-probe-unit-note]");
    this.state = { runId: null, pixels: null, step: null, picked: null, marks: null };
    this.query = new LiveQuery((body, signal) => explainProbeUnit(body, signal), {
      delay: 250,
      abortStale: true,
      onResult: (answer) => this.#shown(answer),
      onError: (error) => this.panel.error(error.message || String(error)),
    });
    view.content.addEventListener("click", (event) => this.#clicked(event));
    view.content.addEventListener("keydown", (event) => this.#keyed(event));
    new ResizeObserver(() => this.#placeMarks()).observe(view.content);
    this.clear();
  }

  /** A new probe picture of run `runId` at `step` ({label, bytes} of 28 x 28 codes 0..255). */
  picture(runId, probe, step) {
    if (runId !== this.state.runId) this.clear();
    const side = Math.round(Math.sqrt(probe.bytes.length));
    Object.assign(this.state, { runId, step,
      pixels: Array.from({ length: side }, (_, y) => Array.from(probe.bytes.subarray(y * side, (y + 1) * side))) });
    for (const [name, entry] of this.view.figures) {
      if (entry.canvas.tabIndex === 0) continue;
      entry.canvas.tabIndex = 0;
      entry.canvas.classList.add("is-selectable");
      entry.canvas.setAttribute("aria-label", `${entry.canvas.getAttribute("aria-label")}; pick a unit to see how it `
        + "was computed");
      entry.canvas.dataset.pickLayer = name;
    }
    this.#placeMarks();
    if (this.state.picked) this.#ask(false);
  }

  /** No picture (another run, or none): nothing picked. */
  clear() {
    this.query.cancel();
    Object.assign(this.state, { runId: null, pixels: null, step: null, picked: null, marks: null });
    this.panel.prompt(PROMPT);
    this.note.textContent = "";
    this.#placeMarks();
  }

  #entryOf(target) {
    const name = target.dataset?.pickLayer;
    return name ? [name, this.view.figures.get(name)] : [null, null];
  }

  #clicked(event) {
    const [name, entry] = this.#entryOf(event.target);
    if (!entry) return;
    const box = entry.canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * entry.canvas.width;
    const y = ((event.clientY - box.top) / box.height) * entry.canvas.height;
    const unit = unitAt(entry, x, y);
    if (unit) this.#pick(name, unit);
  }

  #keyed(event) {
    const [name, entry] = this.#entryOf(event.target);
    if (!entry) return;
    const here = this.state.picked?.layer === name ? this.state.picked.unit : null;
    const start = entry.shape.length === 3 ? [0, 0, 0] : [0];
    const unit = keyedUnit(event.key, here, start, entry.shape, entry.layout.cols);
    if (!unit) return;
    event.preventDefault();
    this.#pick(name, unit);
  }

  #pick(layer, unit) {
    this.state.picked = { layer, unit };
    this.state.marks = null;
    this.#placeMarks();
    this.#ask(true);
  }

  #ask(now) {
    const { runId, pixels, picked } = this.state;
    if (!runId || !pixels || !picked) return;
    this.panel.loading(picked.layer, picked.unit);
    const body = { pixels, run_id: runId, layer: picked.layer, unit: picked.unit };
    if (now) this.query.now(body);
    else this.query.ask(body);
  }

  #shown(answer) {
    const { picked, step } = this.state;
    if (!picked || picked.layer !== answer.layer || picked.unit.join() !== answer.unit.join()) return;
    this.panel.show(answer);
    this.state.marks = marksOf(answer);
    this.#placeMarks();
    const moved = step !== null && answer.weights_step !== step
      ? ` The picture above has moved on to step ${step}; pause the run to hold both still.` : "";
    this.note.textContent = `Computed with the weights of step ${answer.weights_step}, the ones that made the `
      + `picture${answer.weights_step === step ? " above" : " of that step"}.${moved}`;
    this.note.dataset.step = String(answer.weights_step);
  }

  /** The picked cell's outline, and what it reads in the layer below. */
  #placeMarks() {
    this.view.content.querySelectorAll(".dg-unit-marker, .dg-window-marker, .dg-input-marker")
      .forEach((node) => node.remove());
    for (const name of ["selected", "window", "inputs"]) {
      this.view.content.querySelectorAll(`[data-${name}]`).forEach((node) => node.removeAttribute(`data-${name}`));
    }
    const { picked, marks } = this.state;
    const entry = picked && this.view.figures.get(picked.layer);
    if (!entry?.layout) return;
    entry.fig.append(overlayBox(entry.canvas, "dg-unit-marker", unitRect(entry, picked.unit)));
    entry.canvas.dataset.selected = picked.unit.length === 3 ? `${picked.unit[1]},${picked.unit[2]}` : String(picked.unit[0]);
    const below = marks && this.view.figures.get(marks.window?.layer ?? marks.inputs?.layer);
    if (!below?.layout) return;
    if (marks.window && below.shape.length === 3) {
      const part = windowInMap(marks.window, below.shape[1], below.shape[2]);
      const channels = marks.window.channels ?? [...Array(below.shape[0]).keys()];
      if (!part) return;
      below.canvas.dataset.window = `${part.top},${part.left},${part.rows},${part.cols}`;
      for (const c of channels) {
        below.fig.append(overlayBox(below.canvas, "dg-window-marker", tileRect(below.layout, c, part.top, part.left,
          part.rows, part.cols)));
      }
    }
    if (marks.inputs && below.shape.length === 1) {
      below.canvas.dataset.inputs = marks.inputs.indices.join(",");
      marks.inputs.indices.forEach((index, i) => {
        const box = overlayBox(below.canvas, "dg-input-marker", stripRect(below.layout, index));
        box.classList.add(marks.inputs.signs[i] < 0 ? "is-negative" : "is-positive");
        below.fig.append(box);
      });
    }
  }
}
