// Lesson 10's views of the engine's answers to POST /api/lessons/causal and /causal/stack: the
// signal and its two outputs as lines, the samples an output at t reads, the stack of dilated
// layers with the units that reach its last output, and the sentences about them. Every sentence
// is worded from the answer and the request.

import { svgEl } from "../shared/dom.js";
import { MINUS, TIMES, formatNumber, formatScientific, superscript } from "../shared/numbers.js";
import { listText, plural } from "../shared/words.js";
import { subscript } from "./lesson-math.js";

/** The samples an output at t reads: {same: [...], causal: [...]} (indices; outside 0..L-1 is padding). */
export function windowsAt(t, body) {
  const k = body.w.length;
  const d = body.dilation;
  return {
    same: body.w.map((_, u) => t + (u - (k - 1) / 2) * d),
    causal: body.w.map((_, u) => t - (k - 1 - u) * d),
  };
}

/** The signal, "same" and causal as lines over t, with the samples read at `t` marked. */
export function signalPlot(result, body, t) {
  const width = 640;
  const height = 220;
  const pad = { left: 34, right: 10, top: 12, bottom: 24 };
  const values = [...result.x, ...result.same, ...result.causal];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const n = result.x.length;
  const px = (i) => pad.left + (i / Math.max(n - 1, 1)) * (width - pad.left - pad.right);
  const py = (v) => pad.top + (1 - (v - low) / span) * (height - pad.top - pad.bottom);
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "ls-signal-svg", role: "img",
    "aria-label": `The signal and its two outputs over ${n} samples, at t = ${t}` });
  for (const v of [low, 0, high]) {
    if (v < low || v > high) continue;
    svg.append(svgEl("line", { x1: pad.left, x2: width - pad.right, y1: py(v), y2: py(v), class: "grid" }),
      svgEl("text", { x: pad.left - 4, y: py(v) + 4, class: "tick" }, formatNumber(v, 2)));
  }
  svg.append(svgEl("line", { x1: px(t), x2: px(t), y1: pad.top, y2: height - pad.bottom, class: "now" }),
    svgEl("text", { x: px(t), y: height - 6, class: "tick tick-t" }, `t = ${t}`));
  for (const [key, series] of [["x", result.x], ["same", result.same], ["causal", result.causal]]) {
    svg.append(svgEl("polyline", { points: series.map((v, i) => `${px(i)},${py(v)}`).join(" "), class: `line line-${key}`,
      "data-line": key }));
  }
  const windows = windowsAt(t, body);
  for (const key of ["same", "causal"]) {
    for (const i of windows[key]) {
      if (i < 0 || i >= n) continue;
      svg.append(svgEl("circle", { cx: px(i), cy: py(result.x[i]), r: key === "same" ? 6 : 3.5, class: `read read-${key}`,
        "data-read": `${key}-${i}` }));
    }
    svg.append(svgEl("circle", { cx: px(t), cy: py(result[key][t]), r: 4, class: `dot dot-${key}` }));
  }
  return svg;
}

function samplesText(indices, n) {
  const named = indices.map((i) => `x${subscript(i)}`);
  const zeros = indices.filter((i) => i < 0 || i >= n).length;
  return `${listText(named)}${zeros ? ` (${zeros === 1 ? "one is" : `${zeros} are`} padding: zero)` : ""}`;
}

/** "At t = 23, “same” reads x₂₂, x₂₃ and x₂₄: 1 sample ahead of t. Causal reads x₂₁, x₂₂ and x₂₃: none after t." */
export function windowText(t, result, body) {
  const windows = windowsAt(t, body);
  const n = result.x.length;
  return `At t = ${t}, \u201csame\u201d reads ${samplesText(windows.same, n)}: ${plural(result.ahead, "sample")} ahead of t. `
    + `Causal reads ${samplesText(windows.causal, n)}: none after t.`;
}

/** What the two outputs say: causal[t] = same[t − ahead], checked; for a step, who moves first. */
export function delayText(result, body) {
  const n = result.x.length;
  const a = result.ahead;
  if (a === 0) return "With one tap (or no spread), both read only x\u209c: the two outputs are the same.";
  const from = 2 * a;
  let largest = 0;
  for (let t = from; t < n; t += 1) largest = Math.max(largest, Math.abs(result.causal[t] - result.same[t - a]));
  const identity = `The causal output is the \u201csame\u201d one delayed by ${plural(a, "sample")}: causal[t] = `
    + `same[t ${MINUS} ${a}] for every t from ${from} to ${n - 1} (largest difference `
    + `${largest === 0 ? "0" : formatScientific(largest)}).`;
  if (body.signal !== "step") return identity;
  const step = result.x.findIndex((v, i) => i > 0 && Math.abs(v - result.x[i - 1]) > 0.5);
  const moves = (series) => series.findIndex((v, i) => i > 0 && Math.abs(v - series[0]) > 1e-9);
  if (step < 0 || body.noise > 0) return identity;
  const same = moves(result.same);
  const causal = moves(result.causal);
  return `The step comes at t = ${step}. The \u201csame\u201d output moves at t = ${same}`
    + (same < step ? `, ${plural(step - same, "sample")} early: it read the future.` : ".")
    + ` The causal one waits until t = ${causal}. ${identity}`;
}

/** The layers as rows of units over time, the units and taps that reach the last output dark. */
export function stackPlot(result, body) {
  const n = result.x.length;
  const layers = result.dilations.length;
  const width = 640;
  const rowGap = 34;
  const height = (layers + 1) * rowGap + 20;
  const px = (i) => 12 + (i / Math.max(n - 1, 1)) * (width - 24);
  const py = (row) => height - 22 - row * rowGap;
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "ls-stack-svg", role: "img",
    "aria-label": `${plural(layers, "layer")} over ${n} samples; ${result.paths[0].filter((v) => v !== 0).length} inputs reach the last output` });
  for (let row = 1; row <= layers; row += 1) {
    const d = result.dilations[row - 1];
    result.paths[row].forEach((v, t) => {
      if (v === 0) return;
      for (let u = 0; u < body.taps; u += 1) {
        const from = t - (body.taps - 1 - u) * d;
        if (from < 0) continue;
        svg.append(svgEl("line", { x1: px(from), y1: py(row - 1), x2: px(t), y2: py(row), class: "wire reach" }));
      }
    });
  }
  result.paths.forEach((counts, row) => {
    counts.forEach((v, t) => {
      svg.append(svgEl("circle", { cx: px(t), cy: py(row), r: 3.2, class: v ? "unit reach" : "unit",
        ...(row === 0 && v ? { "data-reach": t } : {}) }));
    });
    svg.append(svgEl("text", { x: 2, y: py(row) - 8, class: "tick tick-start" }, row === 0 ? "input" : `layer ${row}, d = ${result.dilations[row - 1]}`));
  });
  return svg;
}

/** One row per layer: its dilation and its receptive field with the formula. */
export function fieldRows(result, body) {
  return result.dilations.map((d, i) => {
    const row = document.createElement("tr");
    const terms = result.dilations.slice(0, i + 1).map((di) => `(${body.taps} ${MINUS} 1)${TIMES}${di}`);
    for (const [text, cls] of [[String(i + 1), ""], [String(d), "ls-num-cell"], [`1 + ${terms.join(" + ")} = ${result.fields[i]}`, "ls-formula"]]) {
      const cell = document.createElement(cls === "" ? "th" : "td");
      if (cls) cell.className = cls;
      else cell.scope = "row";
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
}

/** "With 4 layers of 2 taps and dilations 1, 2, 4 and 8, the last output sees 16 inputs (2⁴) ..." */
export function stackText(result, body) {
  const layers = result.dilations.length;
  const field = result.fields[layers - 1];
  const other = result.other_fields[layers - 1];
  const n = result.x.length;
  const reached = result.paths[0].filter((v) => v !== 0).length;
  const how = body.dilated ? `dilations ${listText(result.dilations)}` : "every dilation 1";
  const power = body.dilated && body.taps === 2 ? ` (2${superscript(layers)})` : "";
  const seen = field > n
    ? `would see ${field} inputs${power}, more than this signal\u2019s ${n}: all ${reached} of them reach it`
    : `sees ${field} inputs${power}, the ${reached} dark ones`;
  const compare = body.dilated
    ? `Without dilation the same ${plural(layers, "layer")} would see ${other}.`
    : `With dilations 1, 2, 4, \u2026 the same ${plural(layers, "layer")} would see ${other}.`;
  return `With ${plural(layers, "layer")} of ${body.taps} taps and ${how}, the last output ${seen}. ${compare}`;
}
