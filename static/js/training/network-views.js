// Inside the network: the kernels of the first layers (or, for the MLP, its first units' weights
// as pictures), and one fixed test digit's feature maps layer by layer.

import { drawDigit, drawKernels, drawMaps, drawStrip } from "./heatmaps.js";
import {
  ARROW,
  TIMES,
  argmax,
  className,
  formatNumber,
  kernelNote,
  layerNote,
  sizeOf,
} from "./training-math.js";

function figure(className) {
  const fig = document.createElement("figure");
  fig.className = className;
  const caption = document.createElement("figcaption");
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  fig.append(caption, canvas);
  return { fig, caption, canvas };
}

function caption(element, name, note) {
  const strong = document.createElement("strong");
  strong.textContent = name;
  const span = document.createElement("span");
  span.textContent = note;
  element.replaceChildren(strong, " ", span);
}

export class KernelsView {
  /** @param {HTMLElement} root the [data-kernels-view] section */
  constructor(root) {
    this.root = root;
    this.layers = root.querySelector("[data-kernel-layers]");
    this.empty = root.querySelector("[data-kernels-empty]");
    this.note = root.querySelector("[data-kernels-source]");
    this.figures = new Map();
    this.version = 0;
  }

  clear(text) {
    this.figures.clear();
    this.layers.replaceChildren();
    this.empty.hidden = false;
    if (text) this.empty.textContent = text;
    this.note.textContent = "";
  }

  /**
   * @param {Array<{name: string, shape: number[], scale: number, bytes: Uint8Array}>} layers
   * @param {{model: string, source: string}} context source: what the pictures show, e.g. "step 120"
   */
  show(layers, { model, source }) {
    this.empty.hidden = true;
    for (const layer of layers) {
      let entry = this.figures.get(layer.name);
      if (!entry) {
        entry = figure("tr-kernel-figure");
        entry.canvas.dataset.kernels = layer.name;
        this.figures.set(layer.name, entry);
        this.layers.append(entry.fig);
      }
      const wide = layer.shape[2] > 8; // the MLP's 28x28 pictures
      drawKernels(entry.canvas, layer, wide ? { target: 56, maxCols: 8 } : { target: layer.shape[1] > 1 ? 20 : 52 });
      const note = kernelNote(layer, model);
      caption(entry.caption, layer.name, `${note} \u00b7 colour scale \u00b1${formatNumber(layer.scale)}`);
      entry.canvas.setAttribute("aria-label", `${layer.name} weights: ${note}; blue positive, red negative, `
        + `white zero, strongest \u00b1${formatNumber(layer.scale)}`);
    }
    this.version += 1;
    this.root.dataset.version = String(this.version);
    this.note.textContent = source;
  }
}

export class ProbeView {
  /** @param {HTMLElement} root the [data-probe-view] section */
  constructor(root) {
    this.root = root;
    this.digit = root.querySelector("[data-probe-canvas]");
    this.digitCaption = root.querySelector("[data-probe-caption]");
    this.layers = root.querySelector("[data-probe-layers]");
    this.body = root.querySelector("[data-probe-body]");
    this.empty = root.querySelector("[data-probe-empty]");
    this.note = root.querySelector("[data-probe-source]");
    this.figures = new Map();
    this.version = 0;
  }

  clear(text) {
    this.figures.clear();
    this.layers.replaceChildren();
    this.body.hidden = true;
    this.empty.hidden = false;
    if (text) this.empty.textContent = text;
    this.note.textContent = "";
  }

  /**
   * @param {{label: number, bytes: Uint8Array}} probe
   * @param {Array<{name: string, shape: number[], min: number, max: number, bytes: Uint8Array}>} layers
   */
  show(probe, layers, { model, dataset, step }) {
    this.body.hidden = false;
    this.empty.hidden = true;
    drawDigit(this.digit, probe.bytes, { scale: 4 });
    const last = layers[layers.length - 1];
    const predicted = last && sizeOf(last.shape) === 10 ? argmax(last.bytes) : null;
    const truth = className(probe.label, dataset);
    const answer = predicted == null ? "" : className(predicted, dataset);
    this.digitCaption.textContent = predicted == null ? `a ${truth}` : `a ${truth} ${ARROW} says ${answer}`;
    this.digitCaption.dataset.right = String(predicted === probe.label);
    this.digit.setAttribute("aria-label", `The probe: a test image of a ${truth}`
      + (predicted == null ? "" : `; the network currently says ${answer}`));

    const seen = new Set();
    for (const layer of layers) {
      seen.add(layer.name);
      let entry = this.figures.get(layer.name);
      const isMap = layer.shape.length === 3;
      if (!entry) {
        entry = figure(`tr-layer ${isMap ? "tr-layer-maps" : "tr-layer-vector"}`);
        entry.canvas.dataset.layer = layer.name;
        if (!isMap && sizeOf(layer.shape) === 10) {
          entry.labels = document.createElement("ol");
          entry.labels.className = "tr-logit-labels";
          entry.labels.setAttribute("aria-hidden", "true");
          entry.labels.start = 0;
          const wrap = document.createElement("div");
          wrap.className = "tr-logits";
          entry.canvas.replaceWith(wrap);
          wrap.append(entry.canvas, entry.labels);
        }
        this.figures.set(layer.name, entry);
        this.layers.append(entry.fig);
      }
      if (isMap) drawMaps(entry.canvas, layer, { target: layer.shape[2] >= 20 ? 56 : 40, maxCols: 8 });
      else drawStrip(entry.canvas, layer, { width: 300 });
      if (entry.labels) {
        const best = argmax(layer.bytes);
        entry.labels.replaceChildren(...Array.from({ length: 10 }, (_, i) => {
          const li = document.createElement("li");
          li.textContent = String(i);
          if (i === best) li.className = "is-best";
          return li;
        }));
      }
      const shape = layer.shape.join(TIMES);
      const range = `${formatNumber(layer.min)} \u2026 ${formatNumber(layer.max)}`;
      caption(entry.caption, layer.name, `${shape} \u00b7 ${layerNote(layer.name, layer.shape, model)}`);
      entry.caption.title = `values from ${range}`;
      entry.canvas.setAttribute("aria-label", `${layer.name} output, ${shape}, values from ${range}`);
    }
    for (const [name, entry] of this.figures) {
      if (!seen.has(name)) {
        entry.fig.remove();
        this.figures.delete(name);
      }
    }
    this.version += 1;
    this.root.dataset.version = String(this.version);
    this.note.textContent = `step ${step}`;
  }
}
