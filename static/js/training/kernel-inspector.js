// Reading the kernel pictures: pointing at a weight says its value, its kernel and its cell in
// the readout under the pictures; a click or tap (or the arrow keys on a focused picture) picks
// it, so the readout stays, the kernel is outlined and "Try this kernel on a photo" links to the
// kernel playground with its weights (for a kernel over several input channels, the slice for the
// picked one). Each new picture re-reads the picked weight, so the readout follows training.
//
// Markup contract (templates/training.html, inside [data-kernels-view]): [data-kernel-readout]
// holding [data-kernel-value], the link a[data-kernel-try] and [data-kernel-try-note]. The
// readout carries data-layer, data-cell ("out,in,row,col") and data-value (the decoded weight,
// unrounded) of what it states; data-picked says whether that is the picked weight.

import { kernelLink } from "../shared/kernel-link.js";
import { pageLimits } from "../shared/limits.js";
import { TIMES, formatSignificant } from "../shared/numbers.js";
import { overlayBox } from "../shared/unit-grid.js";
import { decodeWeight, kernelCellAt, kernelCellRect, kernelSlice, keyedCell, kernelTile,
  weightIndex } from "./kernel-layout.js";

const PROMPT = "Point at a weight to read it; click or tap a kernel (or focus a picture and use the arrow keys) to "
  + "keep it and try it on a photo.";

/** "conv2 kernel 4, input channel 2" / "conv1 kernel 3" / "fc1 unit 3" (the MLP's pictures). */
export function kernelName(name, shape, cell) {
  if (shape[2] > 8 && name.startsWith("fc")) return `${name} unit ${cell.out}`;
  return shape[1] > 1 ? `${name} kernel ${cell.out}, input channel ${cell.input}` : `${name} kernel ${cell.out}`;
}

/** The readout sentence for `weight` at `cell` of layer `name`. */
export function weightWords(name, shape, cell, weight) {
  const where = shape[2] > 8 && name.startsWith("fc") ? `pixel row ${cell.row}, column ${cell.col}`
    : `row ${cell.row}, column ${cell.col}`;
  return `${kernelName(name, shape, cell)}, ${where}: w \u2248 ${formatSignificant(weight, 3)}`;
}

export class KernelInspector {
  /** @param {HTMLElement} root the [data-kernels-view] section @param {object} view its KernelsView */
  constructor(root, view) {
    this.view = view;
    this.readout = root.querySelector("[data-kernel-readout]");
    this.value = root.querySelector("[data-kernel-value]");
    this.link = root.querySelector("[data-kernel-try]");
    this.linkNote = root.querySelector("[data-kernel-try-note]");
    this.maxSide = pageLimits().max_kernel_size ?? 15;
    this.state = { picked: null, hover: null }; // {layer, cell} each
    const content = view.content;
    content.addEventListener("pointermove", (event) => this.#hovered(event));
    content.addEventListener("pointerleave", () => this.#hover(null));
    content.addEventListener("click", (event) => this.#clicked(event));
    content.addEventListener("keydown", (event) => this.#keyed(event));
    content.addEventListener("focusin", (event) => this.#focused(event));
    this.clear();
  }

  /** Makes a new figure's canvas pickable (`name`: its layer). */
  attach(entry, name) {
    entry.canvas.tabIndex = 0;
    entry.canvas.classList.add("is-selectable");
    entry.canvas.dataset.pickLayer = name;
  }

  /** Nothing picked (another run, or none). */
  clear() {
    this.state.picked = null;
    this.state.hover = null;
    this.refresh();
  }

  /** After each drawing: the readout and the marks from the new weights. */
  refresh() {
    const shown = this.state.hover ?? this.state.picked;
    const entry = shown && this.view.figures.get(shown.layer);
    this.#place();
    this.#linkFor(this.state.picked);
    if (!entry?.layer) {
      this.readout.hidden = !this.view.figures.size;
      this.value.textContent = PROMPT;
      for (const key of ["layer", "cell", "value", "picked"]) delete this.readout.dataset[key];
      return;
    }
    this.readout.hidden = false;
    const { layer } = entry;
    const weight = decodeWeight(layer.bytes[weightIndex(layer.shape, shown.cell)], layer.scale);
    const { out, input, row, col } = shown.cell;
    this.value.textContent = `${weightWords(layer.name, layer.shape, shown.cell, weight)} `
      + `(${this.view.note.textContent || "now"}).`;
    Object.assign(this.readout.dataset, { layer: layer.name, cell: `${out},${input},${row},${col}`, value: String(weight),
      picked: String(shown === this.state.picked) });
  }

  #entryOf(target) {
    const name = target?.dataset?.pickLayer;
    return name ? [name, this.view.figures.get(name)] : [null, null];
  }

  #cellAt(event) {
    const [name, entry] = this.#entryOf(event.target);
    if (!entry?.layout) return null;
    const box = entry.canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * entry.canvas.width;
    const y = ((event.clientY - box.top) / box.height) * entry.canvas.height;
    const cell = kernelCellAt(entry.layout, x, y);
    return cell ? { layer: name, cell } : null;
  }

  #hovered(event) {
    if (event.pointerType === "touch") return; // a tap picks (click) instead
    this.#hover(this.#cellAt(event));
  }

  #hover(spot) {
    const old = this.state.hover;
    if (old?.layer === spot?.layer && JSON.stringify(old?.cell) === JSON.stringify(spot?.cell)) return;
    this.state.hover = spot;
    this.refresh();
  }

  #clicked(event) {
    const spot = this.#cellAt(event);
    if (spot) this.#pick(spot);
  }

  #keyed(event) {
    const [name, entry] = this.#entryOf(event.target);
    if (!entry?.layer) return;
    const here = this.state.picked?.layer === name ? this.state.picked.cell : null;
    const cell = keyedCell(event.key, here, entry.layer.shape);
    if (!cell) return;
    event.preventDefault();
    this.#pick({ layer: name, cell });
  }

  #focused(event) {
    const [name, entry] = this.#entryOf(event.target);
    if (entry?.layer && this.state.picked?.layer !== name) this.#pick({ layer: name, cell: keyedCell("Home", null, entry.layer.shape) });
  }

  #pick(spot) {
    this.state.picked = spot;
    this.state.hover = null;
    this.refresh();
  }

  /** The "Try this kernel on a photo" link for the picked kernel (or a note why there is none). */
  #linkFor(picked) {
    const entry = picked && this.view.figures.get(picked.layer);
    this.link.hidden = true;
    this.linkNote.textContent = "";
    if (!entry?.layer) return;
    const { layer } = entry;
    const [, inputs, kh, kw] = layer.shape;
    const name = kernelName(layer.name, layer.shape, picked.cell);
    if (kh > this.maxSide || kw > this.maxSide) {
      this.linkNote.textContent = `${name} is ${kh}${TIMES}${kw}, larger than the kernel playground\u2019s largest, `
        + `${this.maxSide}${TIMES}${this.maxSide}.`;
      return;
    }
    const kernel = kernelSlice(layer, picked.cell.out, picked.cell.input);
    const from = `${name}, ${this.view.note.textContent || "training"}`;
    this.link.href = kernelLink(kernel, { from });
    this.link.hidden = false;
    this.link.textContent = inputs > 1 ? `Try ${layer.name} kernel ${picked.cell.out}\u2019s slice for input channel `
      + `${picked.cell.input} on a photo` : `Try ${layer.name} kernel ${picked.cell.out} on a photo`;
    this.link.dataset.kernel = JSON.stringify(kernel);
    this.linkNote.textContent = inputs > 1 ? `(one of its ${inputs} slices: the playground filters one channel)` : "";
  }

  /** The picked kernel's outline and the shown weight's cell. */
  #place() {
    this.view.content.querySelectorAll(".tr-kernel-pick, .dg-unit-marker, .dg-hover-marker").forEach((n) => n.remove());
    const { picked, hover } = this.state;
    const mark = (spot, className, tile) => {
      const entry = spot && this.view.figures.get(spot.layer);
      if (!entry?.layout) return;
      const { layout } = entry;
      const rect = tile ? { ...kernelTile(layout, spot.cell.out, spot.cell.input), width: layout.tileW, height: layout.tileH }
        : kernelCellRect(layout, spot.cell);
      entry.fig.append(overlayBox(entry.canvas, className, rect));
    };
    mark(picked, "tr-kernel-pick", true);
    mark(picked, "dg-unit-marker", false);
    mark(hover, "dg-hover-marker", false);
  }
}
