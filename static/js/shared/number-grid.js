// NumberGrid: the one editable grid of numbers (a vector is a grid with one row), used for the
// kernel on /kernels and for x, w, delta and every other input of the lessons. Text inputs with
// arrow-key and Enter navigation; each cell is tinted by its sign (is-pos, is-neg, is-zero).
//
// Events, dispatched on the container (they bubble):
//   "grid-edit"  detail {name, cells, reason: "cell" | "size"}  when the learner types or resizes.
// setCells() and resize(..., {silent: true}) do not dispatch.
//
// Styling: the container gets class `num-grid` and the CSS variable --cols; each input gets
// `cellClass` (default "num-cell"). components.css lays them out.

import { parseCells, parseNumber } from "./numbers.js";

/** Resize to rows x cols keeping the top-left values; new cells get `fill(r, c)`. */
export function resizeFromCorner(cells, rows, cols, fill = () => "0") {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (
    r < cells.length && c < (cells[r]?.length ?? 0) ? cells[r][c] : fill(r, c))));
}

/** Resize to rows x cols keeping the grid centred: growing adds a ring of `fill(r, c)`, shrinking
 * keeps the middle (a 3x3 blur grown to 5x5 stays in the middle). */
export function resizeFromCentre(cells, rows, cols, fill = () => "0") {
  const oldRows = cells.length;
  const oldCols = oldRows ? cells[0].length : 0;
  const dr = Math.floor((rows - oldRows) / 2);
  const dc = Math.floor((cols - oldCols) / 2);
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => {
    const rr = r - dr;
    const cc = c - dc;
    return rr >= 0 && rr < oldRows && cc >= 0 && cc < oldCols ? cells[rr][cc] : fill(r, c);
  }));
}

export class NumberGrid {
  /**
   * @param {HTMLElement} container  where the inputs go
   * @param {object} options
   *   name       what the grid holds ("x", "w", "kernel"), in events and data-edit-grid
   *   cells      rows of texts or numbers
   *   label      (r, c) -> the cell's name in messages ("x₃", "Row 1, column 2")
   *   describe   (r, c) -> the cell's accessible name (default: label)
   *   fill       (r, c) -> the text of a new cell when the grid grows
   *   centred    resize from the centre (a kernel) instead of the top-left corner
   *   anchor     mark the centre cell (class is-anchor, "(centre)" in its accessible name)
   *   indices    show 1-based column numbers above a one-row grid
   *   cellClass  the inputs' class;  density  {dense, tiny}: column counts past which the
   *              container's data-size becomes "dense" / "tiny" (else "roomy")
   */
  constructor(container, { name, cells = [["0"]], label = null, describe = null, fill = () => "0", centred = false,
    anchor = false, indices = false, cellClass = "num-cell", density = { dense: 9, tiny: 16 } } = {}) {
    this.root = container;
    this.name = name;
    this.fill = fill;
    this.centred = centred;
    this.anchor = anchor;
    this.indices = indices;
    this.cellClass = cellClass;
    this.density = density;
    this.label = label ?? ((r, c) => `Row ${r + 1}, column ${c + 1}`);
    this.describe = describe ?? this.label;
    this.cells = cells.map((row) => row.map(String));
    this.inputs = [];
    container.classList.add("num-grid");
    if (name) container.dataset.editGrid = name;
    container.setAttribute("role", "group");
    container.addEventListener("input", (event) => this.#onInput(event));
    container.addEventListener("keydown", (event) => this.#onKeyDown(event));
    container.addEventListener("focusin", (event) => {
      if (event.target instanceof HTMLInputElement) event.target.select();
    });
    this.#build();
  }

  get rows() {
    return this.cells.length;
  }

  get cols() {
    return this.cells[0]?.length ?? 0;
  }

  getCells() {
    return this.cells.map((row) => row.slice());
  }

  /** Show these texts (or numbers) without dispatching an edit; keeps the inputs when the size
   * is unchanged (so a focused cell stays focused). */
  setCells(cells) {
    const text = cells.map((row) => row.map(String));
    const sameSize = text.length === this.rows && text[0]?.length === this.cols && this.inputs.length > 0;
    this.cells = text;
    if (!sameSize) {
      this.#build();
      return;
    }
    this.inputs.forEach((row, r) => row.forEach((input, c) => {
      if (input.value !== text[r][c]) input.value = text[r][c];
      this.#paint(input);
    }));
  }

  /** Change the size (from the corner, or the centre when `centred`); new cells get `fill`. */
  resize(rows, cols, { silent = false } = {}) {
    if (rows === this.rows && cols === this.cols) return;
    const resize = this.centred ? resizeFromCentre : resizeFromCorner;
    this.cells = resize(this.cells, rows, cols, this.fill);
    this.#build();
    if (!silent) this.#emit("size");
  }

  /** {values, errors}: numbers, or null with a message per bad cell (named by `label`). */
  read() {
    return parseCells(this.cells, this.label);
  }

  /** Mark invalid cells: errors [{row, col, message}]. */
  markErrors(errors) {
    const bad = new Map(errors.map((e) => [`${e.row},${e.col}`, e.message]));
    this.inputs.forEach((row, r) => row.forEach((input, c) => {
      const message = bad.get(`${r},${c}`);
      input.toggleAttribute("aria-invalid", Boolean(message));
      input.title = message ?? "";
    }));
  }

  /** Add `className` to exactly the cells for which `test(r, c)` is true. */
  mark(className, test) {
    this.inputs.forEach((row, r) => row.forEach((input, c) => input.classList.toggle(className, Boolean(test?.(r, c)))));
  }

  input(r, c) {
    return this.inputs[r]?.[c] ?? null;
  }

  #isAnchor(r, c) {
    return this.anchor && r === Math.floor(this.rows / 2) && c === Math.floor(this.cols / 2);
  }

  #build() {
    const { rows, cols } = this;
    const active = this.root.contains(document.activeElement) ? document.activeElement : null;
    const focus = active ? [Number(active.dataset.r), Number(active.dataset.c)] : null;
    this.root.style.setProperty("--cols", String(cols));
    this.root.dataset.size = cols > this.density.tiny ? "tiny" : cols > this.density.dense ? "dense" : "roomy";
    this.root.dataset.rows = String(rows);
    this.root.dataset.cols = String(cols);
    const nodes = [];
    if (this.indices && rows === 1) {
      for (let c = 0; c < cols; c += 1) {
        const idx = document.createElement("span");
        idx.className = "num-grid-index";
        idx.textContent = String(c + 1);
        idx.setAttribute("aria-hidden", "true");
        nodes.push(idx);
      }
    }
    this.inputs = this.cells.map((row, r) => row.map((value, c) => this.#cell(value, r, c)));
    nodes.push(...this.inputs.flat());
    this.root.replaceChildren(...nodes);
    if (focus) this.inputs[focus[0]]?.[focus[1]]?.focus();
  }

  #cell(value, r, c) {
    const input = document.createElement("input");
    input.type = "text";
    input.className = this.cellClass;
    input.value = value;
    input.autocomplete = "off";
    input.spellcheck = false;
    input.inputMode = "decimal";
    input.size = 3;
    input.dataset.r = String(r);
    input.dataset.c = String(c);
    const anchor = this.#isAnchor(r, c);
    input.setAttribute("aria-label", `${this.describe(r, c)}${anchor ? " (centre)" : ""}`);
    input.classList.toggle("is-anchor", anchor);
    this.#paint(input);
    return input;
  }

  #paint(input) {
    const parsed = parseNumber(input.value);
    input.classList.toggle("is-pos", parsed.ok && parsed.value > 0);
    input.classList.toggle("is-neg", parsed.ok && parsed.value < 0);
    input.classList.toggle("is-zero", parsed.ok && parsed.value === 0);
  }

  #onInput(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !this.inputs.flat().includes(input)) return;
    this.cells[Number(input.dataset.r)][Number(input.dataset.c)] = input.value;
    this.#paint(input);
    this.#emit("cell");
  }

  #onKeyDown(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || event.altKey || event.ctrlKey || event.metaKey) return;
    const r = Number(input.dataset.r);
    const c = Number(input.dataset.c);
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
    const back = event.shiftKey ? -1 : 1;
    let target = null;
    if (event.key === "ArrowUp") target = [r - 1, c];
    else if (event.key === "ArrowDown") target = [r + 1, c];
    else if (event.key === "Enter") target = this.rows === 1 ? [r, c + back] : [r + back, c];
    else if (event.key === "ArrowLeft" && atStart) target = [r, c - 1];
    else if (event.key === "ArrowRight" && atEnd) target = [r, c + 1];
    if (!target) return;
    const next = this.inputs[target[0]]?.[target[1]];
    if (next) {
      event.preventDefault();
      next.focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
    }
  }

  #emit(reason) {
    this.root.dispatchEvent(new CustomEvent("grid-edit", {
      bubbles: true, detail: { name: this.name, cells: this.getCells(), reason } }));
  }
}
