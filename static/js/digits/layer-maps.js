// Every layer's output on /digits: a small picture per feature map, and the long vectors after
// `flatten` as strips of cells, each layer with a sentence on what it did. Draws what it is
// given; fetches nothing.
//
// Markup contract (templates/digits.html): a [data-layer-maps] container, filled here; each
// layer is a section[data-layer=<name>], and the container's data-layers counts them.
//
// With `selectable`, every map and strip is a grid of units a learner can pick: a click or tap
// picks the cell under the pointer; a focused map's arrow keys move the pick one cell (Home goes
// back to the first). Each pick fires "unit-select" on the container with {layer, unit}: unit
// is [channel, row, column] for a map, [index] for a vector, counted from 0 as PyTorch does. The
// picked cell is outlined (data-selected on its canvas). A mouse or pen resting over a cell fires
// "unit-hover" with the same detail, and with null when it leaves the maps (touch has no hover:
// a tap picks). What a unit reads is marked by markWindow (a conv or pool unit's window in the
// maps below, data-window) and markInputs (a linear unit's strongest inputs in the strip below,
// data-inputs); a hovered cell is outlined lightly (data-hovered).

import { el } from "../shared/dom.js";
import { diverging, drawHeatmap, maxAbs } from "../shared/heatmap.js";
import { keyedUnit, overlayBox, windowInMap } from "../shared/unit-grid.js";
import { layerSentence, prettyDescription, shapeText, valueRangeText } from "./layer-words.js";

/** Shown size of one feature map: bigger maps bigger, but not in proportion, so 5 x 5 maps
 * stay visible beside 28 x 28 ones. */
function mapSize(side) {
  return Math.round(16 * Math.sqrt(side));
}

/** A vector of n values as rows of at most maxCols cells. */
function stripLayout(n) {
  const maxCols = n > 200 ? 100 : 60;
  const rows = Math.max(1, Math.ceil(n / maxCols));
  return { rows, cols: Math.ceil(n / rows) };
}

function imageCanvas(className, width, height, label) {
  const canvas = el("canvas", className);
  canvas.width = width;
  canvas.height = height;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

/** The layer's heading: name, type, shape, what it did, and (filled when drawn) its range. */
function layerHead(layer, previous, meta, titleId, describe) {
  const head = el("div", "dg-layer-head");
  const title = el("h3", "dg-layer-name", layer.name);
  title.id = titleId;
  head.append(title);
  const kind = [meta?.type, prettyDescription(meta?.description)].filter(Boolean).join(" \u00b7 ");
  if (kind) head.append(el("span", "dg-layer-type", kind));
  head.append(el("span", "dg-layer-shape", shapeText(layer.shape)));
  const sentence = describe ? layerSentence(layer, previous, meta) : "";
  if (sentence) head.append(el("p", "dg-layer-note", sentence));
  const scale = el("p", "dg-layer-scale");
  scale.dataset.scale = "";
  head.append(scale);
  return { head, scale };
}

/** C maps of H x W: one small canvas each. */
function mapsBody(layer) {
  const [channels, h, w] = layer.shape;
  const body = el("div", "dg-layer-body dg-maps");
  body.style.setProperty("--map-size", `${mapSize(Math.max(h, w))}px`);
  body.style.setProperty("--per-row", String(channels <= 8 ? channels : Math.ceil(channels / 2)));
  const canvases = Array.from({ length: channels }, (_, c) => {
    const canvas = imageCanvas("dg-map", w, h, `${layer.name}, map ${c + 1} of ${channels}`);
    canvas.title = `${layer.name} map ${c + 1}`;
    return canvas;
  });
  body.append(...canvases);
  return { body, canvases };
}

/** A vector: one strip of cells (labelled 0..9 when it holds the ten scores). */
function stripBody(layer) {
  const n = layer.shape.reduce((a, b) => a * b, 1);
  const { rows, cols } = stripLayout(n);
  const body = el("div", "dg-layer-body dg-strip-wrap");
  body.style.setProperty("--strip-rows", String(rows));
  body.style.setProperty("--strip-cols", String(cols));
  const canvas = imageCanvas("dg-strip", cols, rows, `${layer.name}: ${n} values as a strip of cells`);
  body.append(canvas);
  if (n === 10) {
    const labels = el("div", "dg-strip-labels");
    labels.setAttribute("aria-hidden", "true");
    for (let d = 0; d < 10; d += 1) labels.append(el("span", "", String(d)));
    body.append(labels);
  }
  return { body, canvases: [canvas] };
}

/** A vector's values as rows of the strip canvas's width, the last row padded with zeros. */
function stripRows(values, width, height) {
  const flat = values.flat(Infinity);
  return Array.from({ length: height }, (_, r) => Array.from({ length: width }, (_, c) => flat[r * width + c] ?? 0));
}

/** The cell of `canvas` (w x h cells) under a pointer event, or null off the canvas. */
function cellAt(canvas, event) {
  const box = canvas.getBoundingClientRect();
  const col = Math.floor(((event.clientX - box.left) / box.width) * canvas.width);
  const row = Math.floor(((event.clientY - box.top) / box.height) * canvas.height);
  return row >= 0 && col >= 0 && row < canvas.height && col < canvas.width ? [row, col] : null;
}

/** A box over `rows` x `cols` cells of `canvas` (one canvas pixel per cell) from (row, col). */
function overlay(canvas, className, row, col, rows, cols) {
  return overlayBox(canvas, className, { left: col, top: row, width: cols, height: rows });
}

export class LayerMaps {
  /** `describe`: a sentence per layer on what it did (for activations; off for gradients);
   * `rangeText(values)`: the line under it that states the values' range; `key`: the data attribute
   * (camelCase) naming each section's layer. */
  constructor(root, { selectable = false, describe = true, rangeText = valueRangeText, key = "layer" } = {}) {
    this.root = root;
    this.key = key; // each section's data-<key> (and its heading's id): two LayerMaps on a page stay apart
    this.selectable = selectable;
    this.describe = describe;
    this.rangeText = rangeText;
    this.signature = "";
    this.sections = new Map();
    this.selected = null; // {layer, unit}
    this.hovered = null; // {layer, unit}
    this.window = null;
    this.inputs = null;
    if (selectable) new ResizeObserver(() => this.#placeMarker()).observe(root);
  }

  /** Outline `unit` of `layer` (as "unit-select" reported it), or nothing for null. */
  select(selection) {
    this.selected = selection;
    if (!selection) this.window = null;
    this.#placeMarker();
  }

  /** Mark the window a picked unit reads in the layer below: `layer`'s maps `channels` (all when
   * null), rows and columns from `origin` for `size` cells (clipped to the map; the part on the
   * padding falls outside it). null clears it. */
  markWindow(window) {
    this.window = window;
    this.#placeMarker();
  }

  /** Mark a linear unit's strongest inputs in `layer`'s strip: `indices` with the sign of each
   * one's contribution (`signs`, +1 or -1). null clears it. */
  markInputs(inputs) {
    this.inputs = inputs;
    this.#placeMarker();
  }

  /** Outline the cell under the pointer lightly (null: none). */
  hover(selection) {
    this.hovered = selection;
    this.#placeMarker();
  }

  /** Say something instead of maps (the empty canvas, an error). */
  message(text) {
    this.signature = "";
    this.sections.clear();
    this.root.replaceChildren(el("p", "dg-maps-message", text));
    this.root.classList.remove("is-stale");
    delete this.root.dataset.layers;
  }

  /** Dim the maps while a newer drawing's are on their way. */
  stale(on) {
    this.root.classList.toggle("is-stale", on);
  }

  /** activations: [{name, shape, values}] from the API; info: Map name -> /api/model layer;
   * inputShape: the image's [channels, height, width], what the first layer worked on. */
  render(activations, info = new Map(), inputShape = null) {
    const signature = [inputShape, ...activations.map((a) => `${a.name}:${a.shape.join("x")}`)].join("|");
    if (signature !== this.signature) this.#build(activations, info, signature, inputShape);
    activations.forEach((layer) => this.#draw(layer));
    this.#placeMarker();
    this.root.classList.remove("is-stale");
    this.root.dataset.layers = String(activations.length);
  }

  #build(activations, info, signature, inputShape) {
    this.signature = signature;
    this.sections.clear();
    const input = inputShape ? { name: "input", shape: inputShape } : undefined;
    this.root.replaceChildren(...activations.map((layer, i) => {
      const section = el("section", "dg-layer");
      section.dataset[this.key] = layer.name;
      const titleId = `dg-${this.key}-${layer.name}`;
      section.setAttribute("aria-labelledby", titleId);
      const { head, scale } = layerHead(layer, i ? activations[i - 1] : input, info.get(layer.name), titleId,
        this.describe);
      const { body, canvases } = layer.shape.length === 3 ? mapsBody(layer) : stripBody(layer);
      section.append(head, body);
      this.sections.set(layer.name, { canvases, scale, body, shape: layer.shape });
      if (this.selectable) this.#makeSelectable(layer, canvases);
      return section;
    }));
  }

  #makeSelectable(layer, canvases) {
    const isMap = layer.shape.length === 3;
    const size = layer.shape.reduce((a, b) => a * b, 1);
    const unitOf = (c, row, col) => (isMap ? [c, row, col] : [row * canvases[0].width + col]);
    canvases.forEach((canvas, c) => {
      canvas.tabIndex = 0;
      canvas.classList.add("is-selectable");
      canvas.setAttribute("aria-label", `${canvas.getAttribute("aria-label")}; pick a unit to see how it was computed`);
      canvas.addEventListener("click", (event) => {
        const cell = cellAt(canvas, event);
        if (cell && (isMap || cell[0] * canvas.width + cell[1] < size)) this.#pick(layer.name, unitOf(c, ...cell));
      });
      canvas.addEventListener("pointermove", (event) => {
        if (event.pointerType === "touch") return;
        const cell = cellAt(canvas, event);
        const unit = cell && (isMap || cell[0] * canvas.width + cell[1] < size) ? unitOf(c, ...cell) : null;
        this.#hoverOver(unit && { layer: layer.name, unit });
      });
      canvas.addEventListener("pointerleave", () => this.#hoverOver(null));
      canvas.addEventListener("keydown", (event) => {
        const here = this.selected?.layer === layer.name && (!isMap || this.selected.unit[0] === c)
          ? this.selected.unit : null;
        const unit = keyedUnit(event.key, here, unitOf(c, 0, 0), layer.shape, canvas.width);
        if (!unit) return;
        event.preventDefault();
        this.#pick(layer.name, unit);
      });
    });
  }

  #pick(layer, unit) {
    this.select({ layer, unit });
    this.root.dispatchEvent(new CustomEvent("unit-select", { detail: { layer, unit }, bubbles: true }));
  }

  #hoverOver(selection) {
    const same = (a, b) => a === b || (a && b && a.layer === b.layer && a.unit.join() === b.unit.join());
    if (same(selection, this.hovered)) return;
    this.hover(selection);
    this.root.dispatchEvent(new CustomEvent("unit-hover", { detail: selection, bubbles: true }));
  }

  /** The outlines over the picked and hovered cells and the marks of what a unit reads, placed from
   * the canvas's shown size (it changes with the page's width). */
  #placeMarker() {
    for (const name of ["selected", "hovered", "window", "inputs"]) {
      this.root.querySelectorAll(`[data-${name}]`).forEach((node) => node.removeAttribute(`data-${name}`));
    }
    this.root.querySelectorAll(".dg-unit-marker, .dg-hover-marker, .dg-window-marker, .dg-input-marker")
      .forEach((node) => node.remove());
    this.#placeWindow();
    this.#placeInputs();
    this.#placeCell(this.hovered, "hovered", "dg-hover-marker");
    this.#placeCell(this.selected, "selected", "dg-unit-marker");
  }

  /** One cell's outline (and data-<name> on its canvas: "row,col" in a map, the index in a strip). */
  #placeCell(selection, name, className) {
    const entry = selection && this.sections.get(selection.layer);
    if (!entry) return;
    const { unit } = selection;
    const isMap = entry.shape.length === 3;
    const canvas = entry.canvases[isMap ? unit[0] : 0];
    if (!canvas) return;
    const [row, col] = isMap ? unit.slice(1) : [Math.floor(unit[0] / canvas.width), unit[0] % canvas.width];
    canvas.dataset[name] = isMap ? `${row},${col}` : String(unit[0]);
    entry.body.append(overlay(canvas, className, row, col, 1, 1));
  }

  #placeInputs() {
    const entry = this.inputs && this.sections.get(this.inputs.layer);
    if (!entry || entry.shape.length === 3) return;
    const [canvas] = entry.canvases;
    const { indices, signs } = this.inputs;
    canvas.dataset.inputs = indices.join(",");
    indices.forEach((index, i) => {
      const box = overlay(canvas, "dg-input-marker", Math.floor(index / canvas.width), index % canvas.width, 1, 1);
      box.classList.add(signs[i] < 0 ? "is-negative" : "is-positive");
      entry.body.append(box);
    });
  }

  #placeWindow() {
    const entry = this.window && this.sections.get(this.window.layer);
    if (!entry || entry.shape.length !== 3) return;
    const { channels } = this.window;
    entry.canvases.forEach((canvas, c) => {
      const part = (!channels || channels.includes(c)) && windowInMap(this.window, canvas.height, canvas.width);
      if (!part) return;
      const { top, left, rows, cols } = part;
      canvas.dataset.window = `${top},${left},${rows},${cols}`;
      entry.body.append(overlay(canvas, "dg-window-marker", top, left, rows, cols));
    });
  }

  /** One colour scale per layer (its largest |value|), so its maps compare with each other. */
  #draw(layer) {
    const entry = this.sections.get(layer.name);
    if (!entry) return;
    const colour = diverging(maxAbs(layer.values));
    if (layer.shape.length === 3) {
      entry.canvases.forEach((canvas, c) => drawHeatmap(canvas, layer.values[c], { colour }));
    } else {
      const [canvas] = entry.canvases;
      drawHeatmap(canvas, stripRows(layer.values, canvas.width, canvas.height), { colour });
    }
    entry.scale.textContent = this.rangeText(layer.values);
  }
}
