// Line charts with uPlot (static/vendor/uplot/, installed from npm): the live loss and accuracy
// curves, the learning rate, and the comparison of two runs. Each chart follows its container's
// width; a chart's y axis can switch between log and linear (setLog).

import uPlot from "/static/vendor/uplot/uPlot.esm.js";

import { DASH, formatPercent, formatSignificant } from "./numbers.js";

export const COLORS = Object.freeze({
  batch: "rgba(232, 89, 12, 0.7)", // batches: orange; the smoothed loss solid, single batches faint
  batchFaint: "rgba(232, 89, 12, 0.22)",
  smooth: "#e8590c",
  train: "#3f37c9",
  test: "#0f9d74",
  runA: "#3f37c9",
  runB: "#d9465f",
  lr: "#7048e8",
});

const AXIS = {
  stroke: "#5a6174",
  grid: { stroke: "#e9ecf3", width: 1 },
  ticks: { stroke: "#e1e5ee", width: 1, size: 4 },
  font: "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  labelFont: "600 12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
};

/** Axis tick labels and legend values for a series of fractions shown as percentages. */
export const percent = {
  ticks: (u, splits) => splits.map((v) => (v == null ? "" : `${formatSignificant(v * 100, 3)}%`)),
  value: (u, v) => (v == null ? DASH : formatPercent(v, 2)),
};
/** ... of values already in percent. */
export const percentPoints = {
  ticks: (u, splits) => splits.map((v) => (v == null ? "" : `${formatSignificant(v, 3)}%`)),
  value: (u, v) => (v == null ? DASH : formatPercent(v / 100, 2)),
};
export const plain = {
  ticks: (u, splits) => splits.map((v) => (v == null ? "" : formatSignificant(v, 3))),
  value: (u, v) => (v == null ? DASH : formatSignificant(v, 4)),
};

/**
 * A uPlot chart inside ``container`` (which also holds an element with [data-chart-empty],
 * shown while there is nothing to draw).
 * @param {{series: Array<{label: string, stroke: string, width?: number, dash?: number[],
 *          points?: boolean, line?: boolean}>, xLabel: string, yLabel: string, format: typeof plain,
 *          xFormat?: typeof plain, log?: boolean, height?: number, sync?: string}} options
 *   log: the y axis starts on a log scale (setLog switches it)
 */
export class LineChart {
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.host = container.querySelector("[data-chart-plot]") ?? container;
    this.empty = container.querySelector("[data-chart-empty]");
    this.points = 0;
    this.log = Boolean(options.log);
    this.data = this.blank();
    this.zoom = null; // the x range the learner dragged out, kept while new data arrives
    this.plot = this.makePlot();
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.container);
    this.setData(this.blank());
  }

  /** A uPlot for the options and the current y scale (log or linear), drawing nothing yet. */
  makePlot() {
    const { options } = this;
    const { format, xFormat = plain } = options;
    const opts = {
      hooks: {
        setSelect: [(u) => {
          if (u.select.width > 2) {
            this.zoom = { min: u.posToVal(u.select.left, "x"), max: u.posToVal(u.select.left + u.select.width, "x") };
          }
        }],
        ready: [(u) => u.over.addEventListener("dblclick", () => {
          this.zoom = null;
        })],
      },
      width: this.width(),
      height: this.height(),
      pxAlign: 0,
      cursor: options.sync ? { sync: { key: options.sync } } : {},
      legend: { live: true },
      scales: {
        x: { time: false },
        y: this.log ? { distr: 3, log: 10 } : { auto: true },
      },
      axes: [
        { ...AXIS, label: options.xLabel, labelSize: 20, values: xFormat.ticks, incrs: options.xIncrs },
        { ...AXIS, label: options.yLabel, labelSize: 20, size: 52, values: format.ticks },
      ],
      series: [
        { label: options.xLabel, value: (u, v) => (v == null ? DASH : formatSignificant(v, 3)) },
        ...options.series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: s.width ?? 2,
          dash: s.dash,
          spanGaps: true,
          points: s.points ? { show: true, size: 6, fill: "#fff", width: 2 } : { show: false },
          ...(s.line === false ? { paths: () => null } : {}), // dots only
          value: format.value,
        })),
      ],
    };
    const plot = new uPlot(opts, this.blank(), this.host);
    // What the plot really is, for learners' tools and tests: uPlot's distribution 3 is its log scale.
    this.container.dataset.scale = plot.scales.y.distr === 3 ? "log" : "linear";
    return plot;
  }

  /** The y axis on a log (true) or linear scale. uPlot fixes a scale's kind when the plot is made,
   * so the plot is made again and given the data (and the zoom) it had. */
  setLog(log) {
    if (Boolean(log) === this.log) return;
    this.log = Boolean(log);
    this.plot.destroy();
    this.plot = this.makePlot();
    this.setData(this.data);
  }

  blank() {
    return [[], ...this.options.series.map(() => [])];
  }

  width() {
    return Math.max(220, Math.floor(this.container.clientWidth || 300));
  }

  height() {
    const narrow = window.matchMedia("(max-width: 560px)").matches;
    return this.options.height ?? (narrow ? 190 : 215);
  }

  resize() {
    const width = this.width();
    const height = this.height();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  /** Aligned data: [xs, ...one array per series], null where a series has no value. */
  setData(data) {
    // A log scale needs something positive to look at: an empty chart keeps its last data, hidden.
    const points = data[0].length;
    this.data = data;
    this.points = points;
    if (this.empty) this.empty.hidden = points > 0;
    this.container.classList.toggle("is-empty", points === 0);
    this.container.dataset.points = String(points);
    if (points === 0) this.zoom = null;
    if (this.zoom) {
      this.plot.setData(data, false);
      this.plot.setScale("x", this.zoom);
    } else if (points > 0 || !this.log) {
      this.plot.setData(data);
    }
  }

  destroy() {
    this.resizer.disconnect();
    this.plot.destroy();
  }
}
