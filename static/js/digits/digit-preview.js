// The image the network saw on /digits, white ink on black, with its ink box, its centre of
// mass and a note on both. Draws what it is given; fetches nothing.
//
// Markup contract (templates/digits.html): a [data-preview] element holding a <canvas> as wide
// as the field, [data-ink-box] and [data-mass] markers and a [data-preview-note].

import { drawHeatmap, inkColor } from "../shared/heatmap.js";
import { findParts } from "../shared/dom.js";
import { inkGeometry, inkNote } from "./ink-geometry.js";

export class DigitPreview {
  /** @param recipe {box, field}: the longer side the server scales the ink to, and the field's side. */
  constructor(root, recipe) {
    this.root = root;
    this.recipe = recipe;
    Object.assign(this, findParts(root, { canvas: "canvas", inkBox: "[data-ink-box]", mass: "[data-mass]",
      note: "[data-preview-note]" }));
    this.version = 0;
  }

  /** Draw the image (white ink on black), its ink box and its centre of mass. */
  draw(pixels) {
    drawHeatmap(this.canvas, pixels, { colour: inkColor });
    this.root.classList.add("has-image");
    const geometry = inkGeometry(pixels);
    const side = pixels.length;
    const pct = (v) => `${(100 * v) / side}%`;
    this.inkBox.hidden = !geometry;
    this.mass.hidden = !geometry;
    this.note.textContent = inkNote(geometry, this.recipe);
    if (geometry) {
      const { top, bottom, left, right, cx, cy } = geometry;
      const box = this.inkBox.style;
      box.setProperty("--left", pct(left));
      box.setProperty("--top", pct(top));
      box.setProperty("--width", pct(right - left + 1));
      box.setProperty("--height", pct(bottom - top + 1));
      this.mass.style.setProperty("--left", pct(cx + 0.5));
      this.mass.style.setProperty("--top", pct(cy + 0.5));
    }
    this.version += 1;
    this.root.dataset.version = String(this.version);
  }

  clear() {
    this.canvas.getContext("2d").clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.root.classList.remove("has-image");
    this.inkBox.hidden = true;
    this.mass.hidden = true;
    this.note.textContent = "Nothing drawn yet.";
    delete this.root.dataset.version;
  }
}
