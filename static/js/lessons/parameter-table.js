// Lesson 6's table of one network, from GET or POST /api/lessons/parameters: a row per layer (its
// kind, output shape and how its parameters are counted), then the sums in the convolutions, in
// the classifier and in all. It arranges the API's answer; it counts nothing itself.

import { el } from "../shared/dom.js";
import { DASH, TIMES, formatInteger, formatShape } from "../shared/numbers.js";
import { prettyFormula } from "./lesson-math.js";

const HEADINGS = [["Layer", ""], ["Kind", "ls-kind-cell"], ["Output", ""], ["How many", ""], ["Parameters", "ls-num-cell"]];
const SUMS = [["In the convolutions", "conv"], ["In the classifier (linear layers)", "classifier"], ["Total", "total"]];

function headerRow() {
  const tr = el("tr");
  for (const [text, cls] of HEADINGS) {
    const th = el("th", cls, text);
    th.scope = "col";
    tr.append(th);
  }
  const head = el("thead");
  head.append(tr);
  return head;
}

/** "Conv2d 16@5×5, padding 0 → ..." from the API's type and description. */
function kindText(layer) {
  if (!layer.description) return layer.type;
  return `${layer.type} ${layer.description.replace(/(\d)x(\d)/g, `$1${TIMES}$2`).replace(" -> ", " \u2192 ")}`;
}

function layerRow(layer) {
  const tr = el("tr");
  tr.dataset.layer = layer.name;
  if (!layer.params) tr.classList.add("is-free");
  const name = el("th", "", layer.name);
  name.scope = "row";
  const formula = layer.params ? prettyFormula(layer.formula.split(" = ")[0]) : DASH;
  const count = el("td", "ls-num-cell", formatInteger(layer.params));
  count.dataset.count = "";
  tr.append(name, el("td", "ls-kind-cell", kindText(layer)), el("td", "", formatShape(layer.output_shape)), el("td", "", formula), count);
  return tr;
}

function sumsTable(data) {
  const sums = el("table", "data-table ls-table ls-param-sums");
  sums.append(el("caption", "visually-hidden", `Parameters of ${data.architecture}, added up`));
  const body = el("tbody");
  for (const [label, key] of SUMS) {
    const tr = el("tr");
    tr.dataset.sum = key;
    const th = el("th", "", label);
    th.scope = "row";
    const td = el("td", "ls-num-cell", formatInteger(data[key]));
    td.dataset.value = String(data[key]);
    tr.append(th, td);
    body.append(tr);
  }
  sums.append(body);
  return sums;
}

/** The table of one network (data-params="<kind>"), a row per layer, then its sums. */
export function paramTable(data, kind) {
  const box = el("div", "ls-param");
  box.dataset.params = kind;
  const table = el("table", "data-table ls-table ls-param-table");
  const body = el("tbody");
  body.append(...data.layers.map(layerRow));
  table.append(el("caption", "visually-hidden", `Parameters of ${data.architecture}, layer by layer`), headerRow(), body);
  box.append(table, sumsTable(data));
  return box;
}
