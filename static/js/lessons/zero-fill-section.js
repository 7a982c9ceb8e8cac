// Lesson 2, part 1: the tutorial's zero-fill example in 1-D, POST /api/lessons/correlate-1d with
// pad 1 and with pad 0, side by side, and the sentence that compares their lengths with the
// input's (worded from the two answers, so it follows the kernel's length).

import { MINUS, TIMES, formatNumber } from "../shared/numbers.js";
import { outputRow } from "./correlation-views.js";
import { entryList, strip, symbol } from "./lesson-draw.js";
import { LessonGrid, lengthSelect, readGrids } from "./lesson-grid.js";
import { bracketList } from "./lesson-math.js";
import { rendered, showError } from "./lesson-page.js";
import { correlate1d } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";

const X = [1, 2, 5, 6, 2, -1, 3, -2];
const W = [1, 0, 0];
const texts = (values) => values.map(String);

/** How the two outputs' lengths compare with the input's n, from the lengths the engine gave. */
export function paddingSummary(n, paddedLength, unpaddedLength) {
  const change = (length) => (length === n ? "keeps the input\u2019s length"
    : length < n ? `is ${n - length} shorter than the input` : `is ${length - n} longer than the input`);
  const lost = n - unpaddedLength;
  const without = lost === 0 ? `keeps it too (k ${MINUS} 1 = 0)` : `is k ${MINUS} 1 = ${lost} shorter`;
  return `With one zero added at each end (\u201czero fill\u201d, p = 1) the output ${change(paddedLength)}; `
    + `without padding it ${without}.`;
}

export class ZeroFillSection {
  constructor(page) {
    this.page = page;
    this.section = page.$('[data-section="pad-1d"]');
    this.errorBox = page.$('[data-error="pad-1d"]');
    this.summary = page.$("[data-pad-summary]");
    this.grids = {
      x: new LessonGrid(page.$('[data-edit="x"]'), "x", [texts(X)], { vector: true }),
      w: new LessonGrid(page.$('[data-edit="w"]'), "w", [texts(W)], { vector: true }),
    };
    this.variants = [1, 0].map((pad) => this.variant(pad));
    lengthSelect(page, this.grids.x, "x", 16);
    lengthSelect(page, this.grids.w, "w", 9);
    for (const grid of Object.values(this.grids)) grid.root.addEventListener("grid-edit", () => this.request());
    this.section.addEventListener("strip-pick", (event) => this.pick(event.detail));
  }

  /** One of the two columns: its own query, the output it highlights, and what it shows. */
  variant(pad) {
    const box = this.page.$(`[data-variant="pad-${pad}"]`);
    const variant = { pad, box, selected: 1, failed: null }; // failed: the engine's refusal on screen
    variant.live = new LiveSection(this.page, {
      section: box,
      errorBox: this.errorBox,
      send: correlate1d,
      grids: this.grids,
      onFail: () => {
        variant.failed = this.errorBox.textContent;
        this.summarise();
      },
      draw: (result, body) => {
        variant.failed = null;
        showError(this.errorBox, this.variants.find((v) => v.failed)?.failed ?? null); // the other's refusal stays
        this.draw(variant);
        rendered(this.section, { x: body.x, w: body.w });
        this.summarise();
      },
    });
    return variant;
  }

  request() {
    const { values, message } = readGrids(this.grids);
    for (const variant of this.variants) variant.failed = null;
    for (const { live, pad } of this.variants) {
      if (message) live.refuse(message);
      else live.ask({ x: values.x, w: values.w, pad });
    }
    if (message) this.summarise();
  }

  pick({ kind, index }) {
    const variant = this.variants.find((v) => kind === `pad-${v.pad}`);
    if (!variant?.live.shown) return;
    variant.selected = index;
    this.draw(variant);
    variant.box.querySelector(`[data-pick="${index}"]`)?.focus();
  }

  draw(variant) {
    const { result, body } = variant.live.shown;
    const { pad, box } = variant;
    const n = body.x.length;
    const k = body.w.length;
    variant.selected = Math.min(Math.max(variant.selected, 1), result.y.length);
    const i = variant.selected;
    const padded = [...Array(pad).fill(null), ...body.x, ...Array(pad).fill(null)];
    const inWindow = (c) => (c >= i - 1 && c < i - 1 + k ? " is-window" : "");
    const rows = [
      { label: "", start: 0, cells: padded.map((_, c) => ({ text: String(c + 1 - pad), cls: "ls-idx" })) },
      {
        label: symbol("x"), start: 0, cells: padded.map((v, c) => (v === null
          ? { text: "0", cls: `is-pad${inWindow(c)}`, title: "zero fill" }
          : { text: formatNumber(v), cls: inWindow(c).trim() })),
      },
      { label: symbol("w"), start: i - 1, cells: body.w.map((v) => ({ text: formatNumber(v), cls: "is-weight" })) },
      outputRow(symbol("y"), result.y, i),
    ];
    box.querySelector("[data-strip]").replaceChildren(
      strip(rows, n + 2 * pad, { kind: `pad-${pad}`, label: `x with ${pad ? "zero fill" : "no padding"}, the kernel, and y` }));
    box.querySelector("[data-length]").textContent = `n + 2p ${MINUS} k + 1 = ${n} + 2${TIMES}${pad} ${MINUS} ${k} + 1 = ${result.y.length}`;
    box.querySelector("[data-output]").textContent = bracketList(result.y.map((e) => e.value));
    const outside = (t) => t.a.name === "x" && (t.a.index[0] < 1 || t.a.index[0] > n);
    box.querySelector("[data-entries]").replaceChildren(
      entryList(result.y, `y-pad${pad}`, { selected: (e) => e.index[0] === i, outside }));
  }

  /** The lengths sentence, when both columns show answers for the same x and w; else nothing. */
  summarise() {
    const [padded, unpadded] = this.variants.map((v) => (v.box.classList.contains("is-stale") ? null : v.live.shown));
    const same = padded && unpadded && JSON.stringify([padded.body.x, padded.body.w]) === JSON.stringify([unpadded.body.x, unpadded.body.w]);
    this.summary.textContent = same
      ? paddingSummary(padded.body.x.length, padded.result.y.length, unpadded.result.y.length) : "";
  }
}
