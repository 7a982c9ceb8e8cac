// Lesson 2, part 2: a 2-D sliding window with every border mode, stride and dilation (POST
// /api/lessons/slide): the output-size formula filled in, and the window animated through the
// API's list of positions by a SlidePlayer ("step-change" events).

import { TIMES } from "../shared/numbers.js";
import { cellMatrix, symbol } from "./lesson-draw.js";
import { LessonGrid, readGrids, sizeSelects } from "./lesson-grid.js";
import { fillValue, filledCells, prettyFormula } from "./lesson-math.js";
import { onFillButtons, radioValue } from "./lesson-page.js";
import { slide } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { SlidePlayer } from "./slide-player.js";
import { asymmetricNote, borderNote, sizeNote, slideFigures, stepSum, stepText } from "./sliding-window-views.js";

const W = [[1, 0, -1], [1, 0, -1], [1, 0, -1]];

export class SlidingWindowSection {
  constructor(page) {
    this.page = page;
    this.form = page.$("[data-options]");
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x2"]'), "x", filledCells("pattern", 6, 6),
        { fill: (r, c) => String(fillValue("pattern", r, c)) }),
      w: new LessonGrid(page.$('[data-edit="w2"]'), "w", W.map((row) => row.map(String))),
    };
    this.player = new SlidePlayer(page.$("[data-player]"));
    this.cells = null; // the drawn answer's cells {padded, output}, for fast highlighting
    this.lit = []; // the cells the window lights up now
    this.live = new LiveSection(page, {
      name: "slide", send: slide, draw: (result, body) => this.draw(result, body), grids: this.grids,
      names: { stride: "the stride", dilation: "the dilation", padding: "the border" }, onFail: () => this.player.pause(),
    });
    this.bindControls();
  }

  bindControls() {
    sizeSelects(this.page, this.grids.x, "x2", 32);
    sizeSelects(this.page, this.grids.w, "w2", 7);
    for (const grid of Object.values(this.grids)) grid.root.addEventListener("grid-edit", () => this.request());
    this.form.addEventListener("change", () => this.request());
    onFillButtons(this.page.$('[data-section="slide"]'), (kind) => {
      this.grids.x.setCells(filledCells(kind, this.grids.x.rows, this.grids.x.cols));
      this.request();
    });
    this.page.$("[data-player]").addEventListener("step-change", (event) => this.showStep(event.detail.step));
    this.page.$('[data-figures="slide"]').addEventListener("cell-pick", (event) => {
      if (event.detail.kind !== "output" || !this.live.shown) return;
      this.player.pause();
      this.player.go(event.detail.r * this.live.shown.result.output[0].length + event.detail.c);
    });
  }

  /** The border, stride and dilation chosen. */
  options() {
    return {
      padding: radioValue(this.form, "padding"),
      stride: Number(radioValue(this.form, "stride")),
      dilation: Number(radioValue(this.form, "dilation")),
    };
  }

  request() {
    const { values, message } = readGrids(this.grids);
    const options = this.options();
    this.page.$("[data-border-note]").textContent = borderNote(options.padding);
    this.page.$("[data-x2-size]").textContent = `${this.grids.x.rows} ${TIMES} ${this.grids.x.cols}`;
    if (message) this.live.refuse(message);
    else this.live.ask({ x: values.x, w: values.w, ...options });
  }

  draw(result, body) {
    const { figures, padded, output } = slideFigures(result, body);
    this.page.$('[data-figures="slide"]').replaceChildren(...figures);
    this.cells = { padded: cellMatrix(padded), output: cellMatrix(output) };
    this.lit = [];
    for (const [axis, a] of [["rows", result.rows], ["cols", result.cols]]) {
      const code = this.page.$(`[data-formula="${axis}"]`);
      code.textContent = prettyFormula(a.formula);
      code.dataset.raw = a.formula;
    }
    this.page.$("[data-size-summary]").textContent = `${result.rows.n} ${TIMES} ${result.cols.n} \u2192 `
      + `${result.rows.size} ${TIMES} ${result.cols.size}`;
    this.page.$("[data-size-note]").textContent = sizeNote(result);
    const uneven = this.page.$("[data-asymmetric-note]");
    uneven.textContent = asymmetricNote(result);
    uneven.hidden = !uneven.textContent;
    this.player.setCount(result.positions.length);
    this.showStep(this.player.step);
  }

  /** Light up the window of step `step` and write out its sum. */
  showStep(step) {
    const position = this.live.shown?.result.positions[step];
    if (!this.cells || !position) return;
    const { result, body } = this.live.shown;
    for (const cell of this.lit) cell.classList.remove("is-window", "is-selected");
    this.lit = position.rows.flatMap((r) => position.cols.map((c) => this.cells.padded[r]?.[c])).filter(Boolean);
    for (const cell of this.lit) cell.classList.add("is-window");
    const [i, j] = position.out;
    const outCols = result.output[0].length;
    this.cells.output.forEach((row, r) => row.forEach((cell, c) => {
      cell.classList.toggle("is-future", r * outCols + c > step);
      cell.setAttribute("aria-pressed", String(r === i && c === j));
    }));
    const out = this.cells.output[i][j];
    out.classList.add("is-selected");
    this.lit.push(out);
    this.page.$("[data-step-text]").textContent = stepText(position, step, result.positions.length);
    this.page.$('[data-where="slide"]').replaceChildren(symbol("y", [i + 1, j + 1]), " =");
    this.page.$('[data-sum="slide"]').textContent = stepSum(result, body, position);
  }
}
