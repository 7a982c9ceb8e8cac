// The editable kernel: a rows x columns grid of text inputs (1x1 to 15x15) and the two size
// selects. Markup contract (templates/kernels.html): a [data-kernel-grid] element holding
// select[data-rows], select[data-cols] and a [data-cells] container.
//
// Events, dispatched on the root element:
//   "kernel-edit"  detail {cells, reason: "cell" | "size"}  when the learner types or resizes.
// setCells() (e.g. loading a preset) does not dispatch.

import { MAX_KERNEL_SIZE, parseNumber, resizeGrid } from "./kernel-math.js";

export class KernelGrid {
  constructor(root) {
    this.root = root;
    this.rowsSelect = root.querySelector("[data-rows]");
    this.colsSelect = root.querySelector("[data-cols]");
    this.container = root.querySelector("[data-cells]");
    this.inputs = [];
    this.cells = [["0"]];

    for (const select of [this.rowsSelect, this.colsSelect]) {
      if (select.options.length === 0) {
        for (let n = 1; n <= MAX_KERNEL_SIZE; n += 1) select.add(new Option(String(n), String(n)));
      }
      select.addEventListener("change", () => this.#resize());
    }
    this.container.addEventListener("input", (event) => this.#onInput(event));
    this.container.addEventListener("keydown", (event) => this.#onKeyDown(event));
    this.container.addEventListener("focusin", (event) => {
      if (event.target instanceof HTMLInputElement) event.target.select();
    });
  }

  get rows() {
    return this.cells.length;
  }

  get cols() {
    return this.cells[0].length;
  }

  /** Show these weights (rows of strings or numbers) without dispatching an edit. */
  setCells(cells) {
    const text = cells.map((row) => row.map((v) => String(v)));
    const resized = text.length !== this.rows || text[0].length !== this.cols || this.inputs.length === 0;
    this.cells = text;
    if (resized) this.#build();
    else this.inputs.forEach((row, r) => row.forEach((input, c) => {
      if (input.value !== text[r][c]) input.value = text[r][c];
      this.#paint(input);
    }));
  }

  getCells() {
    return this.cells.map((row) => row.slice());
  }

  /** Mark invalid cells: errors [{row, col, message}] from parseGrid. */
  markErrors(errors) {
    const bad = new Map(errors.map((e) => [`${e.row},${e.col}`, e.message]));
    this.inputs.forEach((row, r) => row.forEach((input, c) => {
      const message = bad.get(`${r},${c}`);
      input.toggleAttribute("aria-invalid", Boolean(message));
      input.title = message ?? "";
    }));
  }

  #build() {
    const rows = this.rows;
    const cols = this.cols;
    this.rowsSelect.value = String(rows);
    this.colsSelect.value = String(cols);
    this.container.style.setProperty("--kernel-cols", String(cols));
    this.container.dataset.size = cols > 11 ? "tiny" : cols > 7 ? "dense" : "roomy";
    const anchorRow = Math.floor(rows / 2);
    const anchorCol = Math.floor(cols / 2);
    this.inputs = this.cells.map((row, r) => row.map((value, c) => {
      const input = document.createElement("input");
      input.type = "text";
      input.className = "kp-cell";
      input.value = value;
      input.autocomplete = "off";
      input.spellcheck = false;
      input.size = 4;
      input.dataset.r = String(r);
      input.dataset.c = String(c);
      input.setAttribute("aria-label", `Weight, row ${r + 1}, column ${c + 1}${r === anchorRow && c === anchorCol ? " (centre)" : ""}`);
      if (r === anchorRow && c === anchorCol) input.classList.add("is-anchor");
      this.#paint(input);
      return input;
    }));
    this.container.replaceChildren(...this.inputs.flat());
  }

  #paint(input) {
    const parsed = parseNumber(input.value);
    input.classList.toggle("is-pos", parsed.ok && parsed.value > 0);
    input.classList.toggle("is-neg", parsed.ok && parsed.value < 0);
    input.classList.toggle("is-zero", parsed.ok && parsed.value === 0);
  }

  #resize() {
    const rows = Number(this.rowsSelect.value);
    const cols = Number(this.colsSelect.value);
    this.cells = resizeGrid(this.cells, rows, cols, "0");
    this.#build();
    this.#emit("size");
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
    else if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) target = [r + 1, c];
    else if (event.key === "Enter" && event.shiftKey) target = [r - 1, c];
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
    this.root.dispatchEvent(new CustomEvent("kernel-edit", { detail: { cells: this.getCells(), reason } }));
  }
}
