// The digit page (/digits): wires the drawing pad to POST /api/digits/predict and the views.
//
// The pad reports "drawing-change"; the page asks the server through one LiveQuery: debounced
// (150 ms, but at least every 450 ms while a stroke goes on), the stale request aborted, only
// the newest answer shown. While a stroke is being drawn only the answer is asked for; when
// the pen lifts, every layer's output too (a few hundred kB that need not travel on every
// move). An empty canvas is not sent: the page says what to do instead of guessing.
//
// The strokes, and the image the network saw, are kept in sessionStorage (drawing-store.js) so
// the drawing is still there on coming back, and /receptive-field can use it.
//
// For tests and curious learners the root element [data-digits-page] carries data-state
// ("empty" | "waiting" | "predicted" | "error"), data-digit, data-runner-up, data-model,
// data-version (bumped with each answer shown) and data-busy ("true" while anything is pending).
// The server's numbers the page prints come from the root's data-field and data-box (the
// recipe's field and ink box) and from pageLimits() (the largest drawing it accepts).

import { pageLimits } from "../shared/limits.js";
import { LiveQuery } from "../shared/live-query.js";
import { mountNetworkChoice } from "../shared/network-choice.js";
import { AnswerPanel } from "./answer-panel.js";
import { DigitPreview } from "./digit-preview.js";
import { fetchModel, predictDrawing } from "./digits-api.js";
import { DrawPad } from "./draw-pad.js";
import { readStoredDrawing, writeStoredDrawing } from "./drawing-store.js";
import { LayerMaps } from "./layer-maps.js";
import { GradientView } from "./gradient-view.js";
import { UnitInspector } from "./unit-inspector.js";
import { isEmptyDrawing } from "./strokes.js";

const DEBOUNCE_MS = 150;
const MAX_WAIT_MS = 450;

/** Everything the page knows, in one place. */
function initialState(root) {
  return {
    root,
    field: Number(root.dataset.field),
    model: null, // /api/model's answer
    layerInfo: new Map(), // layer name -> /api/model's layer
    modelRequest: null, // the /api/model request on its way, if any
    version: 0, // answers shown
  };
}

function setUp(root) {
  const state = initialState(root);
  const pad = new DrawPad(root.querySelector("[data-draw-pad]"), { maxPixels: pageLimits().max_digit_pixels });
  const answer = new AnswerPanel(root);
  const preview = new DigitPreview(root.querySelector("[data-preview]"), { field: state.field, box: Number(root.dataset.box) });
  const maps = new LayerMaps(root.querySelector("[data-layer-maps]"), { selectable: true });
  const inspector = new UnitInspector(root.querySelector("[data-unit-inspector]"), maps);
  const backward = new GradientView(root.querySelector("[data-backward]"), root.querySelector("[data-unit-target]"));
  const views = { pad, answer, preview, maps, inspector, backward };

  const query = new LiveQuery((body, signal) => predict(state, pad, body, signal), {
    delay: DEBOUNCE_MS,
    maxWait: MAX_WAIT_MS,
    abortStale: true,
    onResult: (result) => showPrediction(state, views, result),
    onError: (error) => showError(state, views, error.message || String(error)),
    onChange: () => updateBusy(state, answer, query),
  });
  state.query = query;

  pad.root.addEventListener("drawing-change", (event) => {
    const { strokes, active, reason } = event.detail;
    writeStoredDrawing({ strokes, input: null, digit: null });
    if (isEmptyDrawing(strokes)) {
      query.cancel();
      showEmpty(state, views);
    } else if (reason === "restore") {
      query.now({ activations: true });
    } else {
      if (root.dataset.state !== "predicted") root.dataset.state = "waiting";
      query.schedule({ activations: !active });
    }
  });

  showEmpty(state, views);
  loadModel(state, answer).finally(() => {
    const stored = readStoredDrawing(state.field);
    if (stored && !isEmptyDrawing(stored.strokes)) pad.setStrokes(stored.strokes);
  });
  root.classList.add("is-ready");
}

/** The pad as a PNG -> the server's answer (with every layer's output when `activations`). */
async function predict(state, pad, { activations }, signal) {
  const blob = await pad.toBlob();
  const result = await predictDrawing(blob, { activations, signal });
  if (state.model && result.model !== state.model.source) await loadModel(state); // another run was activated
  return result;
}

/** GET /api/model: the served network's layers (for the maps' headings) and its accuracy. */
function loadModel(state, answer = null) {
  const request = fetchModel()
    .then((info) => {
      state.model = info;
      state.layerInfo = new Map(info.layers.map((layer) => [layer.name, layer]));
      if (answer && !state.root.dataset.model) answer.showModel(info.source, info.architecture, { answered: false, model: info });
    })
    .catch(() => answer?.showModelError())
    .finally(() => {
      if (state.modelRequest === request) state.modelRequest = null;
      updateBusy(state, null, state.query);
    });
  state.modelRequest = request;
  updateBusy(state, null, state.query);
  return request;
}

function updateBusy(state, answer, query) {
  const asking = Boolean(query?.busy);
  state.root.dataset.busy = String(asking || Boolean(state.modelRequest));
  answer?.setThinking(asking);
}

function forgetDigit(root) {
  delete root.dataset.digit;
  delete root.dataset.runnerUp;
}

function showEmpty(state, { answer, preview, maps, inspector, backward }) {
  state.root.dataset.state = "empty";
  inspector.clear();
  backward.clear();
  answer.showEmpty();
  preview.clear();
  maps.message("Draw a digit to see what each layer makes of it.");
  forgetDigit(state.root);
}

function showError(state, { answer, maps, inspector, backward }, message) {
  state.root.dataset.state = "error";
  inspector.clear();
  backward.clear();
  answer.showError(message);
  maps.message("No layers to show until the network can read the drawing.");
  forgetDigit(state.root);
}

function showPrediction(state, { pad, answer, preview, maps, inspector, backward }, result) {
  const { root } = state;
  root.dataset.state = "predicted";
  answer.showPrediction(result);
  preview.draw(result.input);
  if (result.activations) {
    maps.render(result.activations, state.layerInfo, [1, result.input.length, result.input[0].length]);
    inspector.setInput(result.input, result.digit);
    backward.setInput(result.input, result.digit);
  } else maps.stale(true);
  answer.showModel(result.model, result.architecture, { model: state.model });
  root.dataset.model = result.model;
  state.version += 1;
  root.dataset.version = String(state.version);
  root.dataset.digit = String(result.digit);
  root.dataset.runnerUp = String(result.runner_up);
  writeStoredDrawing({ strokes: pad.strokes, input: result.input, digit: result.digit });
}

for (const root of document.querySelectorAll("[data-digits-page]")) setUp(root);
mountNetworkChoice(document.querySelector("[data-network-choice]"));
