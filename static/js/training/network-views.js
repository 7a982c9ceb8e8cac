// Inside the network: the kernels of the first layers (or, for the MLP, its first units' weights
// as pictures), and one fixed test digit's feature maps layer by layer. Each layer is one figure
// (a caption over a canvas), made the first time the layer arrives and redrawn after that.

import { el } from "../shared/dom.js";
import { formatShape, formatSignificant } from "../shared/numbers.js";
import { argmax, sizeOf } from "./byte-codes.js";
import { PictureView } from "./panel.js";
import { kernelNote, layerNote, probeWords } from "./picture-words.js";
import { KernelInspector } from "./kernel-inspector.js";
import { FixedScales, scaleWords } from "./kernel-scale.js";
import { drawDigit, drawKernels, drawMaps, drawStrip } from "./small-multiples.js";

/** A picture panel of one figure per layer, by layer name. */
class LayerFigures extends PictureView {
  constructor(root, names) {
    super(root, names);
    this.figures = new Map();
  }

  clear(text) {
    super.clear(text);
    this.figures.clear();
  }

  /** The figure for `name` (made on first use with `className`, then `setup(entry)`). */
  figure(name, className, setup = () => {}) {
    let entry = this.figures.get(name);
    if (!entry) {
      entry = { fig: el("figure", className), caption: el("figcaption"), canvas: el("canvas") };
      entry.canvas.setAttribute("role", "img");
      entry.fig.append(entry.caption, entry.canvas);
      setup(entry);
      this.figures.set(name, entry);
      this.content.append(entry.fig);
    }
    return entry;
  }

  /** Removes the figures of layers not in `names`. */
  keepOnly(names) {
    for (const [name, entry] of this.figures) {
      if (!names.has(name)) {
        entry.fig.remove();
        this.figures.delete(name);
      }
    }
  }

  /** Marks the end of a drawing: the panel's note says what it shows (e.g. "step 120"). */
  finish(source) {
    this.drawn();
    this.note.textContent = source;
  }
}

function setCaption(element, name, note) {
  element.replaceChildren(el("strong", "", name), " ", el("span", "", note));
}

export class KernelsView extends LayerFigures {
  /** @param {HTMLElement} root the [data-kernels-view] section */
  constructor(root) {
    super(root, { content: "kernel-layers", empty: "kernels-empty", note: "kernels-source" });
    this.scales = new FixedScales();
    this.last = null; // {layers, context} of the pictures on screen, to redraw them
    this.inspector = new KernelInspector(root, this);
    const fixed = root.querySelector("[data-kernel-fixed]");
    fixed.checked = false;
    fixed.addEventListener("change", () => {
      this.scales.set(fixed.checked);
      this.#draw();
    });
    new ResizeObserver(() => {
      if (this.last && this.content.clientWidth !== this.last.width) this.#draw();
    }).observe(this.content);
  }

  clear(text) {
    super.clear(text);
    this.scales.forget();
    this.last = null;
    this.inspector.clear();
  }

  /**
   * @param {Array<{name: string, shape: number[], scale: number, bytes: Uint8Array}>} layers
   * @param {{model: string, source: string}} context source: what the pictures show, e.g. "step 120"
   */
  show(layers, context) {
    this.showing();
    this.last = { layers, context };
    this.#draw();
    this.finish(context.source);
    this.inspector.refresh();
  }

  /** Draws the last layers at the panel's width, in the colour scale chosen. */
  #draw() {
    if (!this.last) return;
    const { layers, context: { model, source } } = this.last;
    this.last.width = this.content.clientWidth;
    const width = Math.max(120, this.last.width || 320);
    for (const layer of layers) {
      const entry = this.figure(layer.name, "tr-kernel-figure", (e) => {
        e.canvas.dataset.kernels = layer.name;
        this.inspector.attach(e, layer.name);
      });
      const shown = this.scales.colours(layer, source);
      entry.layer = layer;
      entry.layout = drawKernels(entry.canvas, layer, { width, codes: shown.codes });
      entry.canvas.dataset.shape = layer.shape.join(",");
      entry.canvas.dataset.scale = String(shown.scale);
      entry.canvas.dataset.fixed = String(shown.fixed);
      const note = kernelNote(layer, model);
      const words = scaleWords(layer, shown);
      setCaption(entry.caption, layer.name, `${note} \u00b7 ${words}`);
      entry.canvas.setAttribute("aria-label", `${layer.name} weights: ${note}; blue positive, red negative, `
        + `white zero; ${words}. Point at a weight, or focus the picture and use the arrow keys, to read it`);
    }
    this.inspector.refresh();
  }
}

/** Under the 10 scores of the last layer: the class numbers, the highest one marked. */
function addLogitLabels(entry) {
  entry.labels = el("ol", "tr-logit-labels");
  entry.labels.setAttribute("aria-hidden", "true");
  entry.labels.start = 0;
  const wrap = el("div", "tr-logits");
  entry.canvas.replaceWith(wrap);
  wrap.append(entry.canvas, entry.labels);
}

function markBest(labels, layer) {
  const best = argmax(layer.bytes);
  const classes = Array.from({ length: sizeOf(layer.shape) }, (_, i) => el("li", i === best ? "is-best" : "", String(i)));
  labels.replaceChildren(...classes);
}

export class ProbeView extends LayerFigures {
  /** @param {HTMLElement} root the [data-probe-view] section */
  constructor(root) {
    super(root, { content: "probe-layers", empty: "probe-empty", note: "probe-source",
      parts: ["probe-canvas", "probe-caption", "probe-body"] });
  }

  clear(text) {
    super.clear(text);
    this.parts.probeBody.hidden = true;
  }

  /**
   * @param {{label: number, bytes: Uint8Array}} probe
   * @param {Array<{name: string, shape: number[], min: number, max: number, bytes: Uint8Array}>} layers
   */
  show(probe, layers, { model, dataset, step }) {
    this.step = step;
    const { probeCanvas, probeCaption, probeBody } = this.parts;
    probeBody.hidden = false;
    this.showing();
    drawDigit(probeCanvas, probe.bytes, { scale: 4 });
    const last = layers[layers.length - 1];
    const words = probeWords(probe.label, last && sizeOf(last.shape) === 10 ? argmax(last.bytes) : null, dataset);
    probeCaption.textContent = words.caption;
    probeCaption.dataset.right = String(words.right);
    probeCanvas.setAttribute("aria-label", words.label);

    const side = Math.round(Math.sqrt(probe.bytes.length));
    let previous = [1, side, side];
    for (const layer of layers) {
      this.showLayer(layer, layerNote(layer.name, layer.shape, model, previous));
      previous = layer.shape;
    }
    this.keepOnly(new Set(layers.map((layer) => layer.name)));
    this.finish(`step ${step}`);
  }

  showLayer(layer, note) {
    const isMap = layer.shape.length === 3;
    const entry = this.figure(layer.name, `tr-layer ${isMap ? "tr-layer-maps" : "tr-layer-vector"}`, (e) => {
      e.canvas.dataset.layer = layer.name;
      if (!isMap && sizeOf(layer.shape) === 10) addLogitLabels(e);
    });
    // Where each unit landed, for picking one (probe-inspector.js): tile c is channel c.
    entry.layout = isMap ? drawMaps(entry.canvas, layer, { target: layer.shape[2] >= 20 ? 56 : 40, maxCols: 8 })
      : drawStrip(entry.canvas, layer, { width: 300 });
    entry.shape = layer.shape;
    if (entry.labels) markBest(entry.labels, layer);
    const shape = formatShape(layer.shape);
    const range = `${formatSignificant(layer.min)} \u2026 ${formatSignificant(layer.max)}`;
    setCaption(entry.caption, layer.name, `${shape} \u00b7 ${note}`);
    entry.caption.title = `values from ${range}`;
    entry.canvas.setAttribute("aria-label", `${layer.name} output, ${shape}, values from ${range}`);
  }
}
