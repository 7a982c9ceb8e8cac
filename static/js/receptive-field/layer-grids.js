// The layers drawn as grids over the digit: the input's 28 x 28 pixels and each convolution's
// or pooling layer's units, every grid in the same frame (input coordinates plus the padding
// ring), each unit drawn where it sits: centred on input pixel start + i * jump, one jump wide.
// So conv2's 10 x 10 units cover only the middle 20 x 20 pixels, as they do.
//
// Built here from the layers' geometry (rf-math.js gridLayers). Each grid is a
// [data-layer-grid][data-layer=<name>] figure holding a canvas and three markers:
//   [data-marker="region"]  the selected unit's region in this layer (the API's, clipped)
//   [data-marker="full"]    on the input: the whole box, hanging over the border into padding
//   [data-marker="unit"]    on the selected unit's own layer: the unit itself
// The figure carries data-size, data-start, data-jump, data-frame-min and data-frame-size, and,
// while a region is shown, data-top, data-bottom, data-left, data-right and
// data-outside-fraction (exactly the API's numbers).
//
// Events, dispatched on the figure (never for the input, which is not a layer of units):
//   "unit-point"  detail {layer, y, x}     the pointer hovers or taps unit (y, x)
//   "unit-step"   detail {layer, dy, dx}   an arrow key
//   "unit-focus"  detail {layer}           the grid got keyboard focus

import { el } from "../shared/dom.js";
import { divergingColor, paperColor } from "../shared/heatmap.js";
import { TIMES } from "../shared/numbers.js";
import { cellSpan, pointToEdge, unitAt } from "./rf-math.js";
import { keepSharp } from "./sharp-canvas.js";

const PX = 10; // canvas pixels per input pixel until the grid's shown size is known
const STEPS = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };

/** Place a marker (its --l, --t, --w and --h, in % of the frame) over a rectangle in edge
 * coordinates, or hide it with null. */
export function placeMarker(marker, rect, { min, size }) {
  if (!rect) {
    marker.hidden = true;
    return;
  }
  const pct = (v) => `${(100 * v) / size}%`;
  marker.style.setProperty("--l", pct(rect.left - min));
  marker.style.setProperty("--t", pct(rect.top - min));
  marker.style.setProperty("--w", pct(rect.width));
  marker.style.setProperty("--h", pct(rect.height));
  marker.hidden = false;
}

export class LayerGrid {
  /** layer: {name, size, start, jump, rf, channels}; frame: frameFor(); input: true for the input. */
  constructor(layer, frame, { input = false } = {}) {
    this.layer = layer;
    this.frame = frame;
    this.input = input;
    const figure = el("figure", `rf-grid${input ? " rf-grid-input" : ""}`);
    figure.dataset.layerGrid = "";
    figure.dataset.layer = layer.name;
    figure.dataset.size = String(layer.size);
    figure.dataset.start = String(layer.start);
    figure.dataset.jump = String(layer.jump);
    figure.dataset.frameMin = String(frame.min);
    figure.dataset.frameSize = String(frame.size);
    const caption = el("figcaption");
    caption.append(el("span", "rf-grid-name", layer.name), " ",
      el("span", "rf-grid-size", `${layer.size} ${TIMES} ${layer.size}`));
    caption.append(el("span", "rf-grid-sees", input ? "the digit, with its padding ring" : `each unit sees ${layer.rf} ${TIMES} ${layer.rf}`));
    const box = el("div", "rf-grid-frame");
    this.canvas = el("canvas");
    this.canvas.width = frame.size * PX;
    this.canvas.height = frame.size * PX;
    this.markers = {};
    box.append(this.canvas);
    for (const kind of ["full", "region", "unit"]) {
      const marker = el("span", `rf-marker rf-marker-${kind}`);
      marker.dataset.marker = kind;
      marker.hidden = true;
      this.markers[kind] = marker;
      box.append(marker);
    }
    if (input) {
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", `The input, ${layer.size} by ${layer.size} pixels, with a ${frame.ring}-pixel padding ring`);
    } else {
      box.tabIndex = 0;
      box.setAttribute("role", "application");
      box.setAttribute("aria-roledescription", "unit picker");
      box.setAttribute("aria-label", `${layer.name}: ${layer.size} by ${layer.size} units. Point at a unit, or use the `
        + "arrow keys, to see what it sees.");
      box.setAttribute("aria-describedby", "rf-unit-summary");
      box.addEventListener("pointermove", (event) => this.#point(event));
      box.addEventListener("pointerdown", (event) => this.#point(event));
      box.addEventListener("focus", () => this.#emit("unit-focus", {}));
      box.addEventListener("keydown", (event) => {
        const step = STEPS[event.key];
        if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
        event.preventDefault();
        this.#emit("unit-step", { dy: step[0], dx: step[1] });
      });
    }
    figure.append(box, caption);
    this.element = figure;
    this.box = box;
    this.last = null;
    keepSharp(this.canvas, () => this.last && this.draw(...this.last));
  }

  /** Draw the digit (28 x 28, 0..255 ink, as dark ink on white) and, optionally, a feature map
   * of this layer (size x size values, coloured by value / scale). */
  draw(pixels, tint = null) {
    this.last = [pixels, tint];
    const ctx = this.canvas.getContext("2d");
    const { min, size, ring, inputSize } = this.frame;
    const PX = this.canvas.width / size; // canvas pixels per input pixel, as shown
    const toCanvas = (e) => (e - min) * PX;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size * PX, size * PX);

    // The padding ring around the input: hatched.
    if (ring > 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, size * PX, size * PX);
      ctx.rect(toCanvas(0), toCanvas(0), inputSize * PX, inputSize * PX);
      ctx.clip("evenodd");
      ctx.fillStyle = this.input ? "#eef0fb" : "#f6f7fb";
      ctx.fillRect(0, 0, size * PX, size * PX);
      if (this.input) {
        ctx.strokeStyle = "rgb(79 70 229 / 0.28)";
        ctx.lineWidth = Math.max(1, PX / 5);
        for (let d = -size * PX; d < 2 * size * PX; d += Math.max(5, PX)) {
          ctx.beginPath();
          ctx.moveTo(d, 0);
          ctx.lineTo(d + size * PX, size * PX);
          ctx.stroke();
        }
      }
      ctx.restore();
    }

    // The digit.
    if (pixels) {
      const strength = this.input ? 0.88 : tint ? 0.25 : 0.4;
      for (let y = 0; y < inputSize; y += 1) {
        for (let x = 0; x < inputSize; x += 1) {
          const v = pixels[y][x];
          if (v <= 0) continue;
          const [r, g, b] = paperColor(v, strength);
          ctx.fillStyle = `rgb(${r} ${g} ${b})`;
          const x0 = Math.round(toCanvas(x));
          const y0 = Math.round(toCanvas(y));
          ctx.fillRect(x0, y0, Math.round(toCanvas(x + 1)) - x0, Math.round(toCanvas(y + 1)) - y0);
        }
      }
    }

    // A feature map of this layer, one cell per unit.
    const { layer } = this;
    if (tint) {
      for (let i = 0; i < layer.size; i += 1) {
        const [y0, y1] = cellSpan(layer, i);
        for (let j = 0; j < layer.size; j += 1) {
          const [x0, x1] = cellSpan(layer, j);
          const [r, g, b] = divergingColor(tint.values[i][j] / tint.scale);
          ctx.fillStyle = `rgb(${r} ${g} ${b} / 0.82)`;
          ctx.fillRect(Math.round(toCanvas(x0)), Math.round(toCanvas(y0)),
            Math.round(toCanvas(x1)) - Math.round(toCanvas(x0)), Math.round(toCanvas(y1)) - Math.round(toCanvas(y0)));
        }
      }
    }

    // The grid of units (pixels for the input).
    const [from] = cellSpan(layer, 0);
    const [, to] = cellSpan(layer, layer.size - 1);
    ctx.strokeStyle = this.input ? "rgb(27 31 46 / 0.1)" : "rgb(27 31 46 / 0.2)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i <= layer.size; i += 1) {
      const e = Math.round(toCanvas(i < layer.size ? cellSpan(layer, i)[0] : to)) + 0.5;
      ctx.moveTo(e, toCanvas(from));
      ctx.lineTo(e, toCanvas(to));
      ctx.moveTo(toCanvas(from), e);
      ctx.lineTo(toCanvas(to), e);
    }
    ctx.stroke();
    ctx.strokeStyle = this.input ? "rgb(27 31 46 / 0.45)" : "rgb(79 70 229 / 0.55)";
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.round(toCanvas(from)) + 1, Math.round(toCanvas(from)) + 1,
      Math.round((to - from) * PX) - 2, Math.round((to - from) * PX) - 2);
  }

  /** Place a marker over a rectangle in edge coordinates, or hide it with null. */
  mark(kind, rect) {
    placeMarker(this.markers[kind], rect, this.frame);
  }

  /** The API's region in this layer (or null): kept in data- attributes, as given. */
  setRegion(region) {
    const d = this.element.dataset;
    if (!region) {
      for (const key of ["top", "bottom", "left", "right", "outsideFraction"]) delete d[key];
      this.element.classList.remove("is-in-field");
      return;
    }
    d.top = String(region.top);
    d.bottom = String(region.bottom);
    d.left = String(region.left);
    d.right = String(region.right);
    d.outsideFraction = String(region.outside_fraction);
    this.element.classList.add("is-in-field");
  }

  /** Mark the grid as the selected unit's own layer, or as one the unit cannot see. */
  setRole(role) {
    this.element.classList.toggle("is-selected", role === "selected");
    this.element.classList.toggle("is-later", role === "later");
  }

  #point(event) {
    if (event.type === "pointermove" && event.pointerType !== "mouse" && event.buttons === 0) return;
    const rect = this.canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const edge = pointToEdge(event.clientX, event.clientY, rect, this.frame);
    this.#emit("unit-point", unitAt(this.layer, edge.x, edge.y));
  }

  #emit(type, detail) {
    this.element.dispatchEvent(new CustomEvent(type, { bubbles: true, detail: { layer: this.layer.name, ...detail } }));
  }
}
