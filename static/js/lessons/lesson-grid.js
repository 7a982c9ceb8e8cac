// The lessons' inputs: the shared NumberGrid with the lesson's names for its cells, and the glue a
// lesson repeats around its grids (size selects, reading several at once, marking the cells a
// field error from the engine names).
//
// Names: a vector (sent to the API as a list) calls its cells "x₃" in messages and "x 3" to a
// screen reader; a grid (sent as rows) says "x at row 1, column 2" and "x row 1, column 2".

import { NumberGrid } from "../shared/number-grid.js";
import { subscript, symbolName } from "./lesson-math.js";
import { numberSelect } from "./lesson-page.js";

export class LessonGrid extends NumberGrid {
  /**
   * @param {HTMLElement} container
   * @param {string} name  the API's name for the input ("x", "w", "delta")
   * @param {Array<Array<string|number>>} cells
   * @param {object} options  vector (one row, sent as a list; shows column numbers), fill (r, c) -> text
   */
  constructor(container, name, cells, { vector = false, fill = () => "0" } = {}) {
    const symbol = symbolName(name);
    super(container, {
      name,
      cells,
      fill,
      indices: vector,
      label: (r, c) => (vector ? `${symbol}${subscript(c + 1)}` : `${symbol} at row ${r + 1}, column ${c + 1}`),
      describe: (r, c) => (vector ? `${symbol} ${c + 1}` : `${symbol} row ${r + 1}, column ${c + 1}`),
    });
    this.vector = vector;
    this.symbol = symbol;
  }

  /** The lesson's name for what an API path inside this input points at: ["x", 2] -> "x₃". */
  nameAt(index) {
    if (index.length === 0) return this.symbol;
    if (this.vector) return this.label(0, index[0]);
    if (index.length === 1) return `${this.symbol}, row ${index[0] + 1}`;
    return this.label(index[0], index[1]);
  }

  /** The cells an API path inside this input points at: [[r, c], ...]. */
  cellsAt(index) {
    if (this.vector) return index.length ? [[0, index[0]]] : [];
    if (index.length === 1) return Array.from({ length: this.cols }, (_, c) => [index[0], c]);
    return index.length >= 2 ? [[index[0], index[1]]] : [];
  }

  /** What to send: the numbers (a list for a vector), or null if a cell does not parse. */
  values(read) {
    return read.values && (this.vector ? read.values[0] : read.values);
  }
}

/**
 * Read several grids at once, marking the cells that do not parse:
 * -> {values: {name: numbers | null}, message: the first cell's complaint or null}.
 * `grids` maps the names the lesson sends them under to grids.
 */
export function readGrids(grids) {
  const values = {};
  let message = null;
  for (const [key, grid] of Object.entries(grids)) {
    const read = grid.read();
    grid.markErrors(read.errors);
    values[key] = grid.values(read);
    message ??= read.errors[0]?.message ?? null;
  }
  return { values, message };
}

/** nameOf(path) for LiveSection: a path into one of `grids` (by the name it is sent under) gets
 * that grid's name for the cell; other paths get `others[first part]` or null. */
export function gridNames(grids, others = {}) {
  return ([key, ...index]) => grids[key]?.nameAt(index) ?? others[key] ?? null;
}

/** Mark the cells the engine's field errors name (paths as from lessonError), with `message`. */
export function markGridFields(grids, paths, message) {
  for (const [key, grid] of Object.entries(grids)) {
    const cells = paths.filter(([k]) => k === key).flatMap(([, ...index]) => grid.cellsAt(index));
    if (cells.length) grid.markErrors(cells.map(([row, col]) => ({ row, col, message })));
  }
}

/** Resize `grid` when its row or column <select> changes (either may be absent). */
function bindSizeSelects(grid, { rows = null, cols = null }) {
  const resize = () => grid.resize(rows ? Number(rows.value) : grid.rows, cols ? Number(cols.value) : grid.cols);
  rows?.addEventListener("change", resize);
  cols?.addEventListener("change", resize);
}

/** A vector's length <select data-size=name>, 1 to `max`, showing the grid's length and resizing it. */
export function lengthSelect(page, grid, name, max) {
  const cols = page.$(`[data-size="${name}"]`);
  numberSelect(cols, 1, max, grid.cols);
  bindSizeSelects(grid, { cols });
}

/** A grid's two size selects (data-size name-rows and name-cols), 1 to `max`, resizing it. */
export function sizeSelects(page, grid, name, max) {
  const rows = page.$(`[data-size="${name}-rows"]`);
  const cols = page.$(`[data-size="${name}-cols"]`);
  numberSelect(rows, 1, max, grid.rows);
  numberSelect(cols, 1, max, grid.cols);
  bindSizeSelects(grid, { rows, cols });
}
