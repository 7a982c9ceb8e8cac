// Lessons: drawing helpers. Small DOM builders shared by the lesson pages: symbols with
// subscripts, sums written out term by term, grids of values (optionally tinted by sign and
// size), the 1-D "strip" that lines a kernel up under its window, bars, and confusion tables.
// They draw what they are given; they never fetch. Colours are set through classes and CSS custom
// properties (CSSOM), so they work under a strict Content-Security-Policy.

import { el } from "../shared/dom.js";
import { maxAbs } from "../shared/heatmap.js";
import { formatInteger, formatNumber } from "../shared/numbers.js";
import { plural, withArticle } from "../shared/words.js";
import { entryNumeric, symbolName, symbolText } from "./lesson-math.js";

/** A value's tint on a diverging scale, as the editable cells are tinted (is-pos / is-neg, the
 * shared NumberGrid's classes): {sign: "pos" | "neg" | "zero", alpha in [0.1, 0.75]}. */
function tint(value, scale) {
  if (!value || !scale) return { sign: "zero", alpha: 0 };
  return { sign: value > 0 ? "pos" : "neg", alpha: 0.1 + 0.65 * Math.min(1, Math.abs(value) / scale) };
}

/** "∂L/∂x" with a subscript "2": a <span> holding the name and a <sub>. */
export function symbol(name, index) {
  const span = el("span", "ls-sym", symbolName(name));
  if (index?.length) span.append(el("sub", "", index.join(",")));
  span.setAttribute("aria-label", symbolText(name, index ?? []));
  return span;
}

/** The symbolic side of a sum: "x₁w₁ + x₂w₂ + x₃w₃" as nodes. */
function termSymbols(terms) {
  const span = el("span", "ls-eq-terms");
  if (!terms.length) span.append("0");
  terms.forEach((t, n) => {
    if (n) span.append(" + ");
    const pair = el("span", "ls-eq-pair");
    pair.append(symbol(t.a.name, t.a.index), symbol(t.b.name, t.b.index));
    span.append(pair);
  });
  return span;
}

/** One entry of an API sum as a list item: "y₂ = x₂w₁ + x₃w₂ + x₄w₃ = 2×1 + 5×0 + 6×(−1) = −4".
 * data-entry is "<key>-<index>"; the numbers are in [data-numeric], the value in [data-value]. */
export function entryItem(entry, key, { selected = false, outside = null } = {}) {
  const li = el("li", "ls-entry");
  li.dataset.entry = `${key}-${entry.index.join("-")}`;
  if (selected) li.classList.add("is-selected");
  const lhs = el("span", "ls-eq-lhs");
  lhs.append(symbol(entry.name, entry.index));
  const sym = el("span", "ls-eq-sym");
  sym.append(lhs, " = ", termSymbols(entry.terms));
  const num = el("span", "ls-eq-num");
  const numbers = el("span", "", entryNumeric(entry));
  numbers.dataset.numeric = "";
  num.append("= ", numbers);
  li.append(sym, num);
  if (outside) {
    const padded = entry.terms.filter((t) => outside(t)).length;
    if (padded) li.append(el("span", "ls-eq-note", plural(padded, "padding term")));
  }
  return li;
}

/** A list of entries (<ol>), one per output. */
export function entryList(entries, key, options = {}) {
  const ol = el("ol", "ls-entries");
  ol.dataset.entries = key;
  for (const entry of entries) {
    ol.append(entryItem(entry, key, { ...options, selected: options.selected?.(entry) ?? false }));
  }
  return ol;
}

/**
 * A grid of values to look at (the editable ones are LessonGrids). values: rows of numbers. Options:
 *   kind      the data-grid attribute (tests and styles find it by this)
 *   label     aria-label of the table
 *   heat      shade cells on a diverging scale (scale = largest |value| unless given)
 *   cellClass (r, c, v) -> class names to add ("is-window", "is-argmax", ...)
 *   format    number -> text (formatNumber)
 *   pick      cells are buttons; clicking one dispatches "cell-pick" {r, c} on the grid
 *   indices   1-based column numbers above (vectors) / row and column numbers (grids)
 *   name      symbol in each cell's accessible label ("y" -> "y 1,2: 5")
 */
export function valueGrid(values, {
  kind = "", label = "", heat = false, scale = null, cellClass = null, format = formatNumber, pick = false,
  indices = false, name = "", rowOffset = 0, colOffset = 0,
} = {}) {
  const rows = values.length;
  const cols = rows ? values[0].length : 0;
  const grid = el("div", "ls-grid");
  if (kind) grid.dataset.grid = kind;
  grid.setAttribute("role", "table");
  if (label) grid.setAttribute("aria-label", label);
  grid.style.setProperty("--cols", String(cols + (indices && rows > 1 ? 1 : 0)));
  grid.dataset.size = cols > 16 ? "tiny" : cols > 9 ? "dense" : "roomy";
  const s = heat ? (scale ?? maxAbs(values)) : 0;

  if (indices) {
    const head = el("div", "ls-grid-row ls-grid-head");
    head.setAttribute("role", "row");
    if (rows > 1) head.append(el("span", "ls-idx ls-idx-corner"));
    for (let c = 0; c < cols; c += 1) {
      const h = el("span", "ls-idx", String(c + 1 + colOffset));
      h.setAttribute("role", "columnheader");
      head.append(h);
    }
    grid.append(head);
  }
  values.forEach((row, r) => {
    const tr = el("div", "ls-grid-row");
    tr.setAttribute("role", "row");
    if (indices && rows > 1) {
      const h = el("span", "ls-idx", String(r + 1 + rowOffset));
      h.setAttribute("role", "rowheader");
      tr.append(h);
    }
    row.forEach((v, c) => {
      const cell = el(pick ? "button" : "span", "ls-num", format(v));
      if (pick) cell.type = "button";
      cell.setAttribute("role", "cell");
      cell.dataset.r = String(r);
      cell.dataset.c = String(c);
      if (name) {
        const where = rows > 1 ? `${r + 1 + rowOffset},${c + 1 + colOffset}` : `${c + 1 + colOffset}`;
        cell.setAttribute("aria-label", `${symbolName(name)} ${where}: ${format(v)}`);
      }
      if (heat) {
        const { sign, alpha } = tint(v, s);
        cell.classList.add(`is-${sign}`);
        if (alpha) cell.style.setProperty("--alpha", alpha.toFixed(3));
      }
      const extra = cellClass?.(r, c, v);
      if (extra) cell.classList.add(...[].concat(extra).filter(Boolean));
      tr.append(cell);
    });
    grid.append(tr);
  });
  if (pick) {
    grid.addEventListener("click", (event) => {
      const cell = event.target.closest("[data-r]");
      if (!cell || !grid.contains(cell)) return;
      grid.dispatchEvent(new CustomEvent("cell-pick", {
        bubbles: true, detail: { r: Number(cell.dataset.r), c: Number(cell.dataset.c), kind },
      }));
    });
  }
  return grid;
}

/** The cells of a valueGrid as rows of elements, for fast class changes (the animation). */
export function cellMatrix(grid) {
  const rows = [];
  for (const cell of grid.querySelectorAll(".ls-num[data-r]")) {
    const r = Number(cell.dataset.r);
    (rows[r] ??= [])[Number(cell.dataset.c)] = cell;
  }
  return rows;
}

/** A grid with a caption underneath, as a <figure>. */
export function captioned(node, caption, className = "") {
  const figure = el("figure", `ls-figure ${className}`.trim());
  figure.append(node, el("figcaption", "", caption));
  return figure;
}

/**
 * The 1-D strip that lines a kernel up under its window. rows: [{label (node or text), cells:
 * [{text, cls, title, pick, pressed, ariaLabel}], start}] where `start` is the column the row's
 * first cell sits in. All rows share `columns` columns, plus one for the labels. A cell with
 * `pick` is a button; clicking it dispatches "strip-pick" {kind, index: pick} on the strip.
 */
export function strip(rows, columns, { label = "", kind = "" } = {}) {
  const box = el("div", "ls-strip");
  if (kind) box.dataset.strip = kind;
  box.setAttribute("role", "table");
  if (label) box.setAttribute("aria-label", label);
  box.style.setProperty("--cols", String(columns));
  for (const row of rows) {
    const tr = el("div", "ls-strip-row");
    tr.setAttribute("role", "row");
    const head = el("span", "ls-strip-label");
    head.setAttribute("role", "rowheader");
    head.append(row.label);
    tr.append(head);
    for (let c = 0; c < columns; c += 1) {
      const cell = row.cells[c - (row.start ?? 0)];
      const pick = cell && cell.pick !== undefined;
      const span = el(pick ? "button" : "span", cell ? `ls-num ${cell.cls ?? ""}`.trim() : "ls-strip-gap",
        cell ? cell.text : "");
      span.setAttribute("role", "cell");
      if (pick) {
        span.type = "button";
        span.dataset.pick = String(cell.pick);
      }
      if (cell?.title) span.title = cell.title;
      if (cell?.ariaLabel) span.setAttribute("aria-label", cell.ariaLabel);
      if (cell?.pressed !== undefined) span.setAttribute("aria-pressed", String(cell.pressed));
      tr.append(span);
    }
    box.append(tr);
  }
  box.addEventListener("click", (event) => {
    const cell = event.target.closest("[data-pick]");
    if (!cell || !box.contains(cell)) return;
    box.dispatchEvent(new CustomEvent("strip-pick", { bubbles: true, detail: { kind, index: Number(cell.dataset.pick) } }));
  });
  return box;
}

/** Horizontal bars: items [{key, label, value, text, cls}], widths relative to the largest value
 * (or on a log scale, for values spanning orders of magnitude). */
export function bars(items, { log = false, label = "" } = {}) {
  const list = el("dl", "ls-bars");
  if (label) list.setAttribute("aria-label", label);
  const f = (v) => (log ? Math.log10(Math.max(v, 1)) : v);
  const top = Math.max(...items.map((i) => f(i.value)), 1e-12);
  for (const item of items) {
    const dt = el("dt", "", item.label);
    const dd = el("dd");
    const track = el("span", "ls-bar-track");
    const bar = el("span", `ls-bar ${item.cls ?? ""}`.trim());
    bar.style.setProperty("--fraction", String(Math.max(0.004, f(item.value) / top)));
    track.append(bar);
    const value = el("span", "ls-bar-value", item.text);
    if (item.key) value.dataset.bar = item.key;
    dd.append(track, value);
    list.append(dt, dd);
  }
  return list;
}

/** A confusion matrix as a table: rows are the true class, columns the predicted one, the
 * diagonal shaded green and mistakes red by how many; a last column counts each row's mistakes. */
export function confusionTable(matrix, { label = "", kind = "" } = {}) {
  const table = el("table", "ls-confusion");
  if (kind) table.dataset.confusion = kind;
  if (label) table.append(el("caption", "visually-hidden", label));
  const worst = Math.max(1, ...matrix.flatMap((row, r) => row.filter((_, c) => c !== r)));
  const best = Math.max(1, ...matrix.map((row, r) => row[r]));
  const head = el("tr");
  head.append(el("td", "ls-confusion-corner"));
  matrix[0].forEach((_, c) => {
    const th = el("th", "", String(c));
    th.scope = "col";
    head.append(th);
  });
  const wrongHead = el("th", "ls-confusion-wrong", "wrong");
  wrongHead.scope = "col";
  head.append(wrongHead);
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  matrix.forEach((row, r) => {
    const tr = el("tr");
    const th = el("th", "", String(r));
    th.scope = "row";
    tr.append(th);
    row.forEach((count, c) => {
      const td = el("td", "", String(count));
      if (r === c) {
        td.className = "is-diag";
        td.style.setProperty("--alpha", (0.25 + 0.5 * (count / best)).toFixed(3));
      } else if (count) {
        td.className = "is-miss";
        td.style.setProperty("--alpha", (0.12 + 0.63 * Math.sqrt(count / worst)).toFixed(3));
      } else {
        td.className = "is-none";
      }
      const images = `${plural(count, "image", "images", formatInteger)} of ${withArticle(r)}`;
      td.title = r === c ? `${images}, recognised` : `${images}, taken for ${withArticle(c)}`;
      tr.append(td);
    });
    const wrong = row.reduce((a, b) => a + b, 0) - row[r];
    const td = el("td", "ls-confusion-wrong", String(wrong));
    td.dataset.wrong = String(r);
    tr.append(td);
    tbody.append(tr);
  });
  table.append(thead, tbody);
  return table;
}

/** "a × b" style operator between grids. */
export function op(text) {
  const span = el("span", "ls-op", text);
  span.setAttribute("aria-hidden", "true");
  return span;
}
