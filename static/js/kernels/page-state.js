// The kernel playground's state: everything the page knows that is not in a control, in one
// object the page controller (kernels-page.js) owns and passes to the modules that need it.
// The controls themselves (grid, divisor, radios) hold the settings; kernel-controls.js reads them.

/** A fresh state for a page whose largest kernel side is `maxKernelSide`. */
export function createPageState({ maxKernelSide }) {
  return {
    /** The largest kernel side the server accepts (pageLimits().max_kernel_size). */
    maxKernelSide,
    /** name -> preset, from GET /api/kernels/presets. */
    presets: new Map(),
    /** The preset the grid shows; "custom" once a weight is edited or the size changed. */
    presetName: "custom",
    /** The photo: POST /api/images's answer plus {name, sampleUrl}; null until one is loaded. */
    image: null,
    /** The input pixel the learner points at, {x, y}; the explained pixel follows it. */
    anchor: null,
    /** The output pixel explained, {x, y}. */
    selected: { x: 0, y: 0 },
    /** The output size for the current settings: {width, height}, or {error}; null without a photo. */
    outSize: null,
    /** Bumped whenever a new result is drawn (root's data-result-version). */
    resultVersion: 0,
    /** The typed divisor, kept while "normalise" is ticked (the field then shows the sum). */
    savedDivisor: null,
    /** True until the presets and the first photo have been asked for. */
    starting: true,
    /** True while the camera's frames are shown (filtered in the browser, not by the server). */
    cameraOn: false,
  };
}

/** True when the settings give output pixels for the loaded photo (so there is a pixel to explain). */
export function hasOutput(state, settings) {
  return Boolean(settings && state.image && state.outSize && !state.outSize.error);
}
