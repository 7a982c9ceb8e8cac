// The digit page (/digits): wires the drawing pad to POST /api/digits/predict and the views.
//
// The pad reports "drawing-change"; this module keeps the page's state in one closure and asks
// the server, debounced (150 ms, but at least every 450 ms while a stroke goes on) with the
// stale request aborted. While a stroke is being drawn only the answer is asked for; when the
// pen lifts, every layer's output too (a few hundred kB that need not travel on every move).
// An empty canvas is not sent: the page says what to do instead of guessing.
//
// The strokes, and the 28 x 28 image the network saw, are kept in sessionStorage so the drawing
// is still there on coming back, and /receptive-field can use it.
//
// For tests and curious learners the root element [data-digits-page] carries data-state
// ("empty" | "waiting" | "predicted" | "error"), data-digit, data-runner-up, data-model,
// data-version (bumped with each answer shown) and data-busy ("true" while anything is pending).

import { isAbort } from "../shared/api.js";
import {
  STORAGE_KEY,
  confidenceWords,
  decodeDrawing,
  encodeDrawing,
  formatPercent,
  isEmptyDrawing,
  modelLabel,
} from "./digit-math.js";
import { fetchModel, predictDrawing } from "./digits-api.js";
import { DigitPreview, LayerMaps, ProbabilityBars } from "./digit-views.js";
import { DrawPad } from "./draw-pad.js";

const DEBOUNCE_MS = 150;
const MAX_WAIT_MS = 450;

function readStored(storage) {
  try {
    return decodeDrawing(storage?.getItem(STORAGE_KEY));
  } catch {
    return null; // storage disabled
  }
}

function writeStored(storage, record) {
  try {
    if (isEmptyDrawing(record.strokes)) storage?.removeItem(STORAGE_KEY);
    else storage?.setItem(STORAGE_KEY, encodeDrawing(record));
  } catch {
    // full or disabled: the page works without it
  }
}

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const storage = (() => {
    try {
      return window.sessionStorage;
    } catch {
      return null;
    }
  })();

  const pad = new DrawPad($("[data-draw-pad]"));
  const bars = new ProbabilityBars($("[data-bars]"));
  const preview = new DigitPreview($("[data-preview]"));
  const maps = new LayerMaps($("[data-layer-maps]"));

  const prompt = $("[data-prompt]");
  const guess = $("[data-guess]");
  const guessDigit = $("[data-guess-digit]");
  const guessLine = $("[data-guess-line]");
  const confidenceLine = $("[data-confidence-line]");
  const runnerUpLine = $("[data-runner-up-line]");
  const errorBox = $("[data-error]");
  const thinking = $("[data-thinking]");
  const modelLine = $("[data-model-line]");
  const liveGuess = $("[data-live-guess]");
  const liveDigit = $("[data-live-digit]");

  let timer = null;
  let firstPendingAt = 0;
  let wantActivations = false;
  let controller = null;
  let version = 0;
  let modelInfo = null; // /api/model answer
  let layerInfo = new Map();
  let modelRequest = null;
  let record = { strokes: [], input: null, digit: null };

  // ------------------------------------------------------------------------------ state

  function updateBusy() {
    const busy = Boolean(timer || controller || modelRequest);
    root.dataset.busy = String(busy);
    thinking.hidden = !(timer || controller);
  }

  function setState(state) {
    root.dataset.state = state;
  }

  function showEmpty() {
    setState("empty");
    prompt.hidden = false;
    guess.hidden = true;
    errorBox.hidden = true;
    liveGuess.hidden = true;
    bars.clear();
    preview.clear();
    maps.message("Draw a digit to see what each layer makes of it.");
    delete root.dataset.digit;
    delete root.dataset.runnerUp;
  }

  function showError(message) {
    setState("error");
    prompt.hidden = true;
    guess.hidden = true;
    liveGuess.hidden = true;
    errorBox.textContent = message;
    errorBox.hidden = false;
    bars.clear();
    delete root.dataset.digit;
    delete root.dataset.runnerUp;
  }

  function showModel(source, architecture, answered = true) {
    const label = modelLabel(source, architecture);
    const accuracy = modelInfo && modelInfo.source === source && modelInfo.test_accuracy != null
      ? ` (${(modelInfo.test_accuracy * 100).toFixed(2)}% right on the 10,000 MNIST test digits)` : "";
    modelLine.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = label.text;
    modelLine.append(answered ? "Answered by " : "Answering: ", strong, `${accuracy}. `);
    if (label.kind === "pretrained") {
      modelLine.append("Train your own on ");
      const link = document.createElement("a");
      link.href = "/training";
      link.textContent = "Training";
      modelLine.append(link, " and activate it to ask that one instead.");
    } else {
      modelLine.append("It was activated on the Training page.");
    }
    root.dataset.model = source;
  }

  function showPrediction(result) {
    const { digit, runner_up: runnerUp, probabilities } = result;
    setState("predicted");
    prompt.hidden = true;
    errorBox.hidden = true;
    guess.hidden = false;
    guessDigit.textContent = String(digit);
    guessLine.textContent = `It\u2019s a ${digit}`;
    confidenceLine.textContent = `${confidenceWords(probabilities[digit])}: ${formatPercent(probabilities[digit])}`;
    runnerUpLine.textContent = `runner-up ${runnerUp} (${formatPercent(probabilities[runnerUp])})`;
    liveDigit.textContent = String(digit);
    liveGuess.hidden = false;
    bars.update(probabilities, digit, runnerUp);
    preview.draw(result.input);
    if (result.activations) maps.render(result.activations, layerInfo);
    else maps.stale(true);
    showModel(result.model, result.architecture);
    version += 1;
    root.dataset.version = String(version);
    root.dataset.digit = String(digit);
    root.dataset.runnerUp = String(runnerUp);
  }

  // -------------------------------------------------------------------------- requests

  function loadModelInfo() {
    const request = fetchModel()
      .then((info) => {
        modelInfo = info;
        layerInfo = new Map(info.layers.map((layer) => [layer.name, layer]));
        if (!root.dataset.model) {
          showModel(info.source, info.architecture, false);
          delete root.dataset.model; // set once an answer says which weights gave it
        }
      })
      .catch(() => {
        modelLine.textContent = "Could not ask the server which network it serves.";
      })
      .finally(() => {
        if (modelRequest === request) modelRequest = null;
        updateBusy();
      });
    modelRequest = request;
    updateBusy();
    return request;
  }

  function cancel() {
    clearTimeout(timer);
    timer = null;
    firstPendingAt = 0;
    controller?.abort();
    controller = null;
    updateBusy();
  }

  /** The drawing changed: ask again shortly (activations: also every layer's output). */
  function schedule(activations) {
    wantActivations = activations;
    const now = performance.now();
    if (!firstPendingAt) firstPendingAt = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, MAX_WAIT_MS - (now - firstPendingAt)));
    timer = setTimeout(run, wait);
    if (root.dataset.state !== "predicted") setState("waiting");
    updateBusy();
  }

  async function run() {
    timer = null;
    firstPendingAt = 0;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    const activations = wantActivations;
    updateBusy();
    try {
      const blob = await pad.toBlob();
      if (controller !== mine) return;
      const result = await predictDrawing(blob, { activations, signal: mine.signal });
      if (controller !== mine) return;
      if (modelInfo && result.model !== modelInfo.source) {
        await loadModelInfo(); // another run was activated meanwhile: its layers' names and accuracy
        if (controller !== mine) return;
      }
      showPrediction(result);
      record = { strokes: pad.strokes, input: result.input, digit: result.digit };
      writeStored(storage, record);
    } catch (error) {
      if (isAbort(error) || controller !== mine) return;
      showError(error.message || String(error));
      maps.message("No layers to show until the network can read the drawing.");
    } finally {
      if (controller === mine) controller = null;
      updateBusy();
    }
  }

  // ---------------------------------------------------------------------------- wiring

  pad.root.addEventListener("drawing-change", (event) => {
    const { strokes, active, reason } = event.detail;
    record = { strokes, input: null, digit: null };
    writeStored(storage, record);
    if (isEmptyDrawing(strokes)) {
      cancel();
      showEmpty();
      return;
    }
    if (reason === "restore") {
      wantActivations = true;
      run();
      return;
    }
    schedule(!active);
  });

  // ----------------------------------------------------------------------------- start

  showEmpty();
  loadModelInfo().finally(() => {
    const stored = readStored(storage);
    if (stored && !isEmptyDrawing(stored.strokes)) pad.setStrokes(stored.strokes);
  });
  root.classList.add("is-ready");
}

for (const root of document.querySelectorAll("[data-digits-page]")) setUp(root);
