// The kernel playground page (/kernels): wires the widgets together and talks to the API.
//
// Widgets report through CustomEvents ("image-chosen", "kernel-edit", "pixel-point",
// "pixel-step"); this module keeps the page's settings in one closure and turns them into
// requests: POST /api/kernels/apply (debounced, stale ones aborted) for the result and
// POST /api/kernels/explain (throttled, one at a time) for the pixel under the pointer.
//
// For tests and curious learners the root element [data-kernels-page] carries
// data-image-id, data-request (the JSON body of the shown result), data-result-version
// (bumped whenever a new result is drawn) and data-busy ("true" while anything is pending).

import { isAbort } from "../shared/api.js";
import { ArithmeticView } from "./arithmetic-view.js";
import { ImageSource } from "./image-source.js";
import { KernelGrid } from "./kernel-grid.js";
import {
  TIMES,
  buildRequest,
  clampPixel,
  effectiveDivisor,
  formatNumber,
  kernelSum,
  outputPixelFor,
  outputSize,
  padWidths,
  parseGrid,
  parseNumber,
  sizeFormula,
  windowFor,
} from "./kernel-math.js";
import {
  applyKernel,
  explainPixel,
  fetchPresets,
  fetchPreview,
  fetchSample,
  uploadImage,
} from "./kernels-api.js";
import { PixelView } from "./pixel-view.js";

const APPLY_DEBOUNCE_MS = 150;
const EXPLAIN_INTERVAL_MS = 80;
const START_PRESET = "outline";
const CUSTOM_DESCRIPTION = "Your own weights. Each output pixel is the sum of weight \u00d7 pixel over the window, "
  + "divided by the divisor.";

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const doc = root.ownerDocument;

  const source = new ImageSource($("[data-image-source]"), doc.querySelector("[data-drop-overlay]"));
  const grid = new KernelGrid($("[data-kernel-grid]"));
  const inputView = new PixelView($('[data-pixel-view="input"]'));
  const outputView = new PixelView($('[data-pixel-view="output"]'));
  const arithmetic = new ArithmeticView($("[data-arithmetic]"));

  const presetSelect = $("#kp-preset");
  const presetDescription = $("[data-preset-description]");
  const secondKernelNote = $("[data-second-kernel]");
  const divisorInput = $("#kp-divisor");
  const normalizeInput = $("#kp-normalize");
  const flipInput = $("#kp-flip");
  const sumNote = $("[data-kernel-sum]");
  const kernelError = $("[data-kernel-error]");
  const optionsError = $("[data-options-error]");
  const greyNote = $("[data-grey-note]");
  const inputSize = $("[data-input-size]");
  const outputSizeLabel = $("[data-output-size]");
  const sizeBox = $("[data-size-formula]");
  const resultFrame = $('[data-pixel-view="output"]');
  const resultBusy = $("[data-result-busy]");
  const downloadButton = $("[data-download]");
  const downloadLink = $("[data-download-link]");
  const downloadStatus = $("[data-download-status]");
  const downloadNote = $("[data-download-note]");
  const optionsForm = $("[data-options]");

  const presets = new Map();
  let image = null; // POST /api/images answer, plus {name, sampleUrl}
  let presetName = "custom";
  let anchor = null; // input pixel the learner points at: {x, y}
  let selected = { x: 0, y: 0 }; // output pixel explained
  let outSize = null; // {width, height} of the result for the current settings
  let resultVersion = 0;
  let downloadUrl = null;
  let savedDivisor = null; // the typed divisor, kept while "normalise" is ticked

  let uploadController = null;
  let applyController = null;
  let applyTimer = null;
  let explainBusy = false;
  let explainPending = false;
  let explainTimer = null;
  let lastExplainAt = 0;

  // ---------------------------------------------------------------- settings

  function radio(name) {
    return optionsForm.querySelector(`input[name="${name}"]:checked`).value;
  }

  function setRadio(name, value) {
    const input = optionsForm.querySelector(`input[name="${name}"][value="${value}"]`);
    if (input) input.checked = true;
    updateOptionNotes();
  }

  /** Read every control: {settings} ready for the API, or {kernelErrors, divisorError}. */
  function readSettings() {
    const { kernel, errors } = parseGrid(grid.getCells());
    const normalize = normalizeInput.checked;
    let divisor = 1;
    let divisorError = null;
    if (!normalize) {
      const parsed = parseNumber(divisorInput.value);
      if (!parsed.ok) divisorError = `Divisor: ${parsed.error}.`;
      else if (parsed.empty) divisor = 1;
      else if (parsed.value === 0) divisorError = "The divisor can\u2019t be 0: there is no dividing by zero.";
      else divisor = parsed.value;
    }
    return {
      kernelErrors: errors,
      divisorError,
      settings: kernel && !divisorError ? {
        imageId: image?.id,
        preset: presetName,
        kernel,
        divisor,
        normalize,
        channels: radio("channels"),
        padding: radio("padding"),
        stride: Number(radio("stride")),
        output: radio("output"),
        flip: flipInput.checked,
      } : null,
    };
  }

  function showError(box, text) {
    box.textContent = text ?? "";
    box.hidden = !text;
  }

  // ---------------------------------------------------------------- busy flag

  function updateBusy() {
    const busy = Boolean(uploadController || applyController || applyTimer || explainBusy || explainPending
      || explainTimer);
    root.dataset.busy = String(busy);
  }

  // ---------------------------------------------------------------- presets

  function presetCells(preset) {
    return preset.kernel.map((row) => row.map(String));
  }

  function choosePreset(name) {
    presetName = presets.has(name) ? name : "custom";
    presetSelect.value = presetName;
    const preset = presets.get(presetName);
    if (preset) {
      grid.setCells(presetCells(preset));
      divisorInput.value = String(preset.divisor);
      normalizeInput.checked = false;
      savedDivisor = null;
      setRadio("output", preset.output);
      presetDescription.textContent = preset.description;
    } else {
      presetDescription.textContent = CUSTOM_DESCRIPTION;
    }
    secondKernelNote.hidden = !preset?.second_kernel;
  }

  function becomeCustom() {
    if (presetName === "custom") return;
    presetName = "custom";
    presetSelect.value = "custom";
    presetDescription.textContent = CUSTOM_DESCRIPTION;
    secondKernelNote.hidden = true;
  }

  // ---------------------------------------------------------------- notes beside the controls

  function updateOptionNotes() {
    for (const name of ["padding", "output"]) {
      const value = radio(name);
      for (const note of optionsForm.querySelectorAll(`[data-note-for="${name}"]`)) {
        note.hidden = note.dataset.value !== value;
      }
    }
  }

  function updateKernelNotes(settings) {
    divisorInput.disabled = normalizeInput.checked;
    if (!settings) {
      sumNote.textContent = "";
      return;
    }
    const total = kernelSum(settings.kernel);
    const divisor = effectiveDivisor(settings.kernel, settings.divisor, settings.normalize);
    if (settings.normalize) divisorInput.value = formatNumber(divisor);
    let text = `Weights add up to ${formatNumber(total)}`;
    if (settings.normalize) {
      text += total === 0 ? ", so the divisor stays 1 (there is no normalising a sum of 0)." : `, so the divisor is ${formatNumber(total)}.`;
    } else if (total !== 0 && total === divisor) {
      text += ", the same as the divisor: flat areas keep their brightness.";
    } else if (total === 0) {
      text += ": flat areas become 0, only changes show.";
    } else {
      text += `; divided by ${formatNumber(divisor)}, flat areas come out ${formatNumber(total / divisor)}\u00d7 as bright.`;
    }
    sumNote.textContent = text;
  }

  function updateSizes(settings) {
    if (!image) return null;
    const h = image.preview_height;
    const w = image.preview_width;
    const scaled = w !== image.width || h !== image.height;
    inputSize.textContent = `${w} ${TIMES} ${h} px${image.channels === 1 ? ", grey" : ""}`;
    inputSize.title = scaled
      ? `A preview of the ${image.width} ${TIMES} ${image.height} photo; the download filters it at full size.`
      : "";
    if (scaled) inputSize.textContent += ` (preview of ${image.width} ${TIMES} ${image.height})`;
    if (!settings) return null;
    const kh = settings.kernel.length;
    const kw = settings.kernel[0].length;
    const size = outputSize(h, w, kh, kw, settings.padding, settings.stride);
    if (size.error) {
      outputSizeLabel.textContent = "";
      sizeBox.replaceChildren();
      return size;
    }
    outputSizeLabel.textContent = `${size.width} ${TIMES} ${size.height} px`;
    const same = size.width === w && size.height === h;
    const lines = [
      ["Width", sizeFormula(w, kw, settings.padding, settings.stride)],
      ["Height", sizeFormula(h, kh, settings.padding, settings.stride)],
    ];
    const items = lines.map(([label, formula]) => {
      const li = doc.createElement("li");
      const b = doc.createElement("span");
      b.className = "kp-size-label";
      b.textContent = label;
      const code = doc.createElement("code");
      code.textContent = formula;
      li.append(b, code);
      return li;
    });
    const summary = doc.createElement("p");
    summary.className = "kp-size-summary";
    summary.textContent = same
      ? `Output ${size.width} ${TIMES} ${size.height}: the same size as the input.`
      : `Output ${size.width} ${TIMES} ${size.height}, from ${w} ${TIMES} ${h}.`;
    const list = doc.createElement("ul");
    list.className = "kp-size-list";
    list.append(...items);
    sizeBox.replaceChildren(summary, list);
    return size;
  }

  // ---------------------------------------------------------------- selection

  function windowCentre(x, y, settings) {
    const kh = settings.kernel.length;
    const kw = settings.kernel[0].length;
    const p = padWidths(kh, kw, settings.padding);
    return { x: x * settings.stride - p.left + Math.floor(kw / 2), y: y * settings.stride - p.top + Math.floor(kh / 2) };
  }

  function placeMarkers(settings) {
    if (!settings || !outSize || outSize.error) {
      inputView.mark(null);
      outputView.mark(null);
      return;
    }
    const kh = settings.kernel.length;
    const kw = settings.kernel[0].length;
    inputView.mark(windowFor(selected.x, selected.y, kh, kw, settings.padding, settings.stride));
    outputView.mark({ left: selected.x, top: selected.y, width: 1, height: 1 });
    root.dataset.selected = `${selected.x},${selected.y}`;
  }

  /** Recompute the output pixel for the anchored input pixel (after settings change). */
  function reselect(settings) {
    if (!settings || !outSize || outSize.error || !anchor) return;
    const kh = settings.kernel.length;
    const kw = settings.kernel[0].length;
    selected = outputPixelFor(anchor.x, anchor.y, kh, kw, settings.padding, settings.stride, outSize.width, outSize.height);
  }

  function pointAt(kind, x, y) {
    const { settings } = readSettings();
    if (!settings || !outSize || outSize.error) return;
    if (kind === "input") {
      anchor = { x, y };
      reselect(settings);
    } else {
      selected = clampPixel(x, y, outSize.width, outSize.height);
      anchor = windowCentre(selected.x, selected.y, settings);
    }
    placeMarkers(settings);
    requestExplain();
  }

  function step(dx, dy) {
    const { settings } = readSettings();
    if (!settings || !outSize || outSize.error) return;
    selected = clampPixel(selected.x + dx, selected.y + dy, outSize.width, outSize.height);
    anchor = windowCentre(selected.x, selected.y, settings);
    placeMarkers(settings);
    requestExplain();
  }

  // ---------------------------------------------------------------- requests

  /** Something changed: validate now, ask the server after a short pause. */
  function refresh({ immediate = false } = {}) {
    const { settings, kernelErrors, divisorError } = readSettings();
    grid.markErrors(kernelErrors);
    updateKernelNotes(settings);
    updateOptionNotes();
    hideDownload();
    showError(kernelError, kernelErrors[0]?.message ?? divisorError);
    outSize = updateSizes(settings);
    clearTimeout(applyTimer);
    applyTimer = null;
    if (!settings || !image) {
      resultFrame.classList.add("is-stale");
      if (!settings) arithmetic.message("Fix the kernel to see the arithmetic.");
      updateBusy();
      return;
    }
    if (outSize?.error) {
      showError(optionsError, outSize.error);
      resultFrame.classList.add("is-stale");
      arithmetic.message("No output pixels with these settings.");
      placeMarkers(null);
      updateBusy();
      return;
    }
    showError(optionsError, null);
    reselect(settings);
    placeMarkers(settings);
    const run = () => {
      applyTimer = null;
      runApply(settings);
      requestExplain();
    };
    if (immediate) run();
    else applyTimer = setTimeout(run, APPLY_DEBOUNCE_MS);
    updateBusy();
  }

  async function runApply(settings) {
    applyController?.abort();
    const controller = new AbortController();
    applyController = controller;
    resultBusy.hidden = false;
    updateBusy();
    const body = buildRequest(settings);
    try {
      const result = await applyKernel({ ...body, format: "jpeg" }, controller.signal);
      const bitmap = await createImageBitmap(result.blob);
      if (applyController !== controller) return;
      outputView.draw(bitmap);
      bitmap.close();
      outputView.setDisplayFraction(result.width / image.preview_width);
      placeMarkers(settings);
      outputSizeLabel.textContent = `${result.width} ${TIMES} ${result.height} px`;
      resultFrame.classList.remove("is-stale");
      resultVersion += 1;
      root.dataset.resultVersion = String(resultVersion);
      root.dataset.request = JSON.stringify(body);
      showError(kernelError, null);
      showError(optionsError, null);
    } catch (error) {
      if (isAbort(error) || applyController !== controller) return;
      resultFrame.classList.add("is-stale");
      const message = error.message || String(error);
      if (/pad|reflect|fit|stride|output|image/i.test(message) && !/kernel (rows|entries|must)/i.test(message)) {
        showError(optionsError, message);
      } else {
        showError(kernelError, message);
      }
    } finally {
      if (applyController === controller) {
        applyController = null;
        resultBusy.hidden = true;
      }
      updateBusy();
    }
  }

  function requestExplain() {
    explainPending = true;
    pumpExplain();
    updateBusy();
  }

  function pumpExplain() {
    if (!explainPending || explainBusy || explainTimer) return;
    const wait = lastExplainAt + EXPLAIN_INTERVAL_MS - performance.now();
    if (wait > 0) {
      explainTimer = setTimeout(() => {
        explainTimer = null;
        pumpExplain();
      }, wait);
      return;
    }
    explainPending = false;
    const { settings } = readSettings();
    if (!settings || !image || !outSize || outSize.error) {
      updateBusy();
      return;
    }
    const body = { ...buildRequest(settings), x: selected.x, y: selected.y };
    const key = JSON.stringify(body);
    explainBusy = true;
    lastExplainAt = performance.now();
    updateBusy();
    explainPixel(body)
      .then((explanation) => {
        // Draw it unless the settings or the pixel changed meanwhile (a newer request follows).
        const now = readSettings().settings;
        const current = now && JSON.stringify({ ...buildRequest(now), x: selected.x, y: selected.y });
        if (current === key) {
          arithmetic.render(explanation, { flip: settings.flip, greyscale: image.channels === 1 });
          arithmetic.root.dataset.request = key;
        }
      })
      .catch((error) => {
        if (!isAbort(error)) arithmetic.message(error.message || String(error));
      })
      .finally(() => {
        explainBusy = false;
        pumpExplain();
        updateBusy();
      });
  }

  // ---------------------------------------------------------------- images

  async function loadImage({ blob, url, name, origin }) {
    uploadController?.abort();
    const controller = new AbortController();
    uploadController = controller;
    updateBusy();
    source.busy(`Loading ${name}\u2026`);
    try {
      const data = blob ?? await fetchSample(url, controller.signal);
      const info = await uploadImage(data, name, controller.signal);
      const bitmap = await fetchPreview(info.id, controller.signal);
      if (uploadController !== controller) return;
      image = { ...info, name, sampleUrl: origin === "sample" ? url : null };
      root.dataset.imageId = info.id;
      inputView.draw(bitmap);
      bitmap.close();
      anchor = { x: Math.floor(info.preview_width / 2), y: Math.floor(info.preview_height / 2) };
      const grey = info.channels === 1;
      for (const input of optionsForm.querySelectorAll('input[name="channels"]')) input.disabled = grey;
      greyNote.hidden = !grey;
      source.loaded(name, image.sampleUrl);
      refresh({ immediate: true });
    } catch (error) {
      if (isAbort(error) || uploadController !== controller) return;
      source.error(`Could not load ${name}: ${error.message || error}`);
    } finally {
      if (uploadController === controller) uploadController = null;
      updateBusy();
    }
  }

  // ---------------------------------------------------------------- download

  function hideDownload() {
    downloadLink.hidden = true;
    downloadStatus.textContent = "";
    downloadNote.hidden = true;
  }

  async function download() {
    const { settings } = readSettings();
    if (!settings || !image) return;
    downloadButton.disabled = true;
    downloadLink.hidden = true;
    downloadNote.hidden = false;
    downloadStatus.textContent = `Filtering the full ${image.width} ${TIMES} ${image.height} image\u2026`;
    try {
      const result = await applyKernel({ ...buildRequest(settings), full_resolution: true, format: "png" });
      if (downloadUrl) URL.revokeObjectURL(downloadUrl);
      downloadUrl = URL.createObjectURL(result.blob);
      const stem = image.name.replace(/\.[^.]+$/, "") || "image";
      downloadLink.href = downloadUrl;
      downloadLink.download = `convscope-${settings.preset}-${stem}.png`;
      downloadLink.textContent = `Save ${downloadLink.download} (${result.width} ${TIMES} ${result.height})`;
      downloadLink.hidden = false;
      downloadStatus.textContent = "";
      downloadLink.click();
    } catch (error) {
      downloadStatus.textContent = `Download failed: ${error.message || error}`;
    } finally {
      downloadButton.disabled = false;
    }
  }

  // ---------------------------------------------------------------- wiring

  $("[data-image-source]").addEventListener("image-chosen", (event) => loadImage(event.detail));
  grid.root.addEventListener("kernel-edit", () => {
    becomeCustom(); // typing a weight or resizing makes it the learner's own kernel
    refresh();
  });
  presetSelect.addEventListener("change", () => {
    choosePreset(presetSelect.value);
    refresh();
  });
  divisorInput.addEventListener("input", () => refresh());
  normalizeInput.addEventListener("change", () => {
    // While normalising, the (disabled) field shows the sum in use; unticking brings back the
    // learner's own divisor.
    if (normalizeInput.checked) savedDivisor = divisorInput.value;
    else if (savedDivisor !== null) divisorInput.value = savedDivisor;
    if (!normalizeInput.checked) savedDivisor = null;
    refresh();
  });
  flipInput.addEventListener("change", () => refresh());
  optionsForm.addEventListener("change", () => refresh());
  optionsForm.addEventListener("submit", (event) => event.preventDefault());
  for (const [view, kind] of [[inputView, "input"], [outputView, "output"]]) {
    view.root.addEventListener("pixel-point", (event) => pointAt(kind, event.detail.x, event.detail.y));
    view.root.addEventListener("pixel-step", (event) => step(event.detail.dx, event.detail.dy));
  }
  downloadButton.addEventListener("click", download);

  // ---------------------------------------------------------------- start

  updateOptionNotes();
  grid.setCells([["0", "0", "0"], ["0", "1", "0"], ["0", "0", "0"]]);
  root.dataset.busy = "true";
  fetchPresets()
    .then((list) => {
      for (const preset of list) {
        presets.set(preset.name, preset);
        presetSelect.add(new Option(preset.label, preset.name), presetSelect.querySelector('option[value="custom"]'));
      }
      choosePreset(presets.has(START_PRESET) ? START_PRESET : list[0]?.name ?? "custom");
    })
    .catch((error) => showError(kernelError, `Could not load the presets: ${error.message || error}`))
    .finally(() => {
      const first = root.querySelector("[data-sample]");
      if (first) first.click();
      else updateBusy();
    });
  root.classList.add("is-ready");
}

for (const root of document.querySelectorAll("[data-kernels-page]")) setUp(root);
