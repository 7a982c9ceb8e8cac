// Tables and formulas on /receptive-field: the served network's table, the designed stack's
// table, and the recurrences with their numbers. Each draws what it is given into its container.

import { prettyDescription } from "../digits/digit-math.js";
import { el } from "../shared/dom.js";
import { TIMES, formatInteger, num, shapeText } from "./rf-math.js";

function cell(text, className = "") {
  return el("td", className, text);
}

/** A bar showing the receptive field against the input's side. */
function rfBar(rf, inputSize) {
  const wrap = el("span", "rf-bar");
  wrap.setAttribute("aria-hidden", "true");
  const fill = el("span", "rf-bar-fill");
  fill.style.setProperty("--f", String(Math.min(1, rf / inputSize)));
  if (rf > inputSize) wrap.classList.add("is-over");
  wrap.append(fill);
  return wrap;
}

/** GET /api/receptive-field's table: one row per layer, the selected layer (and its twins,
 * e.g. its ReLU, which share its geometry) highlighted. */
export function renderNetworkTable(table, rows, { selected = null, inputSize = 28, describe = new Map() } = {}) {
  const body = table.querySelector("tbody");
  let total = 0;
  body.replaceChildren(...rows.map((row) => {
    total += row.params ?? 0;
    const tr = el("tr");
    tr.dataset.layer = row.name;
    tr.dataset.rf = String(row.rf);
    tr.classList.toggle("is-selected", row.name === selected);
    const name = el("th", "", row.name);
    name.scope = "row";
    const type = cell(row.type, "rf-type");
    const description = describe.get(row.name);
    if (description) type.append(el("span", "rf-desc", prettyDescription(description)));
    const rfCell = cell("", "rf-num rf-rf");
    rfCell.append(el("span", "", `${row.rf}`), rfBar(row.rf, inputSize));
    tr.append(name, type, cell(shapeText(row.output_shape), "rf-shape"), cell(formatInteger(row.params ?? 0), "rf-num"),
      rfCell, cell(row.jump ? num(row.jump) : "\u2013", "rf-num"), cell(row.jump ? num(row.start) : "\u2013", "rf-num"));
    return tr;
  }));
  const foot = table.querySelector("tfoot");
  if (foot) {
    foot.querySelector("[data-total]").textContent = formatInteger(total);
  }
}

/** POST /api/receptive-field/stack's rows, with the layer each came from. */
export function renderStackTable(table, rows, layers, { inputSize, selected = -1 } = {}) {
  const body = table.querySelector("tbody");
  body.replaceChildren(...rows.map((row, i) => {
    const layer = layers[i];
    const tr = el("tr");
    tr.dataset.layer = row.name;
    tr.dataset.index = String(i);
    tr.dataset.rf = String(row.rf);
    tr.dataset.jump = String(row.jump);
    tr.dataset.start = String(row.start);
    tr.classList.toggle("is-selected", i === selected);
    const name = el("th", "", row.name);
    name.scope = "row";
    const what = [`${layer.kernel}${TIMES}${layer.kernel}`];
    if (layer.stride !== 1) what.push(`s ${layer.stride}`);
    if (layer.padding) what.push(`p ${layer.padding}`);
    if (layer.dilation !== 1) what.push(`d ${layer.dilation}`);
    const rfCell = cell("", "rf-num rf-rf");
    rfCell.append(el("span", "", String(row.rf)), rfBar(row.rf, inputSize));
    tr.append(name, cell(what.join(", "), "rf-type"), cell(shapeText(row.output_shape), "rf-shape"),
      cell(formatInteger(row.params ?? 0), "rf-num"), rfCell, cell(num(row.jump), "rf-num"), cell(num(row.start), "rf-num"));
    return tr;
  }));
  table.classList.remove("is-stale");
}

/** The recurrences: a heading and one line per formula (symbolic, then with numbers). */
export function renderFormulas(container, heading, lines) {
  const title = el("p", "rf-formulas-title");
  title.append(...heading);
  const list = el("dl", "rf-formula-list");
  for (const line of lines) {
    const dt = el("dt", "", line.symbol);
    const dd = el("dd", "", line.formula);
    dd.dataset.formula = line.name;
    list.append(dt, dd);
  }
  container.replaceChildren(title, list);
}
