// Lesson 11's pictures: the digit and its shifted copy, one layer's three maps (the faded cells
// lie outside the region compared), the charts of change, probability and accuracy against the
// shift, and the table of the curves. Drawing touches only the elements it is given.

import { COLORS, LineChart, percent, plain } from "../shared/charts.js";
import { el } from "../shared/dom.js";
import { divergingColor, drawHeatmap, inkColor, maxAbs } from "../shared/heatmap.js";
import { answerText, meanCurves, networkName } from "./translation-words.js";

const DIGIT_SCALE = 6;
const MAP_SCALE = { conv1: 6, conv2: 16 }; // both about 170 px wide
const LAYER_COLOURS = { conv1: "#3f37c9", pool1: "#7048e8", conv2: "#0f9d74", pool2: "#e8590c" };
const NETWORK_COLOURS = { lenet5: COLORS.runA, mlp: COLORS.runB };

/** A digit, white ink on black as the network reads it. */
export function drawDigit(canvas, pixels) {
  drawHeatmap(canvas, pixels, { colour: inkColor, scale: DIGIT_SCALE });
}

/** The rows and columns of the cells marked true: [top, left, bottom, right], or null. */
function bounds(mask) {
  const rows = mask.map((row, y) => (row.some(Boolean) ? y : -1)).filter((y) => y >= 0);
  const cols = mask[0].map((_, x) => (mask.some((row) => row[x]) ? x : -1)).filter((x) => x >= 0);
  return rows.length ? [rows[0], cols[0], rows.at(-1), cols.at(-1)] : null;
}

/** One channel of a layer's maps: of the shifted digit, the maps shifted, and the difference, all
 * on one colour scale (the largest |value| of the first two); on the difference, a dashed frame
 * round the region compared (it is a rectangle: where both windows lie inside the picture). */
export function drawMaps(box, m, channel) {
  const scale = maxAbs([m.of_shifted[channel], m.shifted[channel]]);
  const colour = (v) => divergingColor(v / scale);
  const size = MAP_SCALE[m.layer] ?? 8;
  for (const name of ["of_shifted", "shifted", "difference"]) {
    drawHeatmap(box.querySelector(`[data-map="${name}"]`), m[name][channel], { colour, scale: size });
  }
  const frame = bounds(m.inside);
  if (frame) {
    const [top, left, bottom, right] = frame;
    const context = box.querySelector('[data-map="difference"]').getContext("2d");
    context.setLineDash([4, 3]);
    context.lineWidth = 2;
    context.strokeStyle = "#1f2433";
    context.strokeRect(left * size + 1, top * size + 1, (right - left + 1) * size - 2, (bottom - top + 1) * size - 2);
  }
  return scale;
}

/** The channel buttons of a layer; the chosen one pressed. */
export function channelButtons(count, chosen, onChoose, layer) {
  return Array.from({ length: count }, (_, c) => {
    const button = el("button", "button button-small tl-channel", String(c + 1));
    button.type = "button";
    button.dataset.channel = String(c);
    button.setAttribute("aria-pressed", String(c === chosen));
    button.setAttribute("aria-label", `Map ${c + 1} of ${layer}`);
    button.addEventListener("click", () => onChoose(c));
    return button;
  });
}

/** One item per network: its name and what it reads. */
export function answerItems(networks, current, answer) {
  return networks.map((n) => {
    const item = el("li", "tl-answer");
    item.dataset.network = n.key;
    item.append(el("span", "tl-answer-name", networkName(n, { capital: true })), el("strong", "", answerText(current[n.key], answer)));
    return item;
  });
}

const networkSeries = (networks) => networks.map((n) => ({
  label: networkName(n, { capital: true }), stroke: NETWORK_COLOURS[n.architecture] ?? "#555",
  dash: n.distorted ? undefined : [6, 4], points: true,
}));

/** The chart of each layer's change against the shift. */
export function changeChart(container, layers) {
  return new LineChart(container, { series: layers.map((l) => ({ label: l, stroke: LAYER_COLOURS[l], points: true })),
    xLabel: "shift (pixels)", yLabel: "change", format: percent, height: 220 });
}

/** The chart of each network's probability of the answer against the shift. */
export function probabilityChart(container, networks) {
  return new LineChart(container, { series: networkSeries(networks), xLabel: "shift (pixels)", yLabel: "probability",
    format: percent, height: 220 });
}

/** The chart of test accuracy against the shift. */
export function curvesChart(container, networks) {
  return new LineChart(container, { series: networkSeries(networks), xLabel: "shift (pixels)", yLabel: "test accuracy",
    format: percent, xFormat: plain, height: 260 });
}

/** Curves along one axis, as the chart's aligned data: shifts from -6 (left or up) to 6. */
export function curvesData(data, axis) {
  const [minus, plus] = axis === "x" ? ["left", "right"] : ["up", "down"];
  const xs = [...data.shifts.slice(1).reverse().map((d) => -d), ...data.shifts];
  const series = data.networks.map((n) => {
    const c = data.curves[n.key];
    return [...c[minus].slice(1).reverse(), ...c[plus]];
  });
  return [xs, ...series];
}

/** The table: one row per network, the mean of the four directions at each shift. */
export function curveTable(head, body, data) {
  const mean = meanCurves(data);
  const row = el("tr");
  row.append(el("th", "", "Network"), ...data.shifts.map((d) => Object.assign(el("th", "ls-num-cell", `${d} px`), { scope: "col" })));
  head.replaceChildren(row);
  body.replaceChildren(...data.networks.map((n) => {
    const tr = el("tr");
    tr.dataset.network = n.key;
    const name = el("th", "", networkName(n, { capital: true }));
    name.scope = "row";
    tr.append(name, ...mean[n.key].map((v, i) => {
      const td = el("td", "ls-num-cell", `${(v * 100).toFixed(1)}%`); // fixed decimals line the column up
      td.dataset.shift = String(data.shifts[i]);
      return td;
    }));
    return tr;
  }));
}
