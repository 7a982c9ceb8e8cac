// The playground's two live sources of a picture besides an upload (kernels-page.js wires them):
// painting on the original (paint-tools.js), whose canvas is uploaded as the photo after every
// stroke, fill or impulse, so every answer is for what is shown; and the camera (camera.js), whose
// frames are filtered in this browser until one is used, which is then uploaded the same way.
//
// `page` is the KernelsPage: its widgets (paint, camera, inputView, outputView, arithmetic), its
// state, its live queries (apply, explainer) and loadPhoto(choice) / placeMarkers(settings).

import { canvasPng } from "./paint-tools.js";

export function wirePaint(page) {
  const { paint, inputView } = page;
  const upload = async () => {
    const blob = await canvasPng(inputView.canvas);
    page.loadPhoto({ blob, name: "painting.png", origin: "paint" });
  };
  paint.root.addEventListener("paint-tool", (event) => {
    inputView.painting = event.detail.tool !== "point";
    inputView.root.classList.toggle("is-painting", inputView.painting);
  });
  inputView.root.addEventListener("pixel-paint", (event) => {
    if (!page.state.image) return;
    const { x, y } = event.detail;
    paint.dab(inputView.canvas, x, y);
    page.state.anchor = { x, y }; // the result's pixel for the painted one is the one explained
    if (paint.tool === "impulse") upload();
  });
  inputView.root.addEventListener("paint-end", () => {
    if (paint.tool === "brush") upload();
  });
  paint.root.addEventListener("paint-fill", (event) => {
    if (!page.state.image) return;
    paint.fill(inputView.canvas, event.detail.colour);
    upload();
  });
}

export function wireCamera(page) {
  const { camera, inputView, outputView, root } = page;
  camera.root.addEventListener("camera-frame", (event) => {
    const { frame, result } = event.detail;
    if (!page.state.cameraOn) {
      page.state.cameraOn = true;
      page.apply.cancel();
      page.explainer.cancel();
      page.placeMarkers(null);
      page.arithmetic.message("The camera is on: its frames are filtered in this browser. Use a frame to see its arithmetic.");
    }
    inputView.drawPixels(frame);
    outputView.drawPixels(result);
    root.querySelector("[data-input-size]").textContent = `${frame.width} \u00d7 ${frame.height} px`;
    root.querySelector("[data-output-size]").textContent = `${result.width} \u00d7 ${result.height} px`;
    outputView.setDisplayFraction(result.width / frame.width);
    outputView.root.classList.remove("is-stale");
  });
  camera.root.addEventListener("camera-use", (event) => {
    page.state.cameraOn = false;
    page.loadPhoto({ blob: event.detail.blob, name: "camera-frame.png", origin: "camera" });
  });
  camera.root.addEventListener("camera-off", () => {
    page.state.cameraOn = false;
    if (page.choice) page.loadPhoto(page.choice);
  });
}

/** browser-filter.js's settings for what the controls say now, or null. */
export function cameraSettings(controls, presets) {
  const { settings } = controls.read();
  if (!settings) return null;
  const preset = settings.preset && settings.preset !== "custom" ? presets.get(settings.preset) : null;
  return { kernel: settings.kernel, divisor: settings.divisor, normalize: settings.normalize, channels: settings.channels,
    padding: settings.padding, stride: settings.stride, output: settings.output, flip: settings.flip,
    second: preset?.second_kernel ?? null };
}
