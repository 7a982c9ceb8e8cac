// A square canvas to draw on with a mouse, a finger or a pen (pointer events; the canvas has
// touch-action: none so a finger draws instead of scrolling), with a stroke width, undo and
// clear. Also used, smaller, on /receptive-field.
//
// Markup contract (templates/_draw_pad.html): a [data-draw-pad] element holding a <canvas>, an
// input[type=range][data-pad-width] with an <output data-pad-width-value>, button[data-pad-undo],
// button[data-pad-clear] and a [data-pad-prompt] shown over the empty canvas.
//
// Strokes are kept in logical coordinates (a 280 x 280 square), so the canvas can be any size
// and is redrawn crisply when it resizes, at no more pixels than the server accepts in a drawing
// (`maxPixels`: pageLimits().max_digit_pixels). Ink is black on white paper: the PNG it exports
// is what a learner sees.
//
// Events, dispatched on the root element:
//   "drawing-change"  detail {strokes, active, reason: "stroke" | "end" | "undo" | "clear" | "restore"}
//                     active is true while a stroke is still being drawn.

import { findParts } from "../shared/dom.js";
import { LOGICAL_SIZE, STROKE_WIDTHS, addPoint, isEmptyDrawing, padResolution, pointToLogical, strokePath } from "./strokes.js";

const INK = "#111318";
const PAPER = "#ffffff";

export class DrawPad {
  /** @param {{maxPixels?: number}} options  the most pixels the server takes in a drawing */
  constructor(root, { maxPixels = Infinity } = {}) {
    this.root = root;
    Object.assign(this, findParts(root, { canvas: "canvas", widthInput: "[data-pad-width]", widthValue: "[data-pad-width-value]",
      undoButton: "[data-pad-undo]", clearButton: "[data-pad-clear]", prompt: "[data-pad-prompt]" }));
    this.maxPixels = maxPixels;
    this.strokes = [];
    this.current = null; // {pointerId, stroke}
    this.frame = 0;

    if (this.widthInput) {
      this.widthInput.min = String(STROKE_WIDTHS.min);
      this.widthInput.max = String(STROKE_WIDTHS.max);
      this.widthInput.step = String(STROKE_WIDTHS.step);
      if (!this.widthInput.getAttribute("value")) this.widthInput.value = String(STROKE_WIDTHS.initial);
      this.widthInput.addEventListener("input", () => this.#showWidth());
      this.#showWidth();
    }
    this.undoButton?.addEventListener("click", () => this.undo());
    this.clearButton?.addEventListener("click", () => this.clear());

    const c = this.canvas;
    c.addEventListener("pointerdown", (event) => this.#down(event));
    c.addEventListener("pointermove", (event) => this.#move(event));
    c.addEventListener("pointerup", (event) => this.#up(event));
    c.addEventListener("pointercancel", (event) => this.#up(event));
    c.addEventListener("lostpointercapture", (event) => this.#up(event));
    c.addEventListener("contextmenu", (event) => event.preventDefault());
    // Ctrl+Z (Cmd+Z) anywhere on the page, except where it undoes typing.
    root.ownerDocument.addEventListener("keydown", (event) => {
      if (event.target instanceof Element && event.target.closest("input, textarea, select, [contenteditable]")) return;
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "z") {
        event.preventDefault();
        this.undo();
      }
    });
    new ResizeObserver(() => this.#resize()).observe(c);
    this.#resize();
    this.#updateControls();
  }

  get width() {
    return Number(this.widthInput?.value ?? STROKE_WIDTHS.initial);
  }

  get isEmpty() {
    return isEmptyDrawing(this.strokes);
  }

  /** Show these strokes (e.g. kept from an earlier visit) and say so with "restore". */
  setStrokes(strokes) {
    this.strokes = strokes.map((s) => ({ width: s.width, points: s.points.map((p) => ({ x: p.x, y: p.y })) }));
    this.current = null;
    this.#redraw();
    this.#emit("restore", false);
  }

  undo() {
    if (this.current || this.strokes.length === 0) return;
    this.strokes.pop();
    this.#redraw();
    this.#emit("undo", false);
  }

  clear() {
    if (this.current) return;
    const had = this.strokes.length > 0;
    this.strokes = [];
    this.#redraw();
    if (had) this.#emit("clear", false);
  }

  /** The drawing as a PNG (black ink on white), at the canvas's own resolution. */
  toBlob() {
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("could not export the canvas"))), "image/png");
    });
  }

  #showWidth() {
    if (this.widthValue) this.widthValue.textContent = `${this.width} px`;
  }

  #down(event) {
    if (this.current) return; // a second finger does not start another stroke
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    try {
      this.canvas.setPointerCapture(event.pointerId);
    } catch {
      // synthetic events without an active pointer: drawing still works while over the canvas
    }
    const stroke = { width: this.width, points: [] };
    addPoint(stroke.points, this.#logical(event));
    this.strokes.push(stroke);
    this.current = { pointerId: event.pointerId, stroke };
    this.#schedule();
    this.#emit("stroke", true);
  }

  #move(event) {
    if (!this.current || event.pointerId !== this.current.pointerId) return;
    const samples = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
    let added = false;
    for (const e of samples.length ? samples : [event]) {
      added = addPoint(this.current.stroke.points, this.#logical(e)) || added;
    }
    if (!added) return;
    this.#schedule();
    this.#emit("stroke", true);
  }

  #up(event) {
    if (!this.current || event.pointerId !== this.current.pointerId) return;
    if (event.type === "pointerup") addPoint(this.current.stroke.points, this.#logical(event));
    this.current = null;
    this.#schedule();
    this.#emit("end", false);
  }

  #logical(event) {
    return pointToLogical(event.clientX, event.clientY, this.canvas.getBoundingClientRect());
  }

  /** Internal resolution follows the shown size and the screen's pixel density. */
  #resize() {
    const size = padResolution(this.canvas.getBoundingClientRect().width, window.devicePixelRatio, this.maxPixels);
    if (this.canvas.width !== size || this.canvas.height !== size) {
      this.canvas.width = size;
      this.canvas.height = size;
    }
    this.#redraw();
  }

  #schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.#redraw();
    });
  }

  #redraw() {
    const ctx = this.canvas.getContext("2d");
    const scale = this.canvas.width / LOGICAL_SIZE;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const stroke of this.strokes) {
      const path = strokePath(stroke.points);
      ctx.lineWidth = stroke.width;
      ctx.beginPath();
      if (path.length === 1 && path[0][0] === "dot") { // a tap: a round dot as wide as the stroke
        ctx.arc(path[0][1], path[0][2], stroke.width / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      for (const [op, ...a] of path) {
        if (op === "M") ctx.moveTo(a[0], a[1]);
        else if (op === "L") ctx.lineTo(a[0], a[1]);
        else ctx.quadraticCurveTo(a[0], a[1], a[2], a[3]);
      }
      ctx.stroke();
    }
    this.#updateControls();
  }

  #updateControls() {
    const empty = this.isEmpty;
    if (this.undoButton) this.undoButton.disabled = this.strokes.length === 0;
    if (this.clearButton) this.clearButton.disabled = empty;
    if (this.prompt) this.prompt.hidden = !empty;
    this.root.dataset.strokes = String(this.strokes.length);
  }

  #emit(reason, active) {
    this.root.dispatchEvent(new CustomEvent("drawing-change", {
      detail: { strokes: this.strokes, active, reason },
    }));
  }
}
