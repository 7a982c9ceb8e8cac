// Lesson 9, /lessons/groups: grouped convolution from groups = 1 to depthwise. The layer's
// channels, kernel and map size are selects; the groups slider stops only where G divides both
// channel counts (the stops come back with each answer). POST /api/lessons/groups gives who sees
// what and the costs as the slider moves; POST /api/lessons/groups/time times the engine at every
// setting when the layer itself changes, and the separable layer beside it.

import { listText } from "../shared/words.js";
import { numberSelect, start } from "./lesson-page.js";
import { groups, groupsTime } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { costText, separableText, seesText, timingRows, timingText, wiring } from "./groups-views.js";

const LAYER = ["c_in", "c_out", "kernel", "size"];

class GroupsLesson {
  constructor(page) {
    this.page = page;
    this.limits = JSON.parse(page.$("[data-limits]").dataset.limits);
    this.selects = Object.fromEntries(LAYER.map((name) => [name, page.$(`[data-option="${name}"]`)]));
    this.slider = page.$("[data-groups-slider]");
    this.stops = [1]; // the slider's values: every G the channels allow
    this.chosen = 1; // G, as the learner set it
    const names = { c_in: "the input channels", c_out: "the filters", kernel: "the kernel size", size: "the map size", groups: "the groups" };
    this.part = new LiveSection(page, { name: "groups", send: groups, names,
      draw: (result, body) => this.draw(result, body) });
    this.timed = new LiveSection(page, { name: "timings", send: groupsTime, names,
      draw: (result, body) => this.drawTimings(result, body) });
    this.bindControls();
  }

  bindControls() {
    const { channels, kernels, size } = this.limits;
    numberSelect(this.selects.c_in, 1, channels, 12);
    numberSelect(this.selects.c_out, 1, channels, 12);
    for (const k of kernels) this.selects.kernel.add(new Option(`${k}\u00d7${k}`, String(k)));
    this.selects.kernel.value = "3";
    numberSelect(this.selects.size, size[0], size[1], 32);
    for (const select of Object.values(this.selects)) select.addEventListener("change", () => this.layerChanged());
    this.slider.addEventListener("input", () => {
      this.chosen = this.stops[Number(this.slider.value)] ?? 1;
      this.showChosen();
      this.request();
    });
  }

  layer() {
    return Object.fromEntries(LAYER.map((name) => [name, Number(this.selects[name].value)]));
  }

  /** New channels keep G where it still divides both, else go back to 1; then time the new layer. */
  layerChanged() {
    const { c_in: cIn, c_out: cOut } = this.layer();
    if (cIn % this.chosen !== 0 || cOut % this.chosen !== 0) this.chosen = 1;
    this.request();
    this.timed.ask(this.layer());
  }

  request() {
    this.part.ask({ ...this.layer(), groups: this.chosen });
  }

  showChosen() {
    this.page.$("[data-groups-value]").textContent = String(this.chosen);
    for (const row of this.page.root.querySelectorAll("[data-timings] tr")) {
      row.classList.toggle("is-selected", Number(row.dataset.groups) === this.chosen);
    }
  }

  draw(result, body) {
    this.stops = result.valid_groups;
    this.slider.max = String(this.stops.length - 1);
    this.slider.value = String(this.stops.indexOf(body.groups));
    this.slider.setAttribute("aria-valuetext", `${body.groups} of ${listText(this.stops, "or")}`);
    this.page.$("[data-groups-stops]").textContent = this.stops.length === 1
      ? `${body.c_in} and ${body.c_out} share no divisor but 1: G can only be 1`
      : `G can be ${listText(this.stops, "or")}: it divides ${body.c_in} and ${body.c_out}`;
    this.showChosen();
    this.page.$('[data-figures="wiring"]').replaceChildren(wiring(result, body));
    this.page.$("[data-sees-text]").textContent = seesText(result, body);
    this.page.$('[data-formula="weights"]').textContent = result.weights_formula;
    this.page.$('[data-formula="macs"]').textContent = result.macs_formula;
    this.page.$("[data-cost-text]").textContent = costText(result, body);
  }

  drawTimings(result, body) {
    this.page.$("[data-timings]").replaceChildren(...timingRows(result, this.chosen));
    this.page.$("[data-timing-text]").textContent = timingText(result);
    const formulas = result.separable.formulas;
    for (const name of ["standard", "separable", "ratio"]) {
      this.page.$(`[data-separable="${name}"]`).textContent = formulas[name];
    }
    this.page.$("[data-separable-text]").textContent = separableText(result, body);
  }
}

start("groups", (page) => {
  const lesson = new GroupsLesson(page);
  lesson.request();
  lesson.timed.ask(lesson.layer());
});
