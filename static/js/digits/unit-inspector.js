// /digits: pick a unit in the layer maps, read how it was computed (POST /api/digits/explain).
//
// Explicit state: the image the network last saw (the prediction's `input`), the top guess, the
// picked unit and the target class of the backward pass ("top" follows the top guess). A new
// pick, a new target or a new drawing asks again through one LiveQuery that aborts the stale
// request, so picking units one after another never queues answers. The panel's root carries
// data-target (the class the shown gradient is for) for tests.
//
// Hovering (mouse or pen) a unit marks what it reads in the layer below, as the pick does, without
// opening it in the panel: its own LiveQuery, after a short rest of the pointer, aborting stale
// asks; answers are kept per unit until the drawing changes. When the pointer leaves the maps,
// the picked unit's marks come back.

import { LiveQuery } from "../shared/live-query.js";
import { marksOf, unitKey } from "../shared/unit-grid.js";
import { UnitPanel } from "../shared/unit-panel.js";
import { explainUnit } from "./digits-api.js";

const HOVER_REST_MS = 60; // the pointer rests this long on a unit before its marks are asked for

export class UnitInspector {
  constructor(root, maps) {
    this.root = root;
    this.maps = maps;
    this.panel = new UnitPanel(root.querySelector("[data-unit-panel]"));
    this.targetSelect = root.querySelector("[data-unit-target]");
    this.state = { input: null, top: null, picked: null, target: "top", pickedMarks: null, hovered: null };
    this.hoverMarks = new Map(); // "layer:unit" -> marks, for the current drawing
    this.query = new LiveQuery((body, signal) => explainUnit(body, signal), {
      delay: 0,
      abortStale: true,
      onResult: (answer) => this.#shown(answer),
      onError: (error) => this.panel.error(error.message || String(error)),
    });
    this.hoverQuery = new LiveQuery((body, signal) => explainUnit(body, signal), {
      delay: HOVER_REST_MS,
      abortStale: true,
      onResult: (answer) => this.#hoverShown(answer),
      onError: () => {}, // a hover that failed marks nothing; a pick says why
    });
    maps.root.addEventListener("unit-select", (event) => this.pick(event.detail));
    maps.root.addEventListener("unit-hover", (event) => this.hover(event.detail));
    // Below the maps (narrow screens), a tap brings the panel into view; arrow keys do not scroll.
    maps.root.addEventListener("click", (event) => {
      if (!event.target.matches?.("canvas.is-selectable")) return;
      const top = this.root.getBoundingClientRect().top;
      if (top > window.innerHeight) this.root.scrollIntoView({ behavior: "smooth", block: "start" });
    });
    this.targetSelect.addEventListener("change", () => {
      this.state.target = this.targetSelect.value;
      this.#ask();
    });
    this.#promptPick();
  }

  #promptPick() {
    this.panel.prompt("Pick a unit in any layer above (click or tap it, or focus a map and use the arrow keys) to see "
      + "how its value was computed and how the error flows back to it.");
  }

  get busy() {
    return this.query.busy;
  }

  /** A new answer from /api/digits/predict: explain the picked unit again for this drawing. */
  setInput(input, top) {
    this.state.input = input;
    this.hoverMarks.clear();
    this.state.top = top;
    this.targetSelect.querySelector('option[value="top"]').textContent = `the top guess (${top})`;
    if (!this.state.picked) this.#promptPick();
    this.#ask();
  }

  /** The drawing is gone (cleared, or unreadable): nothing to explain. */
  clear() {
    this.state.input = null;
    this.query.cancel();
    this.hoverQuery.cancel();
    this.hoverMarks.clear();
    this.state.pickedMarks = null;
    this.maps.select(null);
    this.state.picked = null;
    this.panel.prompt("Draw a digit, then pick a unit in any layer to see how it was computed.");
  }

  pick({ layer, unit }) {
    this.state.picked = { layer, unit };
    this.state.pickedMarks = null;
    this.#mark(this.hoverMarks.get(unitKey({ layer, unit })) ?? null);
    this.#ask();
  }

  /** The pointer rests on `selection` ({layer, unit}), or left the maps (null). */
  hover(selection) {
    this.state.hovered = selection;
    const { input } = this.state;
    if (!selection || !input) {
      this.hoverQuery.cancel();
      this.#mark(this.state.pickedMarks);
      return;
    }
    const known = this.hoverMarks.get(unitKey(selection));
    if (known) {
      this.hoverQuery.cancel();
      this.#mark(known);
    } else {
      this.hoverQuery.schedule({ pixels: input, layer: selection.layer, unit: selection.unit });
    }
  }

  #hoverShown(answer) {
    const marks = marksOf(answer);
    this.hoverMarks.set(unitKey(answer), marks);
    const { hovered } = this.state;
    if (hovered && unitKey(hovered) === unitKey(answer)) this.#mark(marks);
  }

  #mark(marks) {
    this.maps.markWindow(marks?.window ?? null);
    this.maps.markInputs(marks?.inputs ?? null);
  }

  #ask() {
    const { input, picked, target, top } = this.state;
    if (!input || !picked) return;
    this.panel.loading(picked.layer, picked.unit);
    this.query.now({ pixels: input, layer: picked.layer, unit: picked.unit, target: target === "top" ? top : Number(target) });
  }

  #shown(answer) {
    this.panel.show(answer);
    this.panel.root.dataset.target = String(answer.target);
    this.state.pickedMarks = marksOf(answer);
    this.hoverMarks.set(unitKey(answer), this.state.pickedMarks);
    const { hovered } = this.state;
    if (!hovered || unitKey(hovered) === unitKey(answer)) this.#mark(this.state.pickedMarks);
  }
}
