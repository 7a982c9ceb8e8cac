// One image (the original or the result) drawn on a canvas at its own pixel size and shown
// scaled, with a marker box over it. Markup contract (templates/kernels.html): a
// [data-pixel-view] element (focusable) holding a <canvas> and a [data-marker] element.
//
// Events, dispatched on the root element, in image pixels (never CSS pixels):
//   "pixel-point"  detail {x, y}     the pointer hovers or taps pixel (x, y)
//   "pixel-step"   detail {dx, dy}   an arrow key (Shift: 10 at a time)
//   "pixel-paint"  detail {x, y}     in paint mode (`painting` true), instead of pixel-point:
//                                    a press, or a drag with a button down
//   "paint-end"    detail {}         in paint mode, the button is let go (the stroke is done)

import { pointToPixel } from "./kernel-math.js";

export const MIN_DISPLAY_FRACTION = 0.5;
const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class PixelView {
  constructor(root) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.marker = root.querySelector("[data-marker]");
    this.width = 0;
    this.height = 0;
    this.painting = false;
    this.stroke = false; // a paint stroke is under way

    root.addEventListener("pointermove", (event) => this.#point(event));
    root.addEventListener("pointerdown", (event) => this.#point(event));
    root.addEventListener("pointerup", () => this.#endStroke());
    root.addEventListener("pointerleave", () => this.#endStroke());
    root.addEventListener("keydown", (event) => {
      const step = STEPS[event.key];
      if (!step || !this.width || event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      const n = event.shiftKey ? 10 : 1;
      root.dispatchEvent(new CustomEvent("pixel-step", { detail: { dx: step[0] * n, dy: step[1] * n } }));
    });
    // Crisp pixels when the image is shown larger than it is (a small or strided result).
    new ResizeObserver(() => this.#updateScale()).observe(this.canvas);
  }

  /** Draw an ImageBitmap; the canvas takes its size, CSS scales it to the frame. */
  draw(bitmap) {
    this.width = bitmap.width;
    this.height = bitmap.height;
    this.canvas.width = bitmap.width;
    this.canvas.height = bitmap.height;
    this.canvas.getContext("2d").drawImage(bitmap, 0, 0);
    this.root.dataset.width = String(bitmap.width);
    this.root.dataset.height = String(bitmap.height);
    this.root.classList.add("has-image");
    this.#updateScale();
  }

  /** Draw RGBA pixels {data, width, height} (a camera frame, or its filtered result). */
  drawPixels({ data, width, height }) {
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.width = width;
    this.height = height;
    this.canvas.getContext("2d").putImageData(new ImageData(data, width, height), 0, 0);
    this.root.dataset.width = String(width);
    this.root.dataset.height = String(height);
    this.root.classList.add("has-image");
  }

  /** Outline a rectangle of image pixels {left, top, width, height} (it may hang over the
   * border, as a window over padding does), or hide the marker with null. */
  mark(rect) {
    if (!rect || !this.width) {
      this.marker.hidden = true;
      return;
    }
    const pct = (v, n) => `${(100 * v) / n}%`;
    const style = this.marker.style;
    style.setProperty("--box-cx", pct(rect.left + rect.width / 2, this.width));
    style.setProperty("--box-cy", pct(rect.top + rect.height / 2, this.height));
    style.setProperty("--box-w", pct(rect.width, this.width));
    style.setProperty("--box-h", pct(rect.height, this.height));
    // A ring around boxes too small to see (a 3x3 window on a large photo).
    const shown = this.canvas.getBoundingClientRect().width / this.width;
    this.marker.classList.toggle("is-small", Math.max(rect.width, rect.height) * shown < 14);
    this.marker.hidden = false;
  }

  /** The element's displayed width as a fraction of its column ("same scale" display), but never
   * below MIN_DISPLAY_FRACTION: a result at stride 4 is a quarter as wide, and shown at half the
   * column it stays readable (its pixels drawn crisp, see #updateScale). */
  setDisplayFraction(fraction) {
    this.root.style.setProperty("--frame-width", `${Math.min(1, Math.max(MIN_DISPLAY_FRACTION, fraction)) * 100}%`);
  }

  #endStroke() {
    if (!this.stroke) return;
    this.stroke = false;
    this.root.dispatchEvent(new CustomEvent("paint-end", { detail: {} }));
  }

  #point(event) {
    if (!this.width) return;
    if (this.painting) {
      if (event.type === "pointermove" && !this.stroke) return;
      if (event.type === "pointerdown") {
        this.stroke = true;
        event.preventDefault();
      }
    }
    if (event.type === "pointermove" && event.pointerType !== "mouse" && event.buttons === 0) return;
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return;
    const { x, y } = pointToPixel(event.clientX, event.clientY, rect, this.width, this.height);
    this.root.dispatchEvent(new CustomEvent(this.painting ? "pixel-paint" : "pixel-point", { detail: { x, y } }));
  }

  #updateScale() {
    const shown = this.canvas.getBoundingClientRect().width;
    this.root.classList.toggle("is-upscaled", this.width > 0 && shown > this.width * 1.4);
  }
}
