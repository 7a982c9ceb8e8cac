// The camera as the playground's photo: each video frame filtered in the browser with the
// current kernel (browser-filter.js), so no frame leaves the machine. "Use this frame" hands the
// last frame to the server like an upload, and then every answer (the arithmetic, the
// magnifier, the download) is for that frame.
//
// Markup contract (templates/kernels.html): [data-camera] holding button[data-camera-start],
// button[data-camera-stop], button[data-camera-use] and [data-camera-status].
// The root gets data-camera ("off" | "starting" | "on"), data-camera-frames (frames filtered)
// and data-camera-fps (the last second's rate), for tests and the curious.
//
// Events, dispatched on the root element:
//   "camera-frame"  detail {frame, result}   a frame (ImageData) and its filtered result
//   "camera-use"    detail {blob}            the learner keeps this frame (a PNG)
//   "camera-off"    detail {}

import { filterFrame } from "./browser-filter.js";

export const CAMERA_SIZE = { width: 640, height: 480 };

export class Camera {
  /** `settings()`: the filter's settings now (browser-filter.js's), or null when there are none. */
  constructor(root, settings) {
    this.root = root;
    this.settings = settings;
    this.status = root.querySelector("[data-camera-status]");
    this.video = document.createElement("video");
    this.video.muted = true;
    this.video.playsInline = true;
    this.canvas = document.createElement("canvas");
    this.stream = null;
    this.frames = 0;
    this.times = [];
    this.last = null;
    root.querySelector("[data-camera-start]").addEventListener("click", () => this.start());
    root.querySelector("[data-camera-stop]").addEventListener("click", () => this.stop());
    root.querySelector("[data-camera-use]").addEventListener("click", () => this.use());
    this.#show("off");
  }

  async start() {
    if (this.stream) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.#say("This browser gives no access to a camera here (it needs HTTPS or localhost).");
      return;
    }
    this.#show("starting");
    this.#say("Asking for the camera\u2026");
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { ...CAMERA_SIZE }, audio: false });
    } catch (error) {
      this.#show("off");
      this.#say(`No camera: ${error.message || error.name}.`);
      return;
    }
    this.video.srcObject = this.stream;
    await this.video.play();
    this.frames = 0;
    this.times = [];
    this.#show("on");
    this.#loop();
  }

  /** Stop; the page goes back to its photo (`keep`: the page is given the last frame instead). */
  stop({ keep = false } = {}) {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    this.#show("off");
    this.#say("");
    if (!keep) this.root.dispatchEvent(new CustomEvent("camera-off", { detail: {} }));
  }

  /** Stop, and give the last frame to the page as a photo. */
  use() {
    if (!this.last) return;
    const canvas = document.createElement("canvas");
    canvas.width = this.last.width;
    canvas.height = this.last.height;
    canvas.getContext("2d").putImageData(this.last, 0, 0);
    this.stop({ keep: true });
    canvas.toBlob((blob) => blob && this.root.dispatchEvent(new CustomEvent("camera-use", { detail: { blob } })), "image/png");
  }

  #loop() {
    if (!this.stream) return;
    const settings = this.settings();
    const { videoWidth: w, videoHeight: h } = this.video;
    if (settings && w && h) {
      this.canvas.width = w;
      this.canvas.height = h;
      const context = this.canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(this.video, 0, 0, w, h);
      const frame = context.getImageData(0, 0, w, h);
      const started = performance.now();
      const result = filterFrame(frame, settings);
      this.last = frame;
      this.#count(performance.now() - started, settings, w, h);
      this.root.dispatchEvent(new CustomEvent("camera-frame", { detail: { frame, result } }));
    }
    this.#next();
  }

  /** The loop again when the camera has a new frame (not on every screen refresh: a 30 fps camera
   * on a 60 Hz screen would filter each frame twice); where the browser cannot tell, each refresh. */
  #next() {
    if (typeof this.video.requestVideoFrameCallback === "function") this.video.requestVideoFrameCallback(() => this.#loop());
    else requestAnimationFrame(() => this.#loop());
  }

  #count(ms, settings, w, h) {
    const now = performance.now();
    this.frames += 1;
    this.times.push(now);
    while (this.times.length && this.times[0] < now - 1000) this.times.shift();
    this.root.dataset.cameraFrames = String(this.frames);
    const fps = this.times.length;
    this.root.dataset.cameraFps = String(fps);
    this.root.dataset.cameraFilterMs = ms.toFixed(1);
    const k = settings.kernel;
    this.#say(`${w}\u00d7${h} camera, filtered in this browser with the ${k.length}\u00d7${k[0].length} kernel: `
      + `${fps} frames a second (${ms.toFixed(0)} ms a frame). No frame leaves this machine.`);
  }

  #show(state) {
    this.root.dataset.camera = state;
    this.root.querySelector("[data-camera-start]").hidden = state !== "off";
    this.root.querySelector("[data-camera-stop]").hidden = state === "off";
    this.root.querySelector("[data-camera-use]").hidden = state !== "on";
  }

  #say(text) {
    this.status.textContent = text;
  }
}
