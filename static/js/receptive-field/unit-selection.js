// The selected unit on /receptive-field: picking it (pointer, tap, arrow keys or a grid's
// focus), then asking GET /api/receptive-field?layer&y&x for its region in every earlier layer
// (cached per unit) and POST /api/receptive-field/effective for its sensitivity to each pixel.
// Each goes through a LiveQuery: the newest unit wins and the stale request is aborted, with an
// answer at least every 150 ms while the pointer keeps moving.
//
// The page root gets data-unit ("layer:y,x", the selected unit), data-regions-for and
// data-effective-for (the unit whose regions and effective field are drawn).

import { LiveQuery } from "../shared/live-query.js";
import { fetchEffective, fetchRegions } from "./rf-api.js";

const HOVER_DELAY_MS = 40;
const HOVER_MAX_WAIT_MS = 150;

const keyOf = (unit) => `${unit.layer}:${unit.y},${unit.x}`;

export class UnitSelection {
  /**
   * @param state  the page's state: layers, field, picture, channel, selected, regionCache, root
   * @param views  grids (network-grids.js) and panel (unit-panel.js)
   * @param options  onChange(): a query's busy state may have changed; onError(text): say it
   *   (null: the trouble is over)
   */
  constructor(state, { grids, panel }, { onChange, onError }) {
    this.state = state;
    this.onError = onError;
    this.grids = grids;
    this.panel = panel;
    const timing = { delay: HOVER_DELAY_MS, maxWait: HOVER_MAX_WAIT_MS, abortStale: true, onChange };
    this.regions = new LiveQuery((unit, signal) => fetchRegions(unit.layer, unit.y, unit.x, signal), {
      ...timing,
      onResult: (answer, unit) => {
        state.regionCache.set(keyOf(unit), answer);
        if (state.selected && keyOf(state.selected) === keyOf(unit)) this.#showRegions(answer);
      },
      onError: (error) => onError(`Could not get the unit\u2019s receptive field: ${error.message || error}`),
    });
    this.effective = new LiveQuery(({ body }, signal) => fetchEffective(body, signal), {
      ...timing,
      onResult: (answer, request) => this.#showEffective(answer, request),
      onError: (error) => panel.showEffectiveError(error.message || String(error)),
    });
  }

  get busy() {
    return this.regions.busy || this.effective.busy;
  }

  #layer(name) {
    return this.state.layers.find((l) => l.name === name);
  }

  /** Select unit (y, x) of a layer (clamped to its grid). */
  select(layerName, y, x) {
    const layer = this.#layer(layerName);
    if (!layer) return;
    const clamp = (v) => Math.max(0, Math.min(layer.size - 1, v));
    const unit = { layer: layerName, y: clamp(y), x: clamp(x) };
    const { state } = this;
    if (state.selected && keyOf(state.selected) === keyOf(unit)) return;
    state.selected = unit;
    state.root.dataset.unit = keyOf(unit);
    this.grids.showUnit(state.layers, layer, unit);
    this.panel.showUnit(state, layer, unit);
    const cached = state.regionCache.get(keyOf(unit));
    if (cached) {
      this.regions.cancel();
      this.#showRegions(cached);
    } else {
      this.regions.schedule(unit);
    }
    this.requestEffective();
  }

  /** An arrow key on a layer's grid: move the selected unit, or start in the middle. */
  step(layerName, dy, dx) {
    const { selected } = this.state;
    if (selected?.layer === layerName) this.select(layerName, selected.y + dy, selected.x + dx);
    else this.selectMiddle(layerName);
  }

  /** A layer's grid got focus: select its middle unit unless one of its units is selected. */
  focus(layerName) {
    if (this.state.selected?.layer !== layerName) this.selectMiddle(layerName);
  }

  selectMiddle(layerName) {
    const layer = this.#layer(layerName);
    if (layer) this.select(layerName, Math.floor(layer.size / 2), Math.floor(layer.size / 2));
  }

  /** Ask for the selected unit's effective field for the digit shown (and the picked map). */
  requestEffective() {
    const { selected, picture, channel } = this.state;
    if (!selected || !picture) return;
    const layer = this.#layer(selected.layer);
    const body = { layer: selected.layer, y: selected.y, x: selected.x, pixels: picture.pixels };
    if (channel !== null && channel < layer.channels) body.channel = channel;
    this.effective.schedule({ unit: { ...selected }, body, picture, channel });
  }

  #showRegions(answer) {
    const { state } = this;
    this.grids.showRegions(answer, state.layers, state.field);
    const input = answer.regions.find((r) => r.layer === "input");
    if (input) this.panel.showBorder(input, this.#layer(answer.layer));
    state.root.dataset.regionsFor = `${answer.layer}:${answer.unit[0]},${answer.unit[1]}`;
    this.onError(null);
  }

  #showEffective(answer, { unit, body, picture, channel }) {
    const { state } = this;
    if (!state.selected || keyOf(state.selected) !== keyOf(unit) || state.picture !== picture) return;
    this.panel.showEffective(answer, { layer: this.#layer(unit.layer), unit, pixels: picture.pixels, request: body, channel });
    state.root.dataset.effectiveFor = keyOf(unit);
  }
}
