// The receptive-field page (/receptive-field): wires the grids, the selected unit's panels and
// the stack editor to the API.
//
// - GET /api/receptive-field (the table) and GET /api/model (layer descriptions) build the grids.
// - The digit: the last drawing from /digits (sessionStorage), a sample MNIST digit, or one
//   drawn here; POST /api/digits/predict gives the 28 x 28 image and every layer's maps.
// - Pointing at a unit ("unit-point", "unit-step" from the grids) asks
//   GET /api/receptive-field?layer&y&x for its regions (cached) and POST .../effective for its
//   sensitivity, each one request at a time with only the latest unit queued.
// - The stack editor's "stack-change" posts to .../stack (debounced, stale requests aborted).
//
// For tests, the root [data-rf-page] carries data-unit ("layer:y,x", the selected unit),
// data-regions-for and data-effective-for (the unit whose regions and field are drawn),
// data-stack-request (the JSON body behind the stack table), data-stack-version and data-busy.

import {
  STORAGE_KEY,
  decodeDrawing,
  encodeDrawing,
  formatPercent,
  isEmptyDrawing,
  maxAbs,
} from "../digits/digit-math.js";
import { fetchModel, predictDrawing, predictPixels } from "../digits/digits-api.js";
import { DrawPad } from "../digits/draw-pad.js";
import { isAbort } from "../shared/api.js";
import { EffectiveView } from "./effective-view.js";
import { LayerGrid } from "./layer-grids.js";
import {
  INPUT,
  TIMES,
  centralShare,
  frameFor,
  geometryText,
  gridLayers,
  num,
  paddingText,
  recurrenceLines,
  regionRect,
  sizeLine,
  span,
  stackBody,
  stackGeometry,
  unitBox,
} from "./rf-math.js";
import { fetchEffective, fetchRegions, fetchTable, postStack } from "./rf-api.js";
import { renderFormulas, renderNetworkTable, renderStackTable } from "./rf-views.js";
import { SAMPLE_DIGITS, decodeSample } from "./sample-digits.js";
import { StackEditor } from "./stack-editor.js";

const STACK_DEBOUNCE_MS = 150;
const DRAW_DEBOUNCE_MS = 150;
const START_SAMPLE = 7;

/** One request at a time; while it runs, only the newest queued arguments are kept. */
function latestOnly(task, onChange) {
  let running = false;
  let pending = null;
  async function pump() {
    if (running || pending === null) return;
    const args = pending;
    pending = null;
    running = true;
    onChange();
    try {
      await task(args);
    } finally {
      running = false;
      onChange();
      pump();
    }
  }
  return {
    request(args) {
      pending = args;
      pump();
      onChange();
    },
    get busy() {
      return running || pending !== null;
    },
  };
}

function inkThumbnail(canvas, pixels) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(28, 28);
  pixels.forEach((row, y) => row.forEach((v, x) => {
    const level = 255 - Math.round(v * 0.9);
    image.data.set([level, level, level, 255], (y * 28 + x) * 4);
  }));
  ctx.putImageData(image, 0, 0);
}

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const doc = root.ownerDocument;
  const storage = (() => {
    try {
      return window.sessionStorage;
    } catch {
      return null;
    }
  })();

  const gridsBox = $("[data-grids]");
  const sourceStatus = $("[data-source-status]");
  const stageError = $("[data-stage-error]");
  const mapSelect = $("[data-map]");
  const storedButton = $('[data-pick="stored"]');
  const samplesList = $("[data-samples]");
  const drawToggle = $("[data-draw-toggle]");
  const drawPanel = $("[data-draw-panel]");
  const unitSummary = $("[data-unit-summary]");
  const activationText = $("[data-activation]");
  const boxText = $("[data-box-text]");
  const paddingBox = $("[data-padding-text]");
  const effectiveNote = $("[data-effective-note]");
  const formulas = $("[data-formulas]");
  const networkTable = $("[data-network-table]");
  const stackForm = $("[data-stack]");
  const stackTable = $("[data-stack-table]");
  const stackFormulas = $("[data-stack-formulas]");

  const effective = new EffectiveView($("[data-effective]"));
  const pad = new DrawPad($("[data-draw-pad]"));
  const stack = new StackEditor(stackForm, { maxLayers: Number(stackForm.dataset.maxLayers) || 20 });

  let table = [];
  let describe = new Map();
  let layers = []; // gridLayers(): conv and pool layers with their geometry
  let frame = null;
  const grids = new Map(); // name -> LayerGrid (the input too)
  let picture = null; // {pixels, activations: Map, source, label}
  let selected = null; // {layer, y, x}
  let channel = null; // the feature map picked, or null for all
  const regionCache = new Map();
  let pictureController = null;
  let drawTimer = null;
  let stackController = null;
  let stackTimer = null;
  let stackVersion = 0;
  let stackState = { rows: [], layers: [], inputSize: 28, selected: -1 };
  let starting = true;

  // ------------------------------------------------------------------------------ busy

  const regionsRunner = latestOnly(loadRegions, updateBusy);
  const effectiveRunner = latestOnly(loadEffective, updateBusy);

  function updateBusy() {
    const busy = starting || Boolean(pictureController || drawTimer || stackController || stackTimer)
      || regionsRunner.busy || effectiveRunner.busy;
    root.dataset.busy = String(busy);
  }

  function showStageError(text) {
    stageError.textContent = text ?? "";
    stageError.hidden = !text;
  }

  const layerOf = (name) => layers.find((l) => l.name === name);
  const key = (unit) => `${unit.layer}:${unit.y},${unit.x}`;

  // ----------------------------------------------------------------------------- grids

  function buildGrids() {
    grids.clear();
    if (layers.length === 0) {
      const note = doc.createElement("p");
      note.className = "dg-maps-message";
      note.textContent = "The network served now has no convolution or pooling layers: every unit sees the whole input.";
      gridsBox.replaceChildren(note);
      return;
    }
    frame = frameFor(layers, INPUT.size);
    effective.setFrame(frame);
    const input = new LayerGrid(INPUT, frame, { input: true });
    grids.set("input", input);
    for (const layer of layers) grids.set(layer.name, new LayerGrid(layer, frame));
    gridsBox.replaceChildren(...[...grids.values()].map((g) => g.element));
    const most = Math.max(...layers.map((l) => l.channels));
    for (let c = 0; c < most; c += 1) mapSelect.add(new Option(`feature map ${c + 1}`, String(c)));
  }

  function drawGrids() {
    for (const [name, grid] of grids) {
      let tint = null;
      const maps = picture?.activations.get(name);
      if (channel !== null && maps && channel < maps.length) tint = { values: maps[channel], scale: maxAbs(maps[channel]) };
      grid.draw(picture?.pixels ?? null, tint);
    }
  }

  // -------------------------------------------------------------------------- selection

  function select(layerName, y, x) {
    const layer = layerOf(layerName);
    if (!layer) return;
    const unit = {
      layer: layerName,
      y: Math.max(0, Math.min(layer.size - 1, y)),
      x: Math.max(0, Math.min(layer.size - 1, x)),
    };
    if (selected && key(selected) === key(unit)) return;
    selected = unit;
    root.dataset.unit = key(unit);
    showLocal();
    const cached = regionCache.get(key(unit));
    if (cached) showRegions(cached);
    else regionsRunner.request(unit);
    requestEffective();
  }

  /** What needs no server: the unit's own cell, the formulas, the box from the recurrences. */
  function showLocal() {
    const layer = layerOf(selected.layer);
    const index = layers.indexOf(layer);
    for (const [name, grid] of grids) {
      const i = name === "input" ? -1 : layers.findIndex((l) => l.name === name);
      grid.setRole(name === selected.layer ? "selected" : i > index ? "later" : "earlier");
      if (name === selected.layer) {
        grid.mark("unit", regionRect(layer, { top: selected.y, bottom: selected.y, left: selected.x, right: selected.x }));
      } else {
        grid.mark("unit", null);
      }
      if (i > index || name === selected.layer) {
        grid.mark("region", null);
        grid.mark("full", null);
        grid.setRegion(null);
      }
    }
    const maps = layer.channels;
    unitSummary.textContent = `${selected.layer}, unit at row ${selected.y}, column ${selected.x} of its `
      + `${layer.size} ${TIMES} ${layer.size} grid (${maps} feature ${maps === 1 ? "map" : "maps"}).`;
    const box = unitBox(layer, selected.y, selected.x);
    boxText.textContent = `${layer.rf} ${TIMES} ${layer.rf} pixels: ${span("row", box.top, box.bottom)}, `
      + `${span("column", box.left, box.right)}.`;
    renderFormulas(formulas, [
      codeText(layer.name), ` (${layer.type} ${geometryText(layer)}) after `,
      codeText(layer.previous.name), ` (r = ${num(layer.previous.rf)}, j = ${num(layer.previous.jump)}, `
        + `start = ${num(layer.previous.start)}):`,
    ], [...recurrenceLines(layer, selected), sizeLine(layer)]);
    renderNetworkTable(networkTable, table, { selected: selected.layer, describe });
    if (picture) effective.draw(picture.pixels, null, box, null);
  }

  function codeText(text) {
    const code = doc.createElement("code");
    code.textContent = text;
    return code;
  }

  async function loadRegions(unit) {
    try {
      const answer = await fetchRegions(unit.layer, unit.y, unit.x);
      regionCache.set(key(unit), answer);
      if (selected && key(selected) === key(unit)) showRegions(answer);
    } catch (error) {
      if (!isAbort(error)) showStageError(`Could not get the unit\u2019s receptive field: ${error.message || error}`);
    }
  }

  /** The API's regions: a box in every earlier layer, and in the input. */
  function showRegions(answer) {
    const layer = layerOf(answer.layer);
    const byName = new Map(answer.regions.map((r) => [r.layer, r]));
    for (const [name, grid] of grids) {
      if (name === answer.layer) continue;
      const region = byName.get(name);
      const geometry = name === "input" ? INPUT : layerOf(name);
      if (!region || !geometry) {
        grid.setRegion(null);
        grid.mark("region", null);
        grid.mark("full", null);
        continue;
      }
      grid.setRegion(region);
      grid.mark("region", regionRect(geometry, region));
      if (name === "input" && region.outside_fraction > 0) {
        const box = unitBox(layer, answer.unit[0], answer.unit[1]);
        grid.mark("full", { left: box.left, top: box.top, width: box.right - box.left + 1, height: box.bottom - box.top + 1 });
      } else {
        grid.mark("full", null);
      }
    }
    const input = byName.get("input");
    if (input) {
      const { text } = paddingText(input, layer.rf);
      paddingBox.textContent = input.outside_fraction > 0
        ? `${text} Inside the image it covers ${span("row", input.top, input.bottom)}, ${span("column", input.left, input.right)}.`
        : text;
    }
    root.dataset.regionsFor = `${answer.layer}:${answer.unit[0]},${answer.unit[1]}`;
    showStageError(null);
  }

  function requestEffective() {
    if (!selected || !picture) return;
    const layer = layerOf(selected.layer);
    const body = { layer: selected.layer, y: selected.y, x: selected.x, pixels: picture.pixels };
    if (channel !== null && channel < layer.channels) body.channel = channel;
    effectiveRunner.request({ unit: { ...selected }, body, picture });
  }

  async function loadEffective({ unit, body, picture: forPicture }) {
    try {
      const answer = await fetchEffective(body);
      if (!selected || key(selected) !== key(unit) || picture !== forPicture) return;
      const layer = layerOf(unit.layer);
      const box = unitBox(layer, unit.y, unit.x);
      const central = centralShare(answer.gradient, box);
      effective.draw(picture.pixels, answer.gradient, box, central);
      const which = body.channel !== undefined ? `feature map ${body.channel + 1}`
        : layer.channels > 1 ? `summed over its ${layer.channels} maps` : "";
      const note = channel !== null && body.channel === undefined
        ? ` (${layer.name} has only ${layer.channels} maps, so all are summed)` : "";
      activationText.textContent = `${num(answer.activation, 3)}${which ? `, ${which}` : ""}${note}`;
      const area = (central.side * central.side) / (layer.rf * layer.rf);
      effectiveNote.textContent = central.total > 0
        ? `The central ${central.side} ${TIMES} ${central.side} pixels, ${Math.round(area * 100)}% of the box, hold `
          + `${Math.round(central.share * 100)}% of the sensitivity: a unit looks mostly at the middle of its field, `
          + "and the edges of the box hardly matter."
        : "No pixel changes this unit for this digit (its value is stuck at 0 here, or the maximum came from elsewhere): try another unit or digit.";
      root.dataset.effectiveFor = key(unit);
    } catch (error) {
      if (!isAbort(error)) effectiveNote.textContent = `Could not compute the effective field: ${error.message || error}`;
    }
  }

  // ---------------------------------------------------------------------------- picture

  function pressSource(kind, label = null) {
    storedButton.setAttribute("aria-pressed", String(kind === "stored"));
    for (const button of samplesList.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(kind === "sample" && button.dataset.label === String(label)));
    }
  }

  /** Ask the classifier for the image's layers (a ready 28 x 28 image, or a drawing's PNG). */
  async function usePicture({ pixels = null, blob = null, source, label, describeIt }) {
    pictureController?.abort();
    const controller = new AbortController();
    pictureController = controller;
    updateBusy();
    try {
      const result = blob
        ? await predictDrawing(blob, { activations: true, signal: controller.signal })
        : await predictPixels(pixels, { activations: true, signal: controller.signal });
      if (pictureController !== controller) return;
      picture = {
        pixels: result.input,
        activations: new Map(result.activations.map((a) => [a.name, a.values])),
        source,
        label,
      };
      root.dataset.picture = source === "sample" ? `sample:${label}` : source;
      pressSource(source, label);
      sourceStatus.textContent = `${describeIt}. The network reads it as ${result.digit} `
        + `(${formatPercent(result.probabilities[result.digit])}).`;
      showStageError(null);
      if (source === "drawn") {
        writeStored({ strokes: pad.strokes, input: result.input, digit: result.digit });
        showStoredButton();
      }
      drawGrids();
      if (selected) {
        effective.draw(picture.pixels, null, unitBox(layerOf(selected.layer), selected.y, selected.x), null);
        requestEffective();
      }
    } catch (error) {
      if (isAbort(error) || pictureController !== controller) return;
      showStageError(error.message || String(error));
    } finally {
      if (pictureController === controller) pictureController = null;
      updateBusy();
    }
  }

  function readStored() {
    try {
      return decodeDrawing(storage?.getItem(STORAGE_KEY));
    } catch {
      return null;
    }
  }

  function writeStored(record) {
    try {
      storage?.setItem(STORAGE_KEY, encodeDrawing(record));
    } catch {
      // full or disabled: nothing is lost but the hand-over to /digits
    }
  }

  function showStoredButton() {
    const stored = readStored();
    storedButton.hidden = !stored?.input;
    if (stored?.input) inkThumbnail(storedButton.querySelector("canvas"), stored.input);
    return stored;
  }

  function useStored() {
    const stored = readStored();
    if (!stored?.input) return false;
    usePicture({ pixels: stored.input, source: "stored", label: null, describeIt: "Your drawing from the Digits page" });
    return true;
  }

  function useSample(label) {
    const sample = SAMPLE_DIGITS.find((s) => s.label === label) ?? SAMPLE_DIGITS[0];
    usePicture({
      pixels: decodeSample(sample),
      source: "sample",
      label: sample.label,
      describeIt: `A ${sample.label} from the MNIST test set (image ${sample.index})`,
    });
  }

  function buildSamples() {
    samplesList.replaceChildren(...SAMPLE_DIGITS.map((sample) => {
      const li = doc.createElement("li");
      const button = doc.createElement("button");
      button.type = "button";
      button.className = "rf-pick rf-sample";
      button.dataset.label = String(sample.label);
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", `Sample ${sample.label}`);
      button.title = `A ${sample.label} from the MNIST test set`;
      const canvas = doc.createElement("canvas");
      canvas.width = 28;
      canvas.height = 28;
      canvas.setAttribute("aria-hidden", "true");
      inkThumbnail(canvas, decodeSample(sample));
      button.append(canvas);
      button.addEventListener("click", () => useSample(sample.label));
      li.append(button);
      return li;
    }));
  }

  // ------------------------------------------------------------------------------ stack

  function onStackChange({ inputSize, inputChannels, layers: stackLayers, errors }) {
    clearTimeout(stackTimer);
    stackTimer = null;
    if (errors.length) {
      stackController?.abort();
      stackController = null;
      stack.showError(errors[0]);
      stackTable.classList.add("is-stale");
      updateBusy();
      return;
    }
    stack.showError(null);
    const body = stackBody(inputSize, inputChannels, stackLayers);
    stackTimer = setTimeout(() => {
      stackTimer = null;
      runStack(body, stackLayers, inputSize);
    }, STACK_DEBOUNCE_MS);
    updateBusy();
  }

  async function runStack(body, stackLayers, inputSize) {
    stackController?.abort();
    const controller = new AbortController();
    stackController = controller;
    updateBusy();
    try {
      const rows = await postStack(body, controller.signal);
      if (stackController !== controller) return;
      const selectedIndex = stackState.selected >= 0 && stackState.selected < rows.length ? stackState.selected : rows.length - 1;
      stackState = { rows, layers: stackGeometry(rows, stackLayers, inputSize), inputSize, selected: selectedIndex };
      renderStackTable(stackTable, rows, stackLayers, { inputSize, selected: selectedIndex });
      showStackFormulas();
      stackVersion += 1;
      root.dataset.stackVersion = String(stackVersion);
      root.dataset.stackRequest = JSON.stringify(body);
    } catch (error) {
      if (isAbort(error) || stackController !== controller) return;
      stack.showError(error.message || String(error));
      stackTable.classList.add("is-stale");
    } finally {
      if (stackController === controller) stackController = null;
      updateBusy();
    }
  }

  function showStackFormulas() {
    const { layers: geometry, selected: index } = stackState;
    const layer = geometry[index];
    if (!layer) {
      stackFormulas.replaceChildren();
      return;
    }
    stack.highlight(index);
    for (const tr of stackTable.querySelectorAll("tbody tr")) tr.classList.toggle("is-selected", Number(tr.dataset.index) === index);
    renderFormulas(stackFormulas, [
      codeText(layer.name), ` after `, codeText(layer.previous.name),
      ` (r = ${num(layer.previous.rf)}, j = ${num(layer.previous.jump)}, start = ${num(layer.previous.start)}):`,
    ], [...recurrenceLines(layer), sizeLine(layer)]);
  }

  // ----------------------------------------------------------------------------- wiring

  gridsBox.addEventListener("unit-point", (event) => select(event.detail.layer, event.detail.y, event.detail.x));
  gridsBox.addEventListener("unit-step", (event) => {
    const { layer, dy, dx } = event.detail;
    const geometry = layerOf(layer);
    if (selected?.layer === layer) select(layer, selected.y + dy, selected.x + dx);
    else select(layer, Math.floor(geometry.size / 2), Math.floor(geometry.size / 2));
  });
  gridsBox.addEventListener("unit-focus", (event) => {
    const { layer } = event.detail;
    if (selected?.layer === layer) return;
    const geometry = layerOf(layer);
    select(layer, Math.floor(geometry.size / 2), Math.floor(geometry.size / 2));
  });
  mapSelect.addEventListener("change", () => {
    channel = mapSelect.value === "" ? null : Number(mapSelect.value);
    drawGrids();
    requestEffective();
  });
  storedButton.addEventListener("click", () => useStored());
  drawToggle.addEventListener("click", () => {
    const open = drawPanel.hidden;
    drawPanel.hidden = !open;
    drawToggle.setAttribute("aria-expanded", String(open));
    if (open) drawPanel.querySelector("canvas").focus();
  });
  pad.root.addEventListener("drawing-change", (event) => {
    const { strokes, active } = event.detail;
    clearTimeout(drawTimer);
    drawTimer = null;
    if (active || isEmptyDrawing(strokes)) {
      updateBusy();
      return;
    }
    drawTimer = setTimeout(async () => {
      drawTimer = null;
      try {
        const blob = await pad.toBlob();
        usePicture({ blob, source: "drawn", label: null, describeIt: "The digit you drew here" });
      } catch (error) {
        showStageError(error.message || String(error));
        updateBusy();
      }
    }, DRAW_DEBOUNCE_MS);
    updateBusy();
  });
  stackForm.addEventListener("stack-change", (event) => onStackChange(event.detail));
  stackForm.addEventListener("stack-select", (event) => {
    if (event.detail.index === stackState.selected) return;
    stackState.selected = event.detail.index;
    showStackFormulas();
  });
  stackTable.addEventListener("click", (event) => {
    const tr = event.target.closest("tbody tr");
    if (!tr) return;
    stackState.selected = Number(tr.dataset.index);
    showStackFormulas();
  });

  // ------------------------------------------------------------------------------ start

  buildSamples();
  stack.load("lenet5");
  Promise.all([fetchTable(), fetchModel().catch(() => null)])
    .then(([answer, model]) => {
      table = answer.table;
      describe = new Map((model?.layers ?? []).map((l) => [l.name, l.description]));
      layers = gridLayers(table, model?.layers ?? [], INPUT.size);
      buildGrids();
      renderNetworkTable(networkTable, table, { describe });
      drawGrids();
      const last = layers[layers.length - 1];
      if (last) select(last.name, Math.floor((last.size - 1) / 2), Math.floor((last.size - 1) / 2));
      const stored = showStoredButton();
      if (!(stored?.input && useStored())) useSample(START_SAMPLE);
    })
    .catch((error) => {
      sourceStatus.textContent = "";
      showStageError(`Could not load the network\u2019s layers: ${error.message || error}`);
    })
    .finally(() => {
      starting = false;
      updateBusy();
    });
  root.classList.add("is-ready");
}

for (const root of document.querySelectorAll("[data-rf-page]")) setUp(root);
