// What /digits shows of a prediction: the probability bars, the 28 x 28 image the network saw,
// and every layer's output. Each view draws what it is given; none fetches anything.
//
// Markup contract (templates/digits.html):
//   ProbabilityBars  an <ol data-bars> of ten <li data-digit="d"> rows, each with [data-fill]
//                    and [data-value]
//   DigitPreview     a [data-preview] element holding a <canvas width=28 height=28>,
//                    [data-ink-box] and [data-mass] markers and a [data-preview-note]
//   LayerMaps        a [data-layer-maps] container (filled here)

import { el } from "../shared/dom.js";
import {
  SIDE,
  TIMES,
  digitToRgba,
  formatNumber,
  formatPercent,
  inkGeometry,
  layerSentence,
  maxAbs,
  prettyDescription,
  shapeText,
  valuesToRgba,
} from "./digit-math.js";

// --------------------------------------------------------------------------- probability bars

export class ProbabilityBars {
  constructor(root) {
    this.root = root;
    this.rows = [...root.querySelectorAll("[data-digit]")];
  }

  /** Bars for probabilities[0..9]; the top guess and the runner-up are marked. */
  update(probabilities, digit, runnerUp) {
    this.root.classList.remove("is-empty");
    for (const row of this.rows) {
      const d = Number(row.dataset.digit);
      const p = probabilities[d];
      row.style.setProperty("--p", String(Math.max(0, Math.min(1, p))));
      row.dataset.probability = String(p);
      row.classList.toggle("is-top", d === digit);
      row.classList.toggle("is-runner-up", d === runnerUp);
      row.querySelector("[data-value]").textContent = formatPercent(p);
      const role = row.querySelector("[data-role]");
      role.textContent = d === digit ? " (top guess)" : d === runnerUp ? " (runner-up)" : "";
    }
  }

  clear() {
    this.root.classList.add("is-empty");
    for (const row of this.rows) {
      row.style.setProperty("--p", "0");
      delete row.dataset.probability;
      row.classList.remove("is-top", "is-runner-up");
      row.querySelector("[data-value]").textContent = "\u2013";
      row.querySelector("[data-role]").textContent = "";
    }
  }
}

// ------------------------------------------------------------------------- what it saw: 28x28

export class DigitPreview {
  constructor(root) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.inkBox = root.querySelector("[data-ink-box]");
    this.mass = root.querySelector("[data-mass]");
    this.note = root.querySelector("[data-preview-note]");
    this.version = 0;
  }

  /** Draw the 28 x 28 input (white ink on black), its ink box and its centre of mass. */
  draw(pixels) {
    const ctx = this.canvas.getContext("2d");
    ctx.putImageData(new ImageData(digitToRgba(pixels), SIDE, SIDE), 0, 0);
    this.root.classList.add("has-image");
    const geometry = inkGeometry(pixels);
    const pct = (v) => `${(100 * v) / SIDE}%`;
    if (geometry) {
      const { top, bottom, left, right, cx, cy } = geometry;
      const s = this.inkBox.style;
      s.setProperty("--left", pct(left));
      s.setProperty("--top", pct(top));
      s.setProperty("--width", pct(right - left + 1));
      s.setProperty("--height", pct(bottom - top + 1));
      this.mass.style.setProperty("--left", pct(cx + 0.5));
      this.mass.style.setProperty("--top", pct(cy + 0.5));
      this.inkBox.hidden = false;
      this.mass.hidden = false;
      this.note.textContent = `Ink box ${right - left + 1} ${TIMES} ${bottom - top + 1} px; centre of mass (+) at `
        + `x ${cx.toFixed(1)}, y ${cy.toFixed(1)}.`;
    } else {
      this.inkBox.hidden = true;
      this.mass.hidden = true;
      this.note.textContent = "";
    }
    this.version += 1;
    this.root.dataset.version = String(this.version);
  }

  clear() {
    const ctx = this.canvas.getContext("2d");
    ctx.clearRect(0, 0, SIDE, SIDE);
    this.root.classList.remove("has-image");
    this.inkBox.hidden = true;
    this.mass.hidden = true;
    this.note.textContent = "Nothing drawn yet.";
    delete this.root.dataset.version;
  }
}

// ------------------------------------------------------------------------------- every layer

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

export class LayerMaps {
  constructor(root) {
    this.root = root;
    this.signature = "";
    this.sections = new Map();
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

  /** activations: [{name, shape, values}] from the API; info: Map name -> /api/model layer. */
  render(activations, info = new Map()) {
    const signature = activations.map((a) => `${a.name}:${a.shape.join("x")}`).join("|");
    if (signature !== this.signature) this.#build(activations, info, signature);
    activations.forEach((layer) => this.#draw(layer));
    this.root.classList.remove("is-stale");
    this.root.dataset.layers = String(activations.length);
  }

  #build(activations, info, signature) {
    this.signature = signature;
    this.sections.clear();
    const nodes = activations.map((layer, i) => {
      const meta = info.get(layer.name);
      const section = el("section", "dg-layer");
      section.dataset.layer = layer.name;
      const head = el("div", "dg-layer-head");
      const title = el("h3", "dg-layer-name", layer.name);
      title.id = `dg-layer-${layer.name}`;
      section.setAttribute("aria-labelledby", title.id);
      head.append(title);
      const kind = [meta?.type, prettyDescription(meta?.description)].filter(Boolean).join(" \u00b7 ");
      if (kind) head.append(el("span", "dg-layer-type", kind));
      head.append(el("span", "dg-layer-shape", shapeText(layer.shape)));
      const sentence = layerSentence(layer, activations[i - 1], meta);
      if (sentence) head.append(el("p", "dg-layer-note", sentence));
      const scale = el("p", "dg-layer-scale");
      scale.dataset.scale = "";
      head.append(scale);
      section.append(head);

      const body = el("div", "dg-layer-body");
      const canvases = [];
      if (layer.shape.length === 3) {
        const [channels, h, w] = layer.shape;
        body.classList.add("dg-maps");
        body.style.setProperty("--map-size", `${mapSize(Math.max(h, w))}px`);
        body.style.setProperty("--per-row", String(channels <= 8 ? channels : Math.ceil(channels / 2)));
        for (let c = 0; c < channels; c += 1) {
          const canvas = el("canvas", "dg-map");
          canvas.width = w;
          canvas.height = h;
          canvas.setAttribute("role", "img");
          canvas.setAttribute("aria-label", `${layer.name}, map ${c + 1} of ${channels}`);
          canvas.title = `${layer.name} map ${c + 1}`;
          canvases.push(canvas);
          body.append(canvas);
        }
      } else {
        const n = layer.shape.reduce((a, b) => a * b, 1);
        const { rows, cols } = stripLayout(n);
        body.classList.add("dg-strip-wrap");
        body.style.setProperty("--strip-rows", String(rows));
        body.style.setProperty("--strip-cols", String(cols));
        const canvas = el("canvas", "dg-strip");
        canvas.width = cols;
        canvas.height = rows;
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", `${layer.name}: ${n} values as a strip of cells`);
        canvases.push(canvas);
        body.append(canvas);
        if (n === 10) {
          const labels = el("div", "dg-strip-labels");
          labels.setAttribute("aria-hidden", "true");
          for (let d = 0; d < 10; d += 1) labels.append(el("span", "", String(d)));
          body.append(labels);
        }
      }
      section.append(body);
      this.sections.set(layer.name, { section, canvases, scale });
      return section;
    });
    this.root.replaceChildren(...nodes);
  }

  #draw(layer) {
    const entry = this.sections.get(layer.name);
    if (!entry) return;
    const scale = maxAbs(layer.values);
    if (layer.shape.length === 3) {
      const [channels, h, w] = layer.shape;
      for (let c = 0; c < channels; c += 1) {
        entry.canvases[c].getContext("2d").putImageData(new ImageData(valuesToRgba(layer.values[c], scale), w, h), 0, 0);
      }
    } else {
      const canvas = entry.canvases[0];
      const flat = layer.values.flat(Infinity);
      const rows = [];
      for (let r = 0; r < canvas.height; r += 1) {
        const row = flat.slice(r * canvas.width, (r + 1) * canvas.width);
        while (row.length < canvas.width) row.push(0);
        rows.push(row);
      }
      canvas.getContext("2d").putImageData(new ImageData(valuesToRgba(rows, scale), canvas.width, canvas.height), 0, 0);
    }
    const min = Math.min(...layer.values.flat(Infinity));
    const max = Math.max(...layer.values.flat(Infinity));
    entry.scale.textContent = `From ${formatNumber(min, 2)} to ${formatNumber(max, 2)}`;
  }
}
