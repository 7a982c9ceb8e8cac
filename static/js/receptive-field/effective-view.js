// The effective receptive field: |d unit / d pixel| over the input (POST
// /api/receptive-field/effective), as a heat map over the faint digit, with the unit's whole box
// (dashed where it hangs into the padding) and its central square (half as wide), whose share of
// the sensitivity the page reports. Draws what it is given; fetches nothing.
//
// Markup contract (templates/receptive_field.html): a [data-effective] element holding a
// <canvas> and [data-marker="full"], [data-marker="central"] markers.

import { findParts } from "../shared/dom.js";
import { heatColor } from "../shared/heatmap.js";
import { placeMarker } from "./layer-grids.js";
import { keepSharp } from "./sharp-canvas.js";

const PX = 10;

export class EffectiveView {
  constructor(root) {
    this.root = root;
    Object.assign(this, findParts(root, { canvas: "canvas", full: '[data-marker="full"]', central: '[data-marker="central"]' }));
    this.frame = null;
    this.last = null;
    this.resize = keepSharp(this.canvas, () => this.last && this.draw(...this.last));
  }

  setFrame(frame) {
    this.frame = frame;
    this.canvas.width = frame.size * PX;
    this.canvas.height = frame.size * PX;
    this.resize();
  }

  /** gradient: one value per input pixel in 0..1 (or null while loading); pixels: the digit;
   * box: unitBox(); central: {side} from centralShare. */
  draw(pixels, gradient, box, central) {
    if (!this.frame) return;
    this.last = [pixels, gradient, box, central];
    const { min, size, inputSize } = this.frame;
    const ctx = this.canvas.getContext("2d");
    const scale = this.canvas.width / size;
    const at = (e) => Math.round((e - min) * scale);
    ctx.fillStyle = "#eef0fb";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(at(0), at(0), at(inputSize) - at(0), at(inputSize) - at(0));
    for (let y = 0; y < inputSize; y += 1) {
      for (let x = 0; x < inputSize; x += 1) {
        const g = gradient ? gradient[y][x] : 0;
        const ink = pixels ? pixels[y][x] / 255 : 0;
        if (g <= 0 && ink <= 0) continue;
        // Heat first; the digit's ink shows through as a darkening.
        const [r, gg, b] = heatColor(Math.sqrt(g));
        const shade = 1 - 0.45 * ink;
        ctx.fillStyle = `rgb(${Math.round(r * shade)} ${Math.round(gg * shade)} ${Math.round(b * shade)})`;
        ctx.fillRect(at(x), at(y), at(x + 1) - at(x), at(y + 1) - at(y));
      }
    }
    ctx.strokeStyle = "rgb(27 31 46 / 0.45)";
    ctx.lineWidth = 2;
    ctx.strokeRect(at(0), at(0), at(inputSize) - at(0), at(inputSize) - at(0));

    const place = (marker, rect) => placeMarker(marker, rect, this.frame);
    if (box) {
      place(this.full, { left: box.left, top: box.top, width: box.right - box.left + 1, height: box.bottom - box.top + 1 });
      if (central && central.side > 0 && central.side < box.right - box.left + 1) {
        const half = central.side / 2;
        place(this.central, { left: box.cx + 0.5 - half, top: box.cy + 0.5 - half, width: central.side, height: central.side });
      } else {
        place(this.central, null);
      }
    } else {
      place(this.full, null);
      place(this.central, null);
    }
    this.root.classList.toggle("is-stale", !gradient);
  }
}
