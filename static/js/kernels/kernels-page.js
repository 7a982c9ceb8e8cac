// The kernel playground page (/kernels): the controller that wires the widgets to the page's
// state (page-state.js) and to the four live requests (kernel-queries.js).
//
// Widgets report through events ("image-chosen", "grid-edit", "pixel-point", "pixel-step");
// every change of a control runs refresh(), which checks the settings, says the sizes and asks
// POST /api/kernels/apply for the result; pointing at a pixel asks POST /api/kernels/explain
// for its arithmetic, and POST /api/kernels/code for the PyTorch that computes the same result.
//
// For tests and curious learners the root element [data-kernels-page] carries
// data-image-id, data-request (the JSON body of the shown result), data-result-version
// (bumped whenever a new result is drawn), data-selected and data-busy ("true" while anything
// is pending).

import { CodeBlock } from "../shared/code-block.js";
import { Camera } from "./camera.js";
import { pageLimits } from "../shared/limits.js";
import { resizeFromCentre } from "../shared/number-grid.js";
import { ArithmeticView } from "./arithmetic-view.js";
import { DownloadButton } from "./download-button.js";
import { ImageSource } from "./image-source.js";
import { KernelControls } from "./kernel-controls.js";
import { loadLinkedKernel } from "./kernel-from-link.js";
import { Magnifier } from "./magnifier.js";
import { PaintTools } from "./paint-tools.js";
import { cameraSettings, wireCamera, wirePaint } from "./live-sources.js";
import { buildRequest, clampPixel, outputPixelFor, windowCentre, windowFor } from "./kernel-math.js";
import { applyQuery, codeQuery, explainQuery, photoQuery } from "./kernel-queries.js";
import { fetchPresets } from "./kernels-api.js";
import { createPageState, hasOutput } from "./page-state.js";
import { PixelView } from "./pixel-view.js";
import { appliedKernelName, downloadFileName } from "./preset-names.js";
import { SizeNotes } from "./size-notes.js";

const START_PRESET = "outline";
const IDENTITY = [["0", "0", "0"], ["0", "1", "0"], ["0", "0", "0"]];

/** [rows, columns] of the settings' kernel. */
function kernelShape(settings) {
  return [settings.kernel.length, settings.kernel[0].length];
}

class KernelsPage {
  constructor(root) {
    const $ = (selector) => root.querySelector(selector);
    this.root = root;
    this.state = createPageState({ maxKernelSide: pageLimits().max_kernel_size });
    this.source = new ImageSource($("[data-image-source]"), root.ownerDocument.querySelector("[data-drop-overlay]"));
    this.controls = new KernelControls(root, this.state);
    this.sizes = new SizeNotes(root);
    this.inputView = new PixelView($('[data-pixel-view="input"]'));
    this.outputView = new PixelView($('[data-pixel-view="output"]'));
    this.arithmetic = new ArithmeticView($("[data-arithmetic]"));
    this.magnifier = new Magnifier($("[data-magnifier]"), $(".kp-figures"));
    this.paint = new PaintTools($("[data-paint]"));
    this.camera = new Camera($("[data-camera]"), () => cameraSettings(this.controls, this.state.presets));
    this.choice = null; // the photo shown (to go back to when the camera stops)
    this.pointed = "input"; // the view the learner last pointed into: the magnifier floats beside its marker
    this.resultBusy = $("[data-result-busy]");
    this.download = new DownloadButton(root, () => this.#downloadTarget());
    this.codeBlock = new CodeBlock($("[data-code-block]"));

    const onChange = () => this.#showBusy();
    this.photo = photoQuery({
      onResult: (loaded, choice) => this.#showPhoto(loaded, choice),
      onError: (error, choice) => this.source.error(`Could not load ${choice.name}: ${error.message || error}`),
      onChange,
    });
    this.apply = applyQuery({
      onSent: () => this.#explain(),
      onResult: (result, body) => this.#showResult(result, body),
      onError: (error) => this.#showApplyError(error),
      onChange,
    });
    this.code = codeQuery({
      onResult: (answer, body) => this.codeBlock.show(answer.code, body),
      onError: (error) => this.codeBlock.stale(error.message || String(error)),
      onChange,
    });
    this.explainer = explainQuery({
      onResult: (explanation, body) => {
        const greyscale = this.state.image?.channels === 1;
        this.arithmetic.render(explanation, { flip: body.flip, greyscale });
        this.arithmetic.root.dataset.request = JSON.stringify(body);
        this.magnifier.render(explanation, { greyscale });
        this.#placeMagnifier();
      },
      onError: (error) => {
        this.arithmetic.message(error.message || String(error));
        this.magnifier.hide();
      },
      onChange,
    });
  }

  /** Listen to the widgets, show the first preset and load the first sample photo. */
  start() {
    this.source.root.addEventListener("image-chosen", (event) => this.loadPhoto(event.detail));
    this.controls.listen(() => this.refresh());
    for (const [view, kind] of [[this.inputView, "input"], [this.outputView, "output"]]) {
      view.root.addEventListener("pixel-point", (event) => {
        this.pointed = kind;
        this.#pointAt(kind, event.detail.x, event.detail.y);
      });
      view.root.addEventListener("pixel-step", (event) => {
        this.pointed = kind;
        this.#step(event.detail.dx, event.detail.dy);
      });
    }
    wirePaint(this);
    wireCamera(this);
    const linked = loadLinkedKernel(this.root, this.controls, window.location.search, this.state.maxKernelSide);
    const side = Math.min(IDENTITY.length, this.state.maxKernelSide);
    if (!linked) this.controls.grid.setCells(resizeFromCentre(IDENTITY, side, side));
    this.refresh();
    fetchPresets()
      .then((list) => {
        this.controls.presets.add(list);
        if (linked) this.controls.presets.show("custom"); // the linked kernel stays
        else this.controls.choosePreset(this.controls.presets.firstUsable([START_PRESET]));
        this.refresh();
      })
      .catch((error) => this.controls.showKernelError(`Could not load the presets: ${error.message || error}`))
      .finally(() => {
        this.state.starting = false;
        const first = this.root.querySelector("[data-sample]");
        if (first) first.click();
        else this.#showBusy();
      });
    this.root.classList.add("is-ready");
  }

  /** Something changed: check the settings and say the sizes now, ask the server after a short
   * pause (or at once, for a new photo). */
  refresh({ immediate = false } = {}) {
    const { state, controls } = this;
    const { settings, kernelErrors, divisorError } = controls.read();
    controls.grid.markErrors(kernelErrors);
    controls.showNotes(settings);
    this.paint.describe(Boolean(settings?.flip));
    controls.showKernelError(kernelErrors[0]?.message ?? divisorError);
    state.outSize = this.sizes.update(state.image, settings);
    this.download.update();
    this.explainer.cancel(); // an answer for the old settings would be stale
    if (!hasOutput(state, settings)) {
      this.apply.cancel();
      this.code.cancel();
      this.codeBlock.stale();
      this.outputView.root.classList.add("is-stale");
      if (!settings) this.arithmetic.message("Fix the kernel to see the arithmetic.");
      else if (state.outSize?.error) {
        controls.showOptionsError(state.outSize.error);
        this.arithmetic.message("No output pixels with these settings.");
        this.placeMarkers(null);
      }
      return;
    }
    controls.showOptionsError(null);
    if (state.cameraOn) return; // the camera's frames are filtered in the browser, frame by frame
    this.#reselect(settings);
    this.placeMarkers(settings);
    const body = buildRequest(settings);
    if (immediate) this.apply.now(body);
    else this.apply.schedule(body);
    this.code.schedule(body);
  }

  #showBusy() {
    const busy = this.state.starting || this.photo.busy || this.apply.busy || this.explainer.busy || this.code.busy;
    this.root.dataset.busy = String(busy);
    this.resultBusy.hidden = !this.apply.busy;
  }

  // ---------------------------------------------------------------- the photo

  /** Show `choice` ({blob, name, origin}) as the photo: uploaded, then every answer is for it. */
  loadPhoto(choice) {
    if (choice.origin !== "paint") this.choice = choice;
    if (this.state.cameraOn) this.camera.stop({ keep: true });
    this.state.cameraOn = false;
    this.source.busy(`Loading ${choice.name}\u2026`);
    this.photo.now(choice);
  }

  #showPhoto({ info, bitmap }, choice) {
    const image = { ...info, name: choice.name, sampleUrl: choice.origin === "sample" ? choice.url : null };
    this.state.image = image;
    this.root.dataset.imageId = info.id;
    this.inputView.draw(bitmap);
    bitmap.close();
    if (choice.origin !== "paint" || !this.state.anchor) {
      this.state.anchor = { x: Math.floor(info.preview_width / 2), y: Math.floor(info.preview_height / 2) };
    }
    this.controls.setGreyscale(info.channels === 1);
    this.source.loaded(image.name, image.sampleUrl);
    this.refresh({ immediate: true });
  }

  // ---------------------------------------------------------------- the result

  #showResult({ bitmap, width, height }, body) {
    const { state } = this;
    this.outputView.draw(bitmap);
    bitmap.close();
    this.outputView.setDisplayFraction(width / state.image.preview_width);
    this.placeMarkers(this.controls.read().settings);
    this.sizes.showResultSize(width, height);
    this.outputView.root.classList.remove("is-stale");
    state.resultVersion += 1;
    this.root.dataset.resultVersion = String(state.resultVersion);
    this.root.dataset.request = JSON.stringify(body);
    this.controls.showKernelError(null);
    this.controls.showOptionsError(null);
  }

  #showApplyError(error) {
    this.outputView.root.classList.add("is-stale");
    const message = error.message || String(error);
    const aboutOptions = /pad|reflect|fit|stride|output|image/i.test(message) && !/kernel (rows|entries|must)/i.test(message);
    if (aboutOptions) this.controls.showOptionsError(message);
    else this.controls.showKernelError(message);
  }

  /** What "Download PNG" saves now: the settings shown, named after the kernel as applied. */
  #downloadTarget() {
    const { state } = this;
    const { settings } = this.controls.read();
    if (!hasOutput(state, settings)) return null;
    const name = appliedKernelName(state.presets, settings.preset, settings.flip);
    return { body: buildRequest(settings), fileName: downloadFileName(name, state.image.name), image: state.image };
  }

  // ---------------------------------------------------------------- the pixel explained

  /** Ask for the arithmetic of the selected pixel under the current settings. */
  #explain() {
    const { settings } = this.controls.read();
    if (!hasOutput(this.state, settings)) return;
    this.explainer.ask({ ...buildRequest(settings), x: this.state.selected.x, y: this.state.selected.y });
  }

  /** The output pixel whose window is centred nearest the anchored input pixel. */
  #reselect(settings) {
    const { state } = this;
    if (!state.anchor) return;
    const [kh, kw] = kernelShape(settings);
    state.selected = outputPixelFor(state.anchor.x, state.anchor.y, kh, kw, settings.padding, settings.stride,
      state.outSize.width, state.outSize.height);
  }

  /** Select output pixel `pixel`; the anchor moves to its window's centre. */
  #select(pixel, settings) {
    const [kh, kw] = kernelShape(settings);
    this.state.selected = pixel;
    this.state.anchor = windowCentre(pixel.x, pixel.y, kh, kw, settings.padding, settings.stride);
  }

  placeMarkers(settings) {
    if (!hasOutput(this.state, settings)) {
      this.inputView.mark(null);
      this.outputView.mark(null);
      this.magnifier.hide();
      return;
    }
    const { x, y } = this.state.selected;
    const [kh, kw] = kernelShape(settings);
    this.inputView.mark(windowFor(x, y, kh, kw, settings.padding, settings.stride));
    this.outputView.mark({ left: x, top: y, width: 1, height: 1 });
    this.root.dataset.selected = `${x},${y}`;
    this.#placeMagnifier();
  }

  #placeMagnifier() {
    this.magnifier.placeBeside((this.pointed === "output" ? this.outputView : this.inputView).marker);
  }

  #pointAt(kind, x, y) {
    const { state } = this;
    const { settings } = this.controls.read();
    if (!hasOutput(state, settings)) return;
    if (kind === "input") {
      state.anchor = { x, y };
      this.#reselect(settings);
    } else {
      this.#select(clampPixel(x, y, state.outSize.width, state.outSize.height), settings);
    }
    this.placeMarkers(settings);
    this.#explain();
  }

  #step(dx, dy) {
    const { state } = this;
    const { settings } = this.controls.read();
    if (!hasOutput(state, settings)) return;
    this.#select(clampPixel(state.selected.x + dx, state.selected.y + dy, state.outSize.width, state.outSize.height),
      settings);
    this.placeMarkers(settings);
    this.#explain();
  }
}

for (const root of document.querySelectorAll("[data-kernels-page]")) new KernelsPage(root).start();
