// Paging through test images: the images of one confusion-matrix cell (CellImages, opened by a
// click on the cell) and the pages of the mistakes (used by MisclassifiedView). Pages come from the
// run's stored snapshot at the step on screen (GET .../snapshots/{step}/cell and .../mistakes);
// a newer request aborts the one before it.

import { base64ToBytes } from "../shared/base64.js";
import { el } from "../shared/dom.js";
import { formatInteger } from "../shared/numbers.js";
import { ARROW, cellHeading, className, mistakeLabel, pageText } from "./picture-words.js";
import { drawDigit } from "./small-multiples.js";
import { runCell } from "./training-api.js";

export const CELL_PAGE = 24;
export const MISTAKES_PAGE = 12;

/** One test image: the picture, "true → predicted" under it, its index in data-index. */
export function imageItem(item, dataset) {
  const canvas = el("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", mistakeLabel(item, dataset));
  drawDigit(canvas, base64ToBytes(item.data), { scale: 2 });
  const caption = el("figcaption", "", `${className(item.label, dataset)} ${ARROW} ${className(item.predicted, dataset)}`);
  caption.title = `test image #${item.index}`;
  const figure = el("figure");
  figure.append(canvas, caption);
  const li = el("li");
  li.dataset.index = String(item.index);
  li.append(figure);
  return li;
}

/** The panel's heading; at a step inside the first epoch (epoch null), which test images the
 * early snapshot evaluated: "37 test images of 4 taken for 9 at step 8, among the first 1,000 test images". */
export function cellTitle(cell, total) {
  const heading = cellHeading({ ...cell, total });
  return cell.epoch == null && cell.testImages ? `${heading}, among the first ${formatInteger(cell.testImages)} test images` : heading;
}

/** Previous / Next buttons and "Images 25–48 of 113" under a list; ``load(offset)`` fetches a page. */
export class Pager {
  constructor(container, load) {
    this.load = load;
    this.offset = 0;
    this.size = 0;
    this.total = 0;
    this.root = el("div", "tr-pager");
    this.previous = el("button", "button button-small", "Previous");
    this.next = el("button", "button button-small", "Next");
    for (const button of [this.previous, this.next]) button.type = "button";
    this.line = el("span", "tr-pager-line");
    this.line.setAttribute("aria-live", "polite");
    this.root.append(this.previous, this.line, this.next);
    this.previous.addEventListener("click", () => this.load(Math.max(0, this.offset - this.size)));
    this.next.addEventListener("click", () => this.load(this.offset + this.size));
    container.append(this.root);
  }

  /** After a page of ``shown`` images from ``offset`` arrived, of ``total``; ``size`` a full page's. */
  update(offset, shown, total, size) {
    const focused = [this.previous, this.next].find((button) => button === document.activeElement);
    Object.assign(this, { offset, total, size });
    this.line.textContent = pageText(offset, shown, total);
    this.previous.disabled = offset === 0;
    this.next.disabled = offset + shown >= total;
    this.root.hidden = total <= size && offset === 0;
    this.root.dataset.offset = String(offset);
    if (focused?.disabled) (focused === this.next ? this.previous : this.next).focus(); // the first or last page: keep the focus
  }
}

/** The panel under the matrix with one cell's test images. */
export class CellImages {
  /** @param {HTMLElement} root the [data-cell-images] box */
  constructor(root) {
    this.root = root;
    this.heading = root.querySelector("[data-cell-heading]");
    this.list = root.querySelector("[data-cell-list]");
    this.message = root.querySelector("[data-cell-message]");
    this.pager = new Pager(root, (offset) => this.fetch(offset));
    root.querySelector("[data-cell-close]").addEventListener("click", () => this.close());
    this.cell = null;
    this.query = null;
  }

  /** Opens cell (truth, predicted) of the matrix stored at ``step`` of run ``runId``. */
  open(cell) {
    this.cell = cell;
    this.root.hidden = false;
    Object.assign(this.root.dataset, { true: String(cell.truth), predicted: String(cell.predicted), step: String(cell.step) });
    this.heading.textContent = cellTitle(cell, cell.count);
    return this.fetch(0);
  }

  async fetch(offset) {
    const cell = this.cell;
    this.query?.abort();
    const query = new AbortController();
    this.query = query;
    this.message.textContent = "";
    let page;
    try {
      page = await runCell(cell.runId, cell.step, cell.truth, cell.predicted, offset, CELL_PAGE, query.signal);
    } catch (error) {
      if (error.name !== "AbortError" && this.cell === cell) this.message.textContent = error.message;
      return;
    }
    if (query.signal.aborted || this.cell !== cell) return;
    this.heading.textContent = cellTitle(cell, page.total);
    this.list.replaceChildren(...page.items.map((item) => imageItem(item, cell.dataset)));
    this.pager.update(page.offset, page.items.length, page.total, CELL_PAGE);
    this.root.dataset.total = String(page.total);
  }

  close() {
    this.query?.abort();
    this.cell = null;
    this.root.hidden = true;
    this.list.replaceChildren();
  }
}
