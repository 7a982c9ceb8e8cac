// Painting on the original: a brush (white, black or a colour, in a few sizes) and the impulse
// tool, which sets one pixel. The painted picture is uploaded like a photo, so the result, the
// arithmetic and the magnifier all answer for exactly what is on the canvas.
//
// Markup contract (templates/kernels.html): [data-paint] holding radios name="paint-tool"
// (point | brush | impulse), select[data-paint-colour], select[data-paint-size], buttons
// [data-paint-fill] (their value: the colour to fill the canvas with) and [data-paint-hint].
//
// Events, dispatched on the root element:
//   "paint-tool"  detail {tool}    the tool changed ("point" gives the pointer back to picking)
//   "paint-fill"  detail {colour}  fill the whole canvas (a black one shows impulse responses)

export class PaintTools {
  constructor(root) {
    this.root = root;
    this.colour = root.querySelector("[data-paint-colour]");
    this.size = root.querySelector("[data-paint-size]");
    this.hint = root.querySelector("[data-paint-hint]");
    for (const radio of root.querySelectorAll('input[name="paint-tool"]')) {
      radio.addEventListener("change", () => root.dispatchEvent(new CustomEvent("paint-tool", { detail: { tool: this.tool } })));
    }
    for (const button of root.querySelectorAll("[data-paint-fill]")) {
      button.addEventListener("click", () => root.dispatchEvent(new CustomEvent("paint-fill", { detail: { colour: button.dataset.paintFill } })));
    }
  }

  get tool() {
    return this.root.querySelector('input[name="paint-tool"]:checked')?.value ?? "point";
  }

  /** Paint at image pixel (x, y) of `canvas`: the brush's square, or the impulse's one pixel. */
  dab(canvas, x, y) {
    const context = canvas.getContext("2d");
    context.fillStyle = this.colour.value;
    const side = this.tool === "impulse" ? 1 : Number(this.size.value);
    const half = Math.floor(side / 2);
    context.fillRect(x - half, y - half, side, side);
  }

  fill(canvas, colour) {
    const context = canvas.getContext("2d");
    context.fillStyle = colour;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }

  /** What an impulse shows with these settings (the weights as typed, or rotated). */
  describe(flip) {
    this.hint.textContent = flip
      ? "One white pixel on black shows the kernel as you typed it: with \u201cFlip kernel\u201d on, the playground convolves."
      : "One white pixel on black shows the kernel rotated by 180\u00b0: the playground cross-correlates. Turn on \u201cFlip kernel\u201d and it shows the kernel as typed: that is convolution.";
  }
}

/** The canvas as a PNG Blob, to upload. */
export function canvasPng(canvas) {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the canvas could not be saved"))), "image/png"));
}
