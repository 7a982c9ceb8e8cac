// An editable grid of numbers (a vector is a grid with one row): text inputs the learner types
// into, with arrow-key and Enter navigation. The lesson pages use it for x, w, delta and every
// other input they send to the engine.
//
// Events, dispatched on the container:
//   "grid-edit"  detail {name, reason: "cell" | "size"}  when the learner types or the size changes.
// setCells() and resize(..., {silent: true}) do not dispatch.

import { parseCells, parseNumber, resizeCells, subscript, symbolName } from "./lesson-math.js";

export class EditableGrid {
  /**
   * @param {HTMLElement} container  where the inputs go (gets class ls-edit-grid)
   * @param {object} options  name ("x", "w", "delta"), cells (rows of texts), indices (show 1-based
   *   column numbers above a vector), describe (r, c) -> accessible name of a cell
   */
  constructor(container, { name, cells = [["0"]], indices = false, describe = null, fill = () => "0" } = {}) {
    this.root = container;
    this.name = name;
    this.indices = indices;
    this.fill = fill;
    // accessible names ("x 3", "w row 1, column 2") and names in messages ("x₃", "w at row 1, column 2")
    this.describe = describe ?? ((r, c) => (this.rows === 1
      ? `${symbolName(name)} ${c + 1}`
      : `${symbolName(name)} row ${r + 1}, column ${c + 1}`));
    this.label = (r, c) => (this.rows === 1
      ? `${symbolName(name)}${subscript(c + 1)}`
      : `${symbolName(name)} at row ${r + 1}, column ${c + 1}`);
    this.cells = cells.map((row) => row.map(String));
    this.inputs = [];
    container.classList.add("ls-edit-grid");
    container.dataset.editGrid = name;
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

  /** Show these texts (or numbers) without dispatching an edit. */
  setCells(cells) {
    this.cells = cells.map((row) => row.map(String));
    this.#build();
  }

  /** Change the size, keeping the top-left values; new cells get `fill(r, c)`. */
  resize(rows, cols, { silent = false } = {}) {
    if (rows === this.rows && cols === this.cols) return;
    this.cells = resizeCells(this.cells, rows, cols, this.fill);
    this.#build();
    if (!silent) this.#emit("size");
  }

  /** {values, errors}: numbers, or null with a message per bad cell. */
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

  #build() {
    const rows = this.rows;
    const cols = this.cols;
    const active = this.root.contains(document.activeElement) ? document.activeElement : null;
    const focus = active ? [Number(active.dataset.r), Number(active.dataset.c)] : null;
    this.root.style.setProperty("--cols", String(cols));
    this.root.dataset.size = cols > 16 ? "tiny" : cols > 9 ? "dense" : "roomy";
    this.root.dataset.rows = String(rows);
    this.root.dataset.cols = String(cols);
    const nodes = [];
    if (this.indices && rows === 1) {
      for (let c = 0; c < cols; c += 1) {
        const idx = document.createElement("span");
        idx.className = "ls-idx";
        idx.textContent = String(c + 1);
        idx.setAttribute("aria-hidden", "true");
        nodes.push(idx);
      }
    }
    this.inputs = this.cells.map((row, r) => row.map((value, c) => {
      const input = document.createElement("input");
      input.type = "text";
      input.className = "ls-cell";
      input.value = value;
      input.autocomplete = "off";
      input.spellcheck = false;
      input.inputMode = "decimal";
      input.size = 3;
      input.dataset.r = String(r);
      input.dataset.c = String(c);
      input.setAttribute("aria-label", this.describe(r, c));
      this.#paint(input);
      return input;
    }));
    nodes.push(...this.inputs.flat());
    this.root.replaceChildren(...nodes);
    if (focus) this.inputs[focus[0]]?.[focus[1]]?.focus();
  }

  #paint(input) {
    const parsed = parseNumber(input.value);
    input.classList.toggle("is-pos", parsed.ok && parsed.value > 0);
    input.classList.toggle("is-neg", parsed.ok && parsed.value < 0);
  }

  #onInput(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
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
    let target = null;
    if (event.key === "ArrowUp") target = [r - 1, c];
    else if (event.key === "ArrowDown") target = [r + 1, c];
    else if (event.key === "Enter") target = this.rows === 1 ? [r, c + (event.shiftKey ? -1 : 1)] : [r + (event.shiftKey ? -1 : 1), c];
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
    this.root.dispatchEvent(new CustomEvent("grid-edit", { bubbles: true, detail: { name: this.name, reason } }));
  }
}
