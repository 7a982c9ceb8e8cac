// After each epoch: the test set's confusion matrix as a table of counts (shaded: right answers
// blue, mistakes red), and the first test images the network gets wrong.

import { base64ToBytes } from "../shared/base64.js";
import { el } from "../shared/dom.js";
import { divergingColor } from "../shared/heatmap.js";
import { formatInteger } from "../shared/numbers.js";
import { confusionShade } from "./confusion-math.js";
import { PictureView } from "./panel.js";
import { ARROW, className, confusionSummary, mistakeLabel, mistakesSummary, noMistakes } from "./picture-words.js";
import { drawDigit } from "./small-multiples.js";

function headerCell(text, title, scope = "col") {
  const th = el("th", "", text);
  th.scope = scope;
  th.title = title;
  return th;
}

/** The two header rows: "predicted →" over the columns, then "true ↓" and the class numbers. */
function confusionHead(n, dataset) {
  const axis = el("th", "tr-axis-label", "predicted \u2192");
  axis.colSpan = n;
  const classes = Array.from({ length: n }, (_, j) => headerCell(String(j), `predicted ${className(j, dataset)}`));
  const head = el("thead");
  head.append(el("tr"), el("tr"));
  head.rows[0].append(el("td"), axis);
  head.rows[1].append(el("th", "tr-axis-label tr-corner", "true \u2193"), ...classes);
  return head;
}

/** Row `i` of the matrix: the true class, then one shaded count per predicted class. */
function confusionRow(matrix, i, dataset) {
  const tr = el("tr");
  tr.append(headerCell(String(i), `true ${className(i, dataset)}`, "row"));
  matrix[i].forEach((count, j) => {
    const td = el("td", "", String(count));
    const shade = confusionShade(matrix, i, j);
    const [r, g, b] = divergingColor(i === j ? shade : -shade);
    td.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
    td.classList.toggle("is-dark", shade > 0.55);
    td.classList.toggle("is-zero", !count);
    td.classList.toggle("is-diagonal", i === j);
    td.title = `${formatInteger(count)} ${className(i, dataset)}${i === j ? " right" : ` taken for ${className(j, dataset)}`}`;
    tr.append(td);
  });
  return tr;
}

export class ConfusionView extends PictureView {
  /** @param {HTMLElement} root the [data-confusion-view] figure */
  constructor(root) {
    super(root, { content: "confusion", empty: "confusion-empty", note: "confusion-summary" });
  }

  /** @param {number[][]} matrix rows: true class, columns: predicted */
  show(matrix, { epoch, dataset }) {
    this.showing();
    this.note.textContent = confusionSummary(matrix, epoch, dataset);
    const table = el("table", "tr-confusion-table");
    const body = el("tbody");
    body.append(...matrix.map((_, i) => confusionRow(matrix, i, dataset)));
    table.append(el("caption", "visually-hidden", "Confusion matrix: rows are the true class, columns the predicted class."),
      confusionHead(matrix.length, dataset), body);
    this.content.replaceChildren(table);
    this.root.dataset.epoch = String(epoch);
    this.drawn();
  }
}

/** One misclassified test image: the picture, and "true → predicted" under it. */
function mistakeItem(item, dataset) {
  const canvas = el("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", mistakeLabel(item, dataset));
  drawDigit(canvas, base64ToBytes(item.data), { scale: 2 });
  const caption = el("figcaption", "", `${className(item.label, dataset)} ${ARROW} ${className(item.predicted, dataset)}`);
  caption.title = `test image #${item.index}`;
  const figure = el("figure");
  figure.append(canvas, caption);
  const li = el("li");
  li.append(figure);
  return li;
}

export class MisclassifiedView extends PictureView {
  /** @param {HTMLElement} root the [data-misclassified-view] figure */
  constructor(root) {
    super(root, { content: "misclassified", empty: "misclassified-empty", note: "misclassified-summary" });
  }

  /** @param {Array<{index: number, label: number, predicted: number, data: string}>} items
   * @param {{epoch: number, errors: number, dataset: string}} context errors: all the epoch's mistakes */
  show(items, { epoch, errors, dataset }) {
    this.showing(items.length ? "" : noMistakes(epoch));
    this.note.textContent = mistakesSummary(items.length, errors, epoch);
    this.content.replaceChildren(...items.map((item) => mistakeItem(item, dataset)));
    this.root.dataset.count = String(items.length);
    this.drawn();
  }
}
