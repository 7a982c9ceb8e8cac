// After each epoch (or at a replayed step): the test set's confusion matrix as a table of counts
// (shaded: right answers blue, mistakes red) with each class's accuracy beside it, and the test
// images the network gets wrong. From a stored step, a count opens its images and the mistakes
// page on (cell-images.js).

import { el } from "../shared/dom.js";
import { divergingColor } from "../shared/heatmap.js";
import { formatInteger, formatPercent } from "../shared/numbers.js";
import { listText } from "../shared/words.js";
import { accuracyExtremes, classAccuracies, confusionShade, confusionTotals } from "./confusion-math.js";
import { PictureView } from "./panel.js";
import { CellImages, imageItem, MISTAKES_PAGE, Pager } from "./cell-images.js";
import { className, confusionSummary, mistakesSummary, noMistakes } from "./picture-words.js";
import { runMistakes } from "./training-api.js";

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

/** Row `i` of the matrix: the true class, then one shaded count per predicted class; with a stored
 * step to read them from (`openable`), each non-zero count is a button that opens its images. */
function confusionRow(matrix, i, dataset, openable) {
  const tr = el("tr");
  tr.append(headerCell(String(i), `true ${className(i, dataset)}`, "row"));
  matrix[i].forEach((count, j) => {
    const td = el("td", "", openable && count ? "" : String(count));
    if (openable && count) {
      const button = el("button", "tr-cell-button", String(count));
      button.type = "button";
      Object.assign(button.dataset, { true: String(i), predicted: String(j) });
      button.setAttribute("aria-label", `${formatInteger(count)} ${className(i, dataset)}`
        + `${i === j ? " right" : ` taken for ${className(j, dataset)}`}: show them`);
      td.append(button);
    }
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

/** The sentence under the per-class accuracies (from classAccuracies): the weakest class, with
 * its counts (or every class tied for weakest), and the strongest; "" when no class has images. */
export function classAccuracySummary(classes, dataset) {
  const extremes = accuracyExtremes(classes);
  if (!extremes) return "";
  const weak = classes[extremes.weakest];
  const strong = classes[extremes.strongest];
  if (weak.accuracy === strong.accuracy) return `Every class: ${formatPercent(weak.accuracy)} right.`;
  const tied = classes.flatMap((c, i) => (c.accuracy === weak.accuracy ? [className(i, dataset)] : []));
  const weakest = tied.length > 1 ? `${listText(tied)}, each ${formatPercent(weak.accuracy)} right`
    : `${tied[0]}, ${formatPercent(weak.accuracy)} right (${formatInteger(weak.correct)} of ${formatInteger(weak.total)})`;
  return `Weakest: ${weakest}; strongest: ${className(extremes.strongest, dataset)}, ${formatPercent(strong.accuracy)}.`;
}

/** One class's row: its name, a bar as long as its accuracy (0 to 100%), the percentage, the counts. */
function classRow({ correct, total, accuracy }, i, dataset, weakest) {
  const name = className(i, dataset);
  const tr = el("tr");
  Object.assign(tr.dataset, { class: String(i), correct: String(correct), total: String(total) });
  tr.classList.toggle("is-weakest", i === weakest);
  const th = headerCell(String(i), `true ${name}`, "row");
  if (name !== String(i)) th.append(" ", el("span", "tr-class-name", name));
  const bar = el("span", "tr-class-bar");
  bar.setAttribute("aria-hidden", "true");
  const fill = el("span", "tr-class-fill");
  fill.style.width = `${100 * (accuracy ?? 0)}%`;
  bar.append(fill);
  const share = el("td", "tr-class-share");
  share.append(bar, el("span", "tr-class-percent", formatPercent(accuracy ?? NaN)));
  const counts = el("td", "tr-class-counts", `${formatInteger(correct)}/${formatInteger(total)}`);
  counts.title = `${formatInteger(correct)} of the ${formatInteger(total)} test images of ${name} right`;
  tr.append(th, share, counts);
  return tr;
}

/** The per-class table and its sentence, for the [data-class-accuracy] box beside the matrix. */
function classAccuracyTable(matrix, dataset) {
  const classes = classAccuracies(matrix);
  const weakest = accuracyExtremes(classes)?.weakest ?? -1;
  const table = el("table", "tr-class-table");
  const head = el("thead");
  head.append(el("tr"));
  head.rows[0].append(headerCell("true", "the true class"), headerCell("accuracy", "the share of its test images right"),
    headerCell("right/all", "its test images the network gets right, of all of them"));
  const body = el("tbody");
  body.append(...classes.map((c, i) => classRow(c, i, dataset, weakest)));
  table.append(el("caption", "", "Right, per class"), head, body);
  const summary = el("p", "hint tr-class-summary", classAccuracySummary(classes, dataset));
  summary.dataset.classSummary = "";
  return [table, summary];
}

export class ConfusionView extends PictureView {
  /** @param {HTMLElement} root the [data-confusion-view] figure */
  constructor(root) {
    super(root, { content: "confusion", empty: "confusion-empty", note: "confusion-summary",
      parts: ["class-accuracy", "cell-note"] });
    const cells = root.querySelector("[data-cell-images]");
    this.cells = cells ? new CellImages(cells) : { cell: null, open() {}, close() {} }; // a copy without the box: no drill-down
    this.context = null;
    this.content.addEventListener("click", (event) => {
      const button = event.target.closest("[data-true]");
      if (!button || !this.context) return;
      const truth = Number(button.dataset.true);
      const predicted = Number(button.dataset.predicted);
      if (button.getAttribute("aria-pressed") === "true") {
        this.cells.close(); // a second click on the open count closes it
      } else {
        this.cells.open({ ...this.context, truth, predicted, count: this.context.matrix[truth][predicted] });
        if (cells && cells.getBoundingClientRect().top > innerHeight - 120) {
          cells.scrollIntoView({ block: "start" }); // on a phone it opens below the fold
        }
      }
      this.markOpen();
    });
    cells?.addEventListener("click", (event) => { // after CellImages' own Close: focus back on the count
      if (!event.target.closest("[data-cell-close]")) return;
      const pressed = this.content.querySelector('.tr-cell-button[aria-pressed="true"]');
      this.markOpen();
      pressed?.focus();
    });
  }

  /** Marks the count whose images are open (aria-pressed: for sight and for screen readers). */
  markOpen() {
    const open = this.cells.cell;
    for (const button of this.content.querySelectorAll(".tr-cell-button")) {
      const pressed = Boolean(open) && Number(button.dataset.true) === open.truth
        && Number(button.dataset.predicted) === open.predicted;
      button.setAttribute("aria-pressed", String(pressed));
    }
  }

  clear(text = "") {
    super.clear(text);
    this.parts.classAccuracy?.replaceChildren();
    this.cells.close();
    this.context = null;
  }

  /** @param {number[][]} matrix rows: true class, columns: predicted
   * @param {{epoch: number|null, dataset: string, runId?: string, step?: number|null}} context the
   *   stored step the matrix is of (its cells open from it); epoch null for a step inside an epoch;
   *   testImages: how many test images the matrix counts (an early step's: the first 1,000) */
  show(matrix, { epoch, dataset, runId = null, step = null, testImages = null }) {
    this.showing();
    this.note.textContent = confusionSummary(matrix, epoch, dataset, step);
    const openable = Boolean(runId && step);
    const previous = this.cells.cell;
    this.context = openable ? { matrix, epoch, dataset, runId, step,
      testImages: testImages ?? confusionTotals(matrix).total } : null;
    if (this.parts.cellNote) this.parts.cellNote.textContent = openable ? "Click a count to see its test images."
      : runId ? "This run kept no stored steps, so its counts cannot be opened." : "";
    if (previous && openable) {
      this.cells.open({ ...this.context, truth: previous.truth, predicted: previous.predicted,
        count: matrix[previous.truth][previous.predicted] });
    } else {
      this.cells.close();
    }
    const table = el("table", "tr-confusion-table");
    const body = el("tbody");
    body.append(...matrix.map((_, i) => confusionRow(matrix, i, dataset, openable)));
    table.append(el("caption", "visually-hidden", "Confusion matrix: rows are the true class, columns the predicted class."),
      confusionHead(matrix.length, dataset), body);
    this.content.replaceChildren(table);
    this.markOpen();
    this.parts.classAccuracy?.replaceChildren(...classAccuracyTable(matrix, dataset));
    this.root.dataset.epoch = String(epoch);
    this.drawn();
  }
}

export class MisclassifiedView extends PictureView {
  /** @param {HTMLElement} root the [data-misclassified-view] figure */
  constructor(root) {
    super(root, { content: "misclassified", empty: "misclassified-empty", note: "misclassified-summary" });
    this.pager = new Pager(root, (offset) => this.fetch(offset));
    this.pager.root.hidden = true;
    this.context = null;
    this.query = null;
  }

  /** @param {Array<{index: number, label: number, predicted: number, data: string}>} items
   * @param {{epoch: number|null, errors: number, dataset: string, runId?: string, step?: number|null}} context
   *   errors: all the mistakes; with a stored step, the rest can be paged through */
  show(items, { epoch, errors, dataset, runId = null, step = null }) {
    this.query?.abort();
    this.context = { epoch, errors, dataset, runId, step };
    this.draw(items, 0);
    if (runId && step) this.pager.update(0, items.length, errors, MISTAKES_PAGE);
    else this.pager.root.hidden = true;
  }

  draw(items, first) {
    const { epoch, errors, dataset, step } = this.context;
    this.showing(items.length ? "" : noMistakes(epoch, step));
    this.note.textContent = mistakesSummary(items.length, errors, epoch, { step, first });
    this.content.replaceChildren(...items.map((item) => imageItem(item, dataset)));
    this.root.dataset.count = String(items.length);
    this.drawn();
  }

  async fetch(offset) {
    const context = this.context;
    this.query?.abort();
    const query = new AbortController();
    this.query = query;
    let page;
    try {
      page = await runMistakes(context.runId, context.step, offset, MISTAKES_PAGE, query.signal);
    } catch (error) {
      if (error.name !== "AbortError" && this.context === context) this.note.textContent = error.message;
      return;
    }
    if (query.signal.aborted || this.context !== context) return;
    this.draw(page.items, page.offset);
    this.pager.update(page.offset, page.items.length, page.total, MISTAKES_PAGE);
  }

  clear(text = "") {
    super.clear(text);
    this.query?.abort();
    this.pager.root.hidden = true;
  }
}
