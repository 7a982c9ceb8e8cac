// Lesson 11, /lessons/translation: the tutorial's opening question. A digit (the learner's last
// drawing from /digits, or one of ten MNIST test digits) moves by the dx, dy sliders; POST
// /api/lessons/translation answers with the shifted digit, what each of the four committed networks
// reads, conv1's and conv2's maps of the shifted digit against the maps shifted, and the profiles
// of the digit slid all the way along each axis; GET /api/lessons/translation/curves gives the
// accuracy against shift over the test set, once.
//
// State: the digit (pixels and where it came from), the shift, the chosen map of each layer, and
// the axis each of the two chart parts shows. Sections that draw an answer carry data-request and
// data-version (lesson-page.js's rendered()).

import { readStoredDrawing } from "../digits/drawing-store.js";
import { el } from "../shared/dom.js";
import { drawHeatmap, paperColor } from "../shared/heatmap.js";
import { SAMPLE_DIGITS, decodeSample } from "../shared/sample-digits.js";
import { radioValue, rendered, showError, start } from "./lesson-page.js";
import { translation, translationCurves } from "./lessons-api.js";
import { LiveSection } from "./live-section.js";
import { answerItems, changeChart, channelButtons, curveTable, curvesChart, curvesData, drawDigit, drawMaps,
  probabilityChart } from "./translation-views.js";
import { curvesText, distortionWords, mapText, networkName, poolingText, probabilityText,
  shiftText, shiftWords } from "./translation-words.js";

const FIELD = 28;
const LAYERS = ["conv1", "pool1", "conv2", "pool2"];

class TranslationLesson {
  constructor(page) {
    this.page = page;
    this.state = { pixels: null, source: null, dx: 0, dy: 0, channels: { conv1: 0, conv2: 0 }, axis: "x", curveAxis: "x" };
    this.shown = null; // {result, body} on screen
    this.charts = null; // made with the first answer, which names the networks
    this.sliders = Object.fromEntries(["dx", "dy"].map((a) => [a, page.$(`[data-shift="${a}"]`)]));
    this.part = new LiveSection(page, { name: "shift", send: translation, names: { dx: "the shift to the right", dy: "the shift down", pixels: "the digit" },
      draw: (result, body) => this.draw(result, body), codeRoot: page.$('[data-section="maps"] [data-code-block]') });
    this.bindControls();
    this.buildSources();
  }

  bindControls() {
    for (const [axis, slider] of Object.entries(this.sliders)) {
      slider.addEventListener("input", () => {
        this.state[axis] = Number(slider.value);
        this.showShift();
        this.request();
      });
    }
    this.page.$("[data-reset]").addEventListener("click", () => {
      this.state.dx = 0;
      this.state.dy = 0;
      this.showShift();
      this.request(true);
    });
    const section = (name) => this.page.$(`[data-section="${name}"]`);
    section("pooling").addEventListener("change", () => {
      this.state.axis = radioValue(section("pooling"), "tl-axis");
      if (this.shown) this.drawProfiles(this.shown.result);
    });
    section("curves").addEventListener("change", () => {
      this.state.curveAxis = radioValue(section("curves"), "tc-axis");
      if (this.curves) this.drawCurves(this.curves);
    });
  }

  buildSources() {
    const list = this.page.$("[data-samples]");
    list.replaceChildren(...SAMPLE_DIGITS.map((sample) => {
      const button = this.pickButton(`sample:${sample.label}`, `Sample ${sample.label}`, decodeSample(sample, FIELD));
      button.title = `A ${sample.label} from the MNIST test set (image ${sample.index})`;
      button.addEventListener("click", () => this.use(decodeSample(sample, FIELD), `sample:${sample.label}`));
      const item = el("li");
      item.append(button);
      return item;
    }));
    const stored = readStoredDrawing(FIELD);
    const storedButton = this.page.$('[data-pick="stored"]');
    if (stored?.input) {
      storedButton.hidden = false;
      drawHeatmap(storedButton.querySelector("canvas"), stored.input, { colour: (v) => paperColor(v, 0.9) });
      storedButton.addEventListener("click", () => this.use(stored.input, "stored"));
    }
    this.use(stored?.input ?? decodeSample(SAMPLE_DIGITS[7], FIELD), stored?.input ? "stored" : "sample:7");
  }

  pickButton(source, label, pixels) {
    const button = el("button", "digit-pick");
    button.type = "button";
    button.dataset.pick = source;
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", label);
    const canvas = el("canvas");
    canvas.setAttribute("aria-hidden", "true");
    drawHeatmap(canvas, pixels, { colour: (v) => paperColor(v, 0.9) });
    button.append(canvas);
    return button;
  }

  use(pixels, source) {
    this.state.pixels = pixels;
    this.state.source = source;
    this.page.root.dataset.picture = source;
    for (const b of this.page.root.querySelectorAll(".digit-pick")) b.setAttribute("aria-pressed", String(b.dataset.pick === source));
    drawDigit(this.page.$('[data-digit="original"]'), pixels);
    this.request(true);
  }

  showShift() {
    for (const [axis, slider] of Object.entries(this.sliders)) {
      slider.value = String(this.state[axis]);
      this.page.$(`[data-shift-value="${axis}"]`).textContent = String(this.state[axis]);
    }
  }

  request(now = false) {
    const body = { pixels: this.state.pixels, dx: this.state.dx, dy: this.state.dy };
    if (now) this.part.askNow(body);
    else this.part.ask(body);
  }

  draw(result, body) {
    this.shown = { result, body };
    drawDigit(this.page.$('[data-digit="shifted"]'), result.shifted_pixels);
    const moved = shiftWords(body.dx, body.dy);
    this.page.$("[data-shifted-caption]").textContent = moved ? `moved ${moved}` : "not moved";
    this.page.$("[data-answers]").replaceChildren(...answerItems(result.networks, result.current, result.answer));
    this.page.$("[data-shift-text]").textContent = shiftText(result, body);
    for (const m of result.maps) this.drawLayer(m, body);
    rendered(this.page.$('[data-section="maps"]'), { dx: body.dx, dy: body.dy, picture: this.state.source });
    this.drawProfiles(result);
  }

  drawLayer(m, body) {
    const box = this.page.$(`[data-layer="${m.layer}"]`);
    const count = m.of_shifted.length;
    const chosen = Math.min(this.state.channels[m.layer], count - 1);
    box.querySelector("[data-channels]").replaceChildren(...channelButtons(count, chosen, (c) => {
      this.state.channels[m.layer] = c;
      this.drawLayer(m, body);
    }, m.layer));
    const scale = drawMaps(box, m, chosen);
    box.dataset.channel = String(chosen);
    const [cx, cy] = m.cells;
    box.querySelector("[data-map-caption]").textContent =
      `${m.layer}(x), moved ${shiftWords(cx, cy, m.jump === 1 ? "pixel" : "cell") || "by 0"}`;
    box.querySelector("[data-map-text]").textContent = mapText(m, body, scale);
  }

  drawProfiles(result) {
    const profile = result.profiles.find((p) => p.axis === this.state.axis);
    if (!this.charts) {
      this.charts = { change: changeChart(this.page.$('[data-chart="change"]'), LAYERS),
        probability: probabilityChart(this.page.$('[data-chart="probability"]'), result.networks) };
    }
    this.charts.change.setData([profile.shifts, ...LAYERS.map((l) => profile.change[l])]);
    this.charts.probability.setData([profile.shifts, ...result.networks.map((n) => profile.probability[n.key])]);
    this.page.$("[data-pooling-text]").textContent = poolingText(profile);
    this.page.$("[data-probability-text]").textContent = probabilityText(profile, result.answer, result.networks);
    rendered(this.page.$('[data-section="pooling"]'), { axis: profile.axis, picture: this.state.source });
  }

  loadCurves() {
    const status = this.page.$("[data-curves-status]");
    const query = this.page.query(() => translationCurves(), {
      onResult: (data) => {
        status.hidden = true;
        this.curves = data;
        this.page.$('[data-result="curves"]').hidden = false;
        this.drawCurves(data);
      },
      onError: (error) => {
        status.hidden = true;
        showError(this.page.$('[data-error="curves"]'), `Could not measure the curves: ${error.message || error}`);
      },
    });
    query.now(null);
  }

  drawCurves(data) {
    this.curveChart ??= curvesChart(this.page.$('[data-chart="curves"]'), data.networks);
    this.curveChart.setData(curvesData(data, this.state.curveAxis));
    curveTable(this.page.$("[data-curve-head]"), this.page.$("[data-curve-rows]"), data);
    this.page.$("[data-curves-text]").textContent = curvesText(data);
    const distorted = data.networks.filter((n) => n.distorted).map((n) => networkName(n, { short: true }));
    this.page.$("[data-curves-source]").textContent = `${data.test_digits.toLocaleString("en")} test digits, measured by the engine in `
      + `${data.seconds} s${data.cached ? " and kept beside the weights" : ""}. ${distorted.join(" and ")} with distortions: ${distortionWords(data.networks.find((n) => n.distorted)?.augment)}.`;
    rendered(this.page.$('[data-section="curves"]'), { axis: this.state.curveAxis });
  }
}

start("translation", (page) => {
  const lesson = new TranslationLesson(page);
  lesson.loadCurves();
});
