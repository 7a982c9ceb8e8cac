// The grids of /receptive-field: the input and every convolution's or pooling layer's units,
// drawn over the digit (layer-grids.js draws each), coloured by a feature map when one is
// picked, with the selected unit, and its region in every earlier layer, marked. Draws what it
// is given; fetches nothing.

import { el } from "../shared/dom.js";
import { maxAbs } from "../shared/heatmap.js";
import { LayerGrid } from "./layer-grids.js";
import { inputLayer, regionRect, unitBox } from "./rf-math.js";

export class NetworkGrids {
  /** @param container  the [data-grids] element; @param mapSelect  the feature-map <select> */
  constructor(container, mapSelect) {
    this.container = container;
    this.mapSelect = mapSelect;
    this.grids = new Map(); // layer name -> LayerGrid (the input's is "input")
  }

  /** One grid per layer (and the input), in `frame`; the picker offers as many maps as the widest layer has. */
  build(layers, frame, inputSize) {
    this.grids.clear();
    if (layers.length === 0) {
      this.container.replaceChildren(el("p", "dg-maps-message", "The network served now has no convolution or pooling "
        + "layers: every unit sees the whole input."));
      return;
    }
    this.grids.set("input", new LayerGrid(inputLayer(inputSize), frame, { input: true }));
    for (const layer of layers) this.grids.set(layer.name, new LayerGrid(layer, frame));
    this.container.replaceChildren(...[...this.grids.values()].map((g) => g.element));
    const most = Math.max(...layers.map((l) => l.channels));
    for (let c = 0; c < most; c += 1) this.mapSelect.add(new Option(`feature map ${c + 1}`, String(c)));
  }

  /** The digit in every grid, tinted by feature map `channel` where a layer has it. */
  draw(picture, channel) {
    for (const [name, grid] of this.grids) {
      const maps = picture?.activations.get(name);
      const map = channel !== null && maps && channel < maps.length ? maps[channel] : null;
      grid.draw(picture?.pixels ?? null, map ? { values: map, scale: maxAbs(map) } : null);
    }
  }

  /** Mark the selected unit in its layer; later layers (which it cannot see) are dimmed and lose
   * their regions, as does its own. */
  showUnit(layers, layer, unit) {
    const index = layers.indexOf(layer);
    for (const [name, grid] of this.grids) {
      const i = name === "input" ? -1 : layers.findIndex((l) => l.name === name);
      const own = name === layer.name;
      grid.setRole(own ? "selected" : i > index ? "later" : "earlier");
      grid.mark("unit", own ? regionRect(layer, { top: unit.y, bottom: unit.y, left: unit.x, right: unit.x }) : null);
      if (i > index || own) this.#clearRegion(grid);
    }
  }

  /** GET /api/receptive-field's regions for a unit: a box in every earlier layer and in the
   * input, where the unit's whole box is dashed when it hangs over the border. */
  showRegions(answer, layers, inputSize) {
    const layer = layers.find((l) => l.name === answer.layer);
    const byName = new Map(answer.regions.map((r) => [r.layer, r]));
    for (const [name, grid] of this.grids) {
      if (name === answer.layer) continue;
      const region = byName.get(name);
      const geometry = name === "input" ? inputLayer(inputSize) : layers.find((l) => l.name === name);
      if (!region || !geometry) {
        this.#clearRegion(grid);
        continue;
      }
      grid.setRegion(region);
      grid.mark("region", regionRect(geometry, region));
      const box = name === "input" && region.outside_fraction > 0 ? unitBox(layer, answer.unit[0], answer.unit[1]) : null;
      grid.mark("full", box && { left: box.left, top: box.top, width: box.right - box.left + 1, height: box.bottom - box.top + 1 });
    }
  }

  #clearRegion(grid) {
    grid.setRegion(null);
    grid.mark("region", null);
    grid.mark("full", null);
  }
}
