// /digits: pick a unit in the layer maps, read how it was computed (POST /api/digits/explain).
//
// Explicit state: the image the network last saw (the prediction's `input`), the top guess, the
// picked unit and the target class of the backward pass ("top" follows the top guess). A new
// pick, a new target or a new drawing asks again through one LiveQuery that aborts the stale
// request, so picking units one after another never queues answers. The panel's root carries
// data-target (the class the shown gradient is for) for tests.

import { LiveQuery } from "../shared/live-query.js";
import { UnitPanel } from "../shared/unit-panel.js";
import { explainUnit } from "./digits-api.js";

export class UnitInspector {
  constructor(root, maps) {
    this.root = root;
    this.maps = maps;
    this.panel = new UnitPanel(root.querySelector("[data-unit-panel]"));
    this.targetSelect = root.querySelector("[data-unit-target]");
    this.state = { input: null, top: null, picked: null, target: "top" };
    this.query = new LiveQuery((body, signal) => explainUnit(body, signal), {
      delay: 0,
      abortStale: true,
      onResult: (answer) => this.#shown(answer),
      onError: (error) => this.panel.error(error.message || String(error)),
    });
    maps.root.addEventListener("unit-select", (event) => this.pick(event.detail));
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
    this.state.top = top;
    this.targetSelect.querySelector('option[value="top"]').textContent = `the top guess (${top})`;
    if (!this.state.picked) this.#promptPick();
    this.#ask();
  }

  /** The drawing is gone (cleared, or unreadable): nothing to explain. */
  clear() {
    this.state.input = null;
    this.query.cancel();
    this.maps.select(null);
    this.state.picked = null;
    this.panel.prompt("Draw a digit, then pick a unit in any layer to see how it was computed.");
  }

  pick({ layer, unit }) {
    this.state.picked = { layer, unit };
    this.maps.markWindow(null);
    this.#ask();
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
    // The window it read, marked in the layer below: every channel for a conv, its own for a pool.
    const reads = answer.window_origin && answer.input_layer !== "input";
    this.maps.markWindow(reads ? { layer: answer.input_layer, origin: answer.window_origin, size: answer.window_size,
      channels: answer.kind === "Conv2d" ? null : [answer.unit[0]] } : null);
  }
}
