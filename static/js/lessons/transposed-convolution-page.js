// Lesson 8, /lessons/transposed-convolution: a transposed convolution stamp by stamp (POST
// /api/lessons/transposed). A SlidePlayer walks the input cells in reading order and the output
// shows the engine's partial sum after each stamp; then the stamp counts (the checkerboard), the
// same numbers as a convolution's input gradient, and the PyTorch that prints them.

import { CodeBlock } from "../shared/code-block.js";
import { TIMES } from "../shared/numbers.js";
import { captioned, op, valueGrid } from "./lesson-draw.js";
import { LessonGrid, readGrids, sizeSelects } from "./lesson-grid.js";
import { numberSelect, start } from "./lesson-page.js";
import { sizeText } from "./lesson-math.js";
import { transposed } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { SlidePlayer } from "./slide-player.js";
import { gradientText, overlapText, sizeFormula, stampOf, stampText } from "./transposed-views.js";

const X = [[1, 2, 0], [0, 1, 3], [2, 0, 1]];
const W = [[1, 1, 1], [1, 2, 1], [1, 1, 1]];
const texts = (rows) => rows.map((row) => row.map(String));

class TransposedSection {
  constructor(page) {
    this.page = page;
    this.limits = JSON.parse(page.$("[data-limits]").dataset.limits);
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x"]'), "x", texts(X), { fill: (r, c) => String((r + 2 * c) % 3) }),
      w: new LessonGrid(page.$('[data-edit="w"]'), "w", texts(W), { fill: () => "1" }),
    };
    this.options = Object.fromEntries(["stride", "padding", "output_padding"].map((name) => [name, page.$(`[data-option="${name}"]`)]));
    this.player = new SlidePlayer(page.$("[data-player]"));
    this.codeBlock = new CodeBlock(page.$("[data-code-block]"));
    this.started = false; // the first answer shows the whole output (the last step)
    this.live = new LiveSection(page, {
      name: "transposed", send: transposed, draw: (result, body) => this.draw(result, body), grids: this.grids,
      names: { stride: "the stride", padding: "the padding", output_padding: "the output padding" },
      onFail: () => { this.player.pause(); this.codeBlock.stale(); },
    });
    this.bindControls();
  }

  bindControls() {
    const { input, kernel, stride } = this.limits;
    sizeSelects(this.page, this.grids.x, "x", input);
    sizeSelects(this.page, this.grids.w, "w", kernel);
    numberSelect(this.options.stride, 1, stride, 2);
    numberSelect(this.options.padding, 0, kernel - 1, 0);
    numberSelect(this.options.output_padding, 0, stride - 1, 0);
    for (const grid of Object.values(this.grids)) grid.root.addEventListener("grid-edit", () => this.request());
    for (const select of Object.values(this.options)) select.addEventListener("change", () => this.request());
    this.page.$("[data-player]").addEventListener("step-change", (event) => this.showStep(event.detail.step));
  }

  request() {
    const { values, message } = readGrids(this.grids);
    if (message) {
      this.live.refuse(message);
      return;
    }
    const numbers = Object.fromEntries(Object.entries(this.options).map(([name, select]) => [name, Number(select.value)]));
    this.live.ask({ x: values.x, w: values.w, ...numbers });
  }

  draw(result, body) {
    const $ = (selector) => this.page.$(selector);
    const count = body.x.length * body.x[0].length;
    const playing = this.player.playing;
    this.player.setCount(count);
    if (!playing && this.player.step === 0 && !this.started) this.player.go(count - 1, { force: true });
    this.started = true;
    $('[data-formula="rows"]').textContent = sizeFormula(body, result, 0);
    $('[data-formula="cols"]').textContent = sizeFormula(body, result, 1);
    $('[data-figures="stamps"]').replaceChildren(captioned(valueGrid(result.stamps, {
      kind: "stamps", label: "Stamps reaching each output cell", name: "n", heat: true,
    }), `Stamps per cell ${sizeText(result.stamps)}`));
    $("[data-overlap-text]").textContent = overlapText(result, body);
    $('[data-figures="gradient"]').replaceChildren(
      captioned(valueGrid(body.x, { kind: "delta", label: "Upstream gradient: x", name: "delta" }), `\u03b4 = x ${sizeText(body.x)}`),
      op("\u2192"),
      captioned(valueGrid(result.gradient, { kind: "gradient", label: "The convolution's input gradient", name: "dL/dinput" }),
        `\u2202L/\u2202input of conv2d ${sizeText(result.gradient)}`),
    );
    $("[data-gradient-text]").textContent = gradientText(result);
    this.codeBlock.show(result.code, body);
    this.showStep(this.player.step);
  }

  /** The output after stamp `t`, that stamp's cells lit, the input cells still to come faded. */
  showStep(t) {
    if (!this.live.shown) return;
    const { result, body } = this.live.shown;
    const rows = result.output.length;
    const cols = result.output[0].length;
    const stamp = stampOf(t, body, rows, cols);
    const width = body.x[0].length;
    this.page.$('[data-figures="stamp"]').replaceChildren(
      captioned(valueGrid(body.x, { kind: "x", label: "Input", name: "x",
        cellClass: (r, c) => (r === stamp.i && c === stamp.j ? "is-selected" : r * width + c > t ? "is-future" : "") }),
      `Input ${sizeText(body.x)}`),
      op(TIMES),
      captioned(valueGrid(body.w, { kind: "w", label: "Kernel", name: "w" }), `Kernel ${sizeText(body.w)}`),
      op("\u2192"),
      captioned(valueGrid(result.partial[t], { kind: "output", label: "Output so far", name: "y",
        cellClass: (r, c) => (stamp.cells.has(`${r},${c}`) ? "is-window" : "") }),
      `Output ${rows}${TIMES}${cols}, after ${t + 1} of ${body.x.length * width} stamps`),
    );
    this.page.$("[data-step-text]").textContent = stampText(t, body.x.length * width, body, stamp);
    this.page.$('[data-result="transposed"]').dataset.step = String(t);
  }
}

start("transposed-convolution", (page) => new TransposedSection(page).request());
