// The editable kernel: the shared NumberGrid (resized from the centre, its centre cell ringed)
// and the kernel's own part, the two selects that set its rows and columns from 1 to the largest
// side the server accepts. Markup contract (templates/kernels.html): a [data-kernel-grid]
// element holding select[data-size-rows], select[data-size-cols] and a [data-cells] container.
//
// Edits arrive as the NumberGrid's "grid-edit" event {name: "kernel", cells, reason}, bubbling
// from [data-cells]; setCells() (loading a preset) does not dispatch one.

import { NumberGrid } from "../shared/number-grid.js";

export class KernelGrid {
  /** @param {HTMLElement} root  the [data-kernel-grid] element
   *  @param {{maxSide: number}} options  the largest kernel side (pageLimits().max_kernel_size) */
  constructor(root, { maxSide }) {
    this.root = root;
    this.rowsSelect = root.querySelector("[data-size-rows]");
    this.colsSelect = root.querySelector("[data-size-cols]");
    for (const select of [this.rowsSelect, this.colsSelect]) {
      select.replaceChildren(...Array.from({ length: maxSide }, (_, i) => new Option(String(i + 1), String(i + 1))));
      select.addEventListener("change", () => this.cells.resize(Number(this.rowsSelect.value), Number(this.colsSelect.value)));
    }
    this.cells = new NumberGrid(root.querySelector("[data-cells]"), {
      name: "kernel",
      centred: true,
      anchor: true,
      describe: (r, c) => `Weight, row ${r + 1}, column ${c + 1}`,
      density: { dense: 7, tiny: 11 },
    });
    root.addEventListener("grid-edit", () => this.#showSize());
    this.#showSize();
  }

  /** Show these weights (rows of texts or numbers) without dispatching an edit. */
  setCells(cells) {
    this.cells.setCells(cells);
    this.#showSize();
  }

  getCells() {
    return this.cells.getCells();
  }

  /** Mark invalid cells: errors [{row, col, message}]. */
  markErrors(errors) {
    this.cells.markErrors(errors);
  }

  #showSize() {
    this.rowsSelect.value = String(this.cells.rows);
    this.colsSelect.value = String(this.cells.cols);
  }
}
