// A designed network's plan, from POST /api/networks: a row per layer (output shape, parameters
// and how they are counted, multiply-adds per image, how many input pixels one unit sees), and the
// sentence under it, computed from the totals and the server's limits. Arranges the answer; it
// counts nothing itself.

import { el } from "../shared/dom.js";
import { DASH, TIMES, formatInteger, formatShape } from "../shared/numbers.js";
import { compare, plural } from "../shared/words.js";

const HEADINGS = [["Layer", ""], ["Output", ""], ["Parameters", "tr-num"], ["Multiply-adds", "tr-num"],
  ["Sees", "tr-num"]];

function layerRow(layer, side) {
  const tr = el("tr");
  tr.dataset.layer = layer.name;
  const name = el("th", "", layer.name);
  name.scope = "row";
  const what = el("span", "tr-plan-type", `${layer.type}${layer.description ? ` ${layer.description.replace(/(\d)x(\d)/g,
    `$1${TIMES}$2`).replace(" -> ", " \u2192 ")}` : ""}`);
  name.append(what);
  const params = el("td", "tr-num", layer.params ? formatInteger(layer.params) : DASH);
  if (layer.params) params.title = layer.formula.replaceAll("*", TIMES);
  const sees = layer.receptive_field >= side ? "all" : `${layer.receptive_field}${TIMES}${layer.receptive_field}`;
  tr.append(name, el("td", "", formatShape(layer.output_shape)), params,
    el("td", "tr-num", layer.macs ? formatInteger(layer.macs) : DASH), el("td", "tr-num", sees));
  return tr;
}

/** The plan's table. */
export function planTable(plan) {
  const table = el("table", "data-table tr-plan-table");
  table.append(el("caption", "visually-hidden", "Your network, layer by layer"));
  const head = el("tr");
  for (const [text, cls] of HEADINGS) {
    const th = el("th", cls, text);
    th.scope = "col";
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  body.append(...plan.layers.map((layer) => layerRow(layer, plan.input_shape[1])));
  table.append(thead, body);
  return table;
}

/** "12 layers, 421,834 parameters and 4,278,784 multiply-adds per image (...). Against LeNet-5:
 * 6.84 times as many parameters, ... A unit of pool2 ... sees 10×10 input pixels ..." from the
 * plan and LeNet-5's (or null). */
export function planSentence(plan, lenet = null) {
  const { layers, params, macs, limits } = plan;
  const side = plan.input_shape[1];
  const firstAll = layers.find((l) => l.receptive_field >= side);
  const lastMap = [...layers].reverse().find((l) => l.output_shape.length === 3);
  const square = (n) => `${n}${TIMES}${n}`;
  let sees = " With no convolution, every unit of the first linear layer already sees the whole digit.";
  if (lastMap && lastMap.receptive_field >= side) {
    sees = ` From ${firstAll.name} on, every unit sees the whole ${square(side)} digit (a unit of ${lastMap.name}, the`
      + ` last layer of maps, has a ${square(lastMap.receptive_field)} receptive field).`;
  } else if (lastMap) {
    sees = ` A unit of ${lastMap.name}, the last layer of maps, sees ${square(lastMap.receptive_field)} of the `
      + `${square(side)} input pixels${firstAll ? `; from ${firstAll.name} on, every unit sees them all` : ""}.`;
  }
  const versus = lenet ? ` Against LeNet-5: ${compare(params / lenet.params).text} parameters, `
    + `${compare(macs / lenet.macs).text} multiply-adds.` : "";
  return `${plural(layers.length, "layer")}, ${formatInteger(params)} parameters and ${formatInteger(macs)} `
    + `multiply-adds per image (this server trains up to ${formatInteger(limits.params)} parameters, `
    + `${formatInteger(limits.macs)} multiply-adds and ${limits.layers} layers).${versus}${sees}`;
}
