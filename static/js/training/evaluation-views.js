// After each epoch: the test set's confusion matrix as a table of counts (shaded: right answers
// blue, mistakes red), and the first test images the network gets wrong.

import { drawDigit } from "./heatmaps.js";
import {
  ARROW,
  base64ToBytes,
  className,
  confusionShade,
  confusionTotals,
  divergingColor,
  formatCount,
  formatPercent,
} from "./training-math.js";

export class ConfusionView {
  /** @param {HTMLElement} root the [data-confusion-view] figure */
  constructor(root) {
    this.root = root;
    this.wrap = root.querySelector("[data-confusion]");
    this.summary = root.querySelector("[data-confusion-summary]");
    this.empty = root.querySelector("[data-confusion-empty]");
  }

  clear(text) {
    this.wrap.replaceChildren();
    this.summary.textContent = "";
    this.empty.hidden = false;
    if (text) this.empty.textContent = text;
  }

  /** @param {number[][]} matrix rows: true class, columns: predicted */
  show(matrix, { epoch, dataset }) {
    this.empty.hidden = true;
    const { total, correct } = confusionTotals(matrix);
    this.summary.textContent = `Epoch ${epoch}: ${formatCount(correct)} of ${formatCount(total)} test images right `
      + `(${formatPercent(total ? correct / total : NaN)}).`;

    const table = document.createElement("table");
    table.className = "tr-confusion-table";
    const caption = document.createElement("caption");
    caption.className = "visually-hidden";
    caption.textContent = "Confusion matrix: rows are the true class, columns the predicted class.";
    const head = document.createElement("thead");
    const axisRow = document.createElement("tr");
    const blank = document.createElement("td");
    const axis = document.createElement("th");
    axis.colSpan = matrix.length;
    axis.className = "tr-axis-label";
    axis.textContent = "predicted \u2192";
    axisRow.append(blank, axis);
    const headRow = document.createElement("tr");
    const corner = document.createElement("th");
    corner.className = "tr-axis-label tr-corner";
    corner.textContent = "true \u2193";
    headRow.append(corner);
    matrix.forEach((_, j) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = String(j);
      th.title = `predicted ${className(j, dataset)}`;
      headRow.append(th);
    });
    head.append(axisRow, headRow);
    const body = document.createElement("tbody");
    matrix.forEach((row, i) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = String(i);
      th.title = `true ${className(i, dataset)}`;
      tr.append(th);
      row.forEach((count, j) => {
        const td = document.createElement("td");
        td.textContent = String(count);
        const shade = confusionShade(matrix, i, j);
        const [r, g, b] = divergingColor(i === j ? shade : -shade);
        td.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
        if (shade > 0.55) td.classList.add("is-dark");
        if (!count) td.classList.add("is-zero");
        if (i === j) td.classList.add("is-diagonal");
        td.title = `${formatCount(count)} ${className(i, dataset)}${i === j ? " right" : ` taken for ${className(j, dataset)}`}`;
        tr.append(td);
      });
      body.append(tr);
    });
    table.append(caption, head, body);
    this.wrap.replaceChildren(table);
    this.root.dataset.epoch = String(epoch);
  }
}

export class MisclassifiedView {
  /** @param {HTMLElement} root the [data-misclassified-view] figure */
  constructor(root) {
    this.root = root;
    this.list = root.querySelector("[data-misclassified]");
    this.summary = root.querySelector("[data-misclassified-summary]");
    this.empty = root.querySelector("[data-misclassified-empty]");
  }

  clear(text) {
    this.list.replaceChildren();
    this.summary.textContent = "";
    this.empty.hidden = false;
    if (text) this.empty.textContent = text;
  }

  /** @param {Array<{index: number, label: number, predicted: number, data: string}>} items */
  show(items, { epoch, errors, dataset }) {
    this.empty.hidden = items.length > 0;
    if (!items.length) this.empty.textContent = `No mistakes on the test set after epoch ${epoch}.`;
    this.summary.textContent = items.length
      ? `The first ${items.length} of ${formatCount(errors)} mistakes after epoch ${epoch}, in test-set order.`
      : "";
    this.list.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      const fig = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      const truth = className(item.label, dataset);
      const guess = className(item.predicted, dataset);
      canvas.setAttribute("aria-label", `Test image ${item.index}: a ${truth}, taken for a ${guess}`);
      drawDigit(canvas, base64ToBytes(item.data), { scale: 2 });
      const caption = document.createElement("figcaption");
      caption.textContent = `${truth} ${ARROW} ${guess}`;
      caption.title = `test image #${item.index}`;
      fig.append(canvas, caption);
      li.append(fig);
      return li;
    }));
    this.root.dataset.count = String(items.length);
  }
}
