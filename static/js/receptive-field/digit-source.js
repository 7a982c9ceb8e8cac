// Which digit /receptive-field shows: the last drawing from /digits (sessionStorage), one of ten
// MNIST samples, or one drawn here on the shared pad. Each asks POST /api/digits/predict for the
// prepared image and every layer's maps through one LiveQuery (a drawing 150 ms after the pen
// lifts, a picked digit at once; a newer pick aborts the older) and hands the answer on.
//
// Markup contract (templates/receptive_field.html), inside the page root: [data-pick="stored"]
// (a button holding a canvas), <ul data-samples>, [data-draw-toggle], [data-draw-panel] holding
// the [data-draw-pad], and [data-source-status]. The root gets data-picture ("stored",
// "sample:<digit>" or "drawn").

import { predictDrawing, predictPixels } from "../digits/digits-api.js";
import { DrawPad } from "../digits/draw-pad.js";
import { readStoredDrawing, writeStoredDrawing } from "../digits/drawing-store.js";
import { findParts } from "../shared/dom.js";
import { isEmptyDrawing } from "../digits/strokes.js";
import { el } from "../shared/dom.js";
import { drawHeatmap, paperColor } from "../shared/heatmap.js";
import { pageLimits } from "../shared/limits.js";
import { LiveQuery } from "../shared/live-query.js";
import { sampleText, sourceText } from "./rf-words.js";
import { SAMPLE_DIGITS, decodeSample } from "../shared/sample-digits.js";

const DRAW_DEBOUNCE_MS = 150;

/** A digit as a small thumbnail: dark ink on white paper, the darkest ink a little grey. */
function drawThumbnail(canvas, pixels) {
  drawHeatmap(canvas, pixels, { colour: (v) => paperColor(v, 0.9) });
}

export class DigitSource {
  /**
   * @param root  the page root
   * @param options  field: the image's side; onPicture({pixels, activations: Map, source, label});
   *   onError(error); onChange(): the query's busy state may have changed
   */
  constructor(root, { field, onPicture, onError, onChange }) {
    this.root = root;
    this.field = field;
    this.onPicture = onPicture;
    Object.assign(this, findParts(root, { storedButton: '[data-pick="stored"]', samplesList: "[data-samples]",
      drawToggle: "[data-draw-toggle]", drawPanel: "[data-draw-panel]", status: "[data-source-status]" }));
    this.pad = new DrawPad(root.querySelector("[data-draw-pad]"), { maxPixels: pageLimits().max_digit_pixels });
    this.query = new LiveQuery((request, signal) => this.#ask(request, signal), {
      delay: DRAW_DEBOUNCE_MS, abortStale: true, onResult: (result, request) => this.#answered(result, request), onError, onChange });
    this.storedButton.addEventListener("click", () => this.useStored());
    this.drawToggle.addEventListener("click", () => this.#toggleDrawing());
    this.pad.root.addEventListener("drawing-change", (event) => {
      const { strokes, active } = event.detail;
      if (active || isEmptyDrawing(strokes)) this.query.cancel();
      else this.query.schedule({ source: "drawn", label: null, description: "The digit you drew here" });
    });
    this.#buildSamples();
  }

  get busy() {
    return this.query.busy;
  }

  /** Show the drawing kept from /digits, if it has the image the network saw. -> whether it did. */
  useStored() {
    const stored = readStoredDrawing(this.field);
    if (!stored?.input) return false;
    this.query.now({ pixels: stored.input, source: "stored", label: null, description: "Your drawing from the Digits page" });
    return true;
  }

  /** Show the MNIST sample of digit `label`. */
  useSample(label) {
    const sample = SAMPLE_DIGITS.find((s) => s.label === label) ?? SAMPLE_DIGITS[0];
    this.query.now({ pixels: decodeSample(sample, this.field), source: "sample", label: sample.label, description: sampleText(sample) });
  }

  /** Offer the kept drawing (with its thumbnail) when there is one. -> the kept record, or null. */
  showStoredButton() {
    const stored = readStoredDrawing(this.field);
    this.storedButton.hidden = !stored?.input;
    if (stored?.input) drawThumbnail(this.storedButton.querySelector("canvas"), stored.input);
    return stored;
  }

  showStatus(text) {
    this.status.textContent = text;
  }

  async #ask(request, signal) {
    if (request.source !== "drawn") return predictPixels(request.pixels, { activations: true, signal });
    return predictDrawing(await this.pad.toBlob(), { activations: true, signal });
  }

  #answered(result, { source, label, description }) {
    this.root.dataset.picture = source === "sample" ? `sample:${label}` : source;
    this.storedButton.setAttribute("aria-pressed", String(source === "stored"));
    for (const button of this.samplesList.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(source === "sample" && button.dataset.label === String(label)));
    }
    this.status.textContent = sourceText(description, result);
    if (source === "drawn") {
      writeStoredDrawing({ strokes: this.pad.strokes, input: result.input, digit: result.digit });
      this.showStoredButton();
    }
    this.onPicture({ pixels: result.input, activations: new Map(result.activations.map((a) => [a.name, a.values])), source, label });
  }

  #toggleDrawing() {
    const open = this.drawPanel.hidden;
    this.drawPanel.hidden = !open;
    this.drawToggle.setAttribute("aria-expanded", String(open));
    if (open) this.drawPanel.querySelector("canvas").focus();
  }

  #buildSamples() {
    this.samplesList.replaceChildren(...SAMPLE_DIGITS.map((sample) => {
      const button = el("button", "digit-pick rf-sample");
      button.type = "button";
      button.dataset.label = String(sample.label);
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", `Sample ${sample.label}`);
      button.title = sampleText(sample, { withIndex: false });
      const canvas = el("canvas");
      canvas.width = this.field;
      canvas.height = this.field;
      canvas.setAttribute("aria-hidden", "true");
      drawThumbnail(canvas, decodeSample(sample, this.field));
      button.append(canvas);
      button.addEventListener("click", () => this.useSample(sample.label));
      const item = el("li");
      item.append(button);
      return item;
    }));
  }
}
