// /receptive-field: the selected unit's forward sum and gradient, in the shared unit panel
// (static/js/shared/unit-panel.js), for the digit shown. The page's unit is a position (y, x)
// of a layer; the panel explains one map at that position: the map picked, or the first.
// One LiveQuery, the stale request aborted. The [data-unit-sum] element carries data-for
// ("layer:channel,y,x") once shown, for tests.

import { LiveQuery } from "../shared/live-query.js";
import { UnitPanel } from "../shared/unit-panel.js";
import { explainUnit } from "../digits/digits-api.js";

export class UnitSum {
  /** onChange(): the request's busy state may have changed (the page's data-busy counts it). */
  constructor(root, { onChange = () => {} } = {}) {
    this.root = root;
    this.panel = new UnitPanel(root.querySelector("[data-unit-panel]"));
    this.query = new LiveQuery((body, signal) => explainUnit(body, signal), {
      delay: 40,
      abortStale: true,
      onChange,
      onResult: (answer) => {
        this.panel.show(answer);
        this.root.dataset.for = `${answer.layer}:${answer.unit.join(",")}`;
      },
      onError: (error) => this.panel.error(error.message || String(error)),
    });
    this.panel.prompt("Pick a unit to see how its value was computed.");
  }

  get busy() {
    return this.query.busy;
  }

  /** state: the page's (selected {layer, y, x}, channel, picture {pixels}). */
  update({ selected, channel, picture }) {
    if (!selected || !picture) return;
    const unit = [channel ?? 0, selected.y, selected.x];
    this.panel.loading(selected.layer, unit);
    this.query.schedule({ pixels: picture.pixels, layer: selected.layer, unit });
  }
}
