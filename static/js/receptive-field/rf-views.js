// Tables and formulas on /receptive-field: the served network's table, the designed stack's
// table, and the recurrences with their numbers. Each draws what it is given into its container.

import { prettyDescription } from "../digits/layer-words.js";
import { el } from "../shared/dom.js";
import { DASH, TIMES, formatInteger, formatNumber } from "../shared/numbers.js";
import { shapeText } from "./rf-math.js";

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

/** One layer's row: name, what it is (`what`: a cell), output shape, parameters, rf (with its
 * bar), jump and start (a dash where the layer has no grid: jump 0). */
function layerRow(row, what, { inputSize, selected }) {
  const tr = el("tr");
  tr.dataset.layer = row.name;
  tr.dataset.rf = String(row.rf);
  tr.classList.toggle("is-selected", selected);
  const name = el("th", "", row.name);
  name.scope = "row";
  const rfCell = cell("", "rf-num rf-rf");
  rfCell.append(el("span", "", String(row.rf)), rfBar(row.rf, inputSize));
  const grid = (v) => (row.jump ? formatNumber(v) : DASH);
  tr.append(name, what, cell(shapeText(row.output_shape), "rf-shape"), cell(formatInteger(row.params ?? 0), "rf-num"),
    rfCell, cell(grid(row.jump), "rf-num"), cell(grid(row.start), "rf-num"));
  return tr;
}

/** GET /api/receptive-field's table: one row per layer, the selected layer highlighted, the
 * parameters totalled in the foot. `describe`: layer name -> /api/model's description. */
export function renderNetworkTable(table, rows, { selected = null, inputSize, describe = new Map() }) {
  table.querySelector("tbody").replaceChildren(...rows.map((row) => {
    const type = cell(row.type, "rf-type");
    const description = describe.get(row.name);
    if (description) type.append(el("span", "rf-desc", prettyDescription(description)));
    return layerRow(row, type, { inputSize, selected: row.name === selected });
  }));
  const total = table.querySelector("tfoot [data-total]");
  if (total) total.textContent = formatInteger(rows.reduce((sum, row) => sum + (row.params ?? 0), 0));
}

/** "5×5, s 2, p 1, d 2": a stack layer's kernel and what differs from the defaults. */
function kernelText(layer) {
  const what = [`${layer.kernel}${TIMES}${layer.kernel}`];
  if (layer.stride !== 1) what.push(`s ${layer.stride}`);
  if (layer.padding) what.push(`p ${layer.padding}`);
  if (layer.dilation !== 1) what.push(`d ${layer.dilation}`);
  return what.join(", ");
}

/** POST /api/receptive-field/stack's rows, with the layer each came from. */
export function renderStackTable(table, rows, layers, { inputSize, selected = -1 }) {
  table.querySelector("tbody").replaceChildren(...rows.map((row, i) => {
    const tr = layerRow(row, cell(kernelText(layers[i]), "rf-type"), { inputSize, selected: i === selected });
    tr.dataset.index = String(i);
    tr.dataset.jump = String(row.jump);
    tr.dataset.start = String(row.start);
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
    const dd = el("dd", "", line.formula);
    dd.dataset.formula = line.name;
    list.append(el("dt", "", line.symbol), dd);
  }
  container.replaceChildren(title, list);
}

/** The heading of a layer's recurrences: `name` (what it is) after `previous` (r, j, start). */
export function formulasHeading(name, what, previous) {
  const code = (text) => el("code", "", text);
  return [code(name), `${what} after `, code(previous.name), ` (r = ${formatNumber(previous.rf)}, `
    + `j = ${formatNumber(previous.jump)}, start = ${formatNumber(previous.start)}):`];
}
