// Lesson 9's views of the engine's answers to POST /api/lessons/groups and /groups/time: the
// wiring of channels to filters, and the sentences about what each filter sees, what it costs,
// and what the engine measured. Every sentence is worded from the answer and the request.

import { svgEl } from "../shared/dom.js";
import { TIMES, formatInteger, formatMs, formatNumber, formatRatio } from "../shared/numbers.js";
import { listText, plural } from "../shared/words.js";

const ROW = 24; // px between channels
const GROUP_COLOURS = 6; // .gr-0 .. .gr-5 in lessons-groups.css, reused round

/** Input channels on the left, filters on the right, a line per channel a filter sees. */
export function wiring(result, body) {
  const rows = Math.max(body.c_in, body.c_out);
  const height = rows * ROW + 24;
  const yOf = (i, count) => 22 + (i + (rows - count) / 2) * ROW;
  const perGroup = body.c_out / body.groups;
  const svg = svgEl("svg", { viewBox: `0 0 300 ${height}`, role: "img", class: "ls-diagram ls-wiring-svg",
    "aria-label": `${plural(body.c_in, "input channel")} wired to ${plural(body.c_out, "filter")} in ${plural(body.groups, "group")}` });
  svg.append(svgEl("text", { x: 40, y: 12, class: "lbl" }, "input channels"),
    svgEl("text", { x: 260, y: 12, class: "lbl" }, "filters"));
  result.sees.forEach((channels, f) => {
    const group = Math.floor(f / perGroup) % GROUP_COLOURS;
    for (const c of channels) {
      svg.append(svgEl("line", { x1: 52, y1: yOf(c, body.c_in), x2: 248, y2: yOf(f, body.c_out),
        class: `wire gr-${group}`, "data-wire": `${c}-${f}` }));
    }
  });
  for (let c = 0; c < body.c_in; c += 1) {
    const group = Math.floor(c / (body.c_in / body.groups)) % GROUP_COLOURS;
    svg.append(svgEl("rect", { x: 26, y: yOf(c, body.c_in) - 9, width: 28, height: 18, rx: 3, class: `ch gr-${group}` }),
      svgEl("text", { x: 40, y: yOf(c, body.c_in) + 4, class: "lbl" }, String(c + 1)));
  }
  for (let f = 0; f < body.c_out; f += 1) {
    const group = Math.floor(f / perGroup) % GROUP_COLOURS;
    svg.append(svgEl("rect", { x: 246, y: yOf(f, body.c_out) - 9, width: 28, height: 18, rx: 3, class: `kn gr-${group}` }),
      svgEl("text", { x: 260, y: yOf(f, body.c_out) + 4, class: "lbl" }, String(f + 1)));
  }
  return svg;
}

/** "channels 3–4" or "channel 3" (counted from 1). */
function channelRange(channels) {
  const first = channels[0] + 1;
  const last = channels[channels.length - 1] + 1;
  return first === last ? `channel ${first}` : `channels ${first}\u2013${last}`;
}

/** "With 3 groups, each of the 12 filters sees 2 of the 6 input channels: filters 1–4 see channels 1–2, ..." */
export function seesText(result, body) {
  const per = result.sees[0].length;
  const perGroup = body.c_out / body.groups;
  const head = body.groups === 1
    ? `With 1 group, each of the ${plural(body.c_out, "filter")} sees all ${plural(body.c_in, "input channel")}: LeNet\u2019s convolution.`
    : `With ${body.groups} groups, each of the ${plural(body.c_out, "filter")} sees ${per} of the ${plural(body.c_in, "input channel")}`;
  if (body.groups === 1) return head;
  const parts = [];
  for (let g = 0; g < body.groups && parts.length < 4; g += 1) {
    const first = g * perGroup + 1;
    const filters = perGroup === 1 ? `filter ${first}` : `filters ${first}\u2013${first + perGroup - 1}`;
    parts.push(`${filters} ${perGroup === 1 ? "sees" : "see"} ${channelRange(result.sees[g * perGroup])}`);
  }
  const more = body.groups > parts.length ? `, and so on for all ${body.groups} groups` : "";
  const depthwise = per === 1 ? " Each filter sees one channel: this is the depthwise convolution." : "";
  return `${head}: ${listText(parts)}${more}.${depthwise}`;
}

/** "That is 1/3 of the 648 weights and of the 508,032 multiply-adds at groups = 1." */
export function costText(result, body) {
  if (body.groups === 1) {
    const fewest = result.valid_groups[result.valid_groups.length - 1];
    return fewest === 1
      ? `${body.c_in} and ${body.c_out} have no common divisor but 1, so this layer cannot be grouped.`
      : `The most groups these channels allow is ${fewest}: it would need 1/${fewest} of these weights and multiply-adds.`;
  }
  return `That is 1/${body.groups} of the ${formatInteger(result.weights * body.groups)} weights and of the `
    + `${formatInteger(result.macs * body.groups)} multiply-adds at groups = 1.`;
}

/** One table row per setting, the chosen one marked. */
export function timingRows(timings, chosen) {
  const first = timings.settings[0];
  return timings.settings.map((s) => {
    const row = document.createElement("tr");
    row.dataset.groups = String(s.groups);
    if (s.groups === chosen) row.classList.add("is-selected");
    const cells = [String(s.groups), formatInteger(s.weights), formatInteger(s.macs), formatMs(s.seconds),
      formatRatio(first.seconds / s.seconds)];
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) cell.scope = "row";
      else cell.className = "ls-num-cell";
      cell.textContent = text;
      row.append(cell);
    });
    return row;
  });
}

/** What the measured times say against the multiply-adds, from groups = 1 to the most groups. */
export function timingText(timings) {
  const first = timings.settings[0];
  const last = timings.settings[timings.settings.length - 1];
  const on = `on ${plural(timings.batch, "image")}`;
  if (last.groups === 1) return `At groups = 1 the engine takes ${formatMs(first.seconds)} ${on}; these channels allow no other setting.`;
  const work = first.macs / last.macs;
  const speed = first.seconds / last.seconds;
  const change = speed >= 1 ? `${formatRatio(speed)} faster` : `${formatRatio(1 / speed)} slower`;
  return `From groups = 1 to groups = ${last.groups} the multiply-adds fall ${formatRatio(work)} and the engine takes `
    + `${formatMs(first.seconds)} then ${formatMs(last.seconds)} ${on}: ${change}`
    + (speed >= 0.9 * work ? ", about as much as the work fell."
      : `, not ${formatRatio(work)}: many small products keep the processor less busy than one large one.`);
}

/** The seed's comparison with the learner's numbers, and the engine's times for both. */
export function separableText(timings, body) {
  const s = timings.separable;
  const speed = s.seconds_standard / s.seconds_separable;
  return `With ${body.c_in} input channels, ${plural(body.c_out, "filter")} and a ${body.kernel}${TIMES}${body.kernel} kernel, `
    + `the separable layer needs ${formatNumber(100 * s.ratio, 1)}% of the standard layer\u2019s multiply-adds `
    + `(${formatInteger(s.separable)} against ${formatInteger(s.standard)}); the engine runs it in `
    + `${formatMs(s.seconds_separable)} against ${formatMs(s.seconds_standard)}, `
    + (speed >= 1 ? `${formatRatio(speed)} faster.` : `${formatRatio(1 / speed)} slower: at this size the two calls cost more than they save.`);
}
