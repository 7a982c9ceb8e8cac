// Colour maps and the one heat-map drawer for every grid of values the pages paint: feature maps,
// kernels, gradients, digits. No fetching; drawing touches only the canvas it is given.
//
//   divergingColor(t)  t in [-1, 1]: red below zero, white at zero, blue above (colour-blind
//                      safe, unlike red/green). The CSS legends draw the same ramp
//                      (--ramp-diverging in components.css).
//   heatColor(t)       t in [0, 1]: white, amber, orange, deep red-brown (a magnitude).
//   inkColor(v)        v in 0..255: white ink on black, as the network sees a digit.
//   paperColor(v)      v in 0..255: dark ink on white paper, as a person sees it.
//
//   rgbaOf(rows, colour)            rows of values -> RGBA bytes for an ImageData
//   drawHeatmap(canvas, rows, opts) paints rows of values, each value a block of `scale` pixels

const WHITE = [250, 250, 252];
const POSITIVE = [49, 54, 149]; // deep blue
const POSITIVE_MID = [69, 117, 180];
const NEGATIVE = [165, 0, 38]; // deep red
const NEGATIVE_MID = [215, 48, 39];
const HEAT = [[255, 255, 255], [253, 186, 116], [234, 88, 12], [124, 45, 18]];

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

function clamp(t, low, high) {
  return Math.max(low, Math.min(high, Number.isFinite(t) ? t : 0));
}

/** t in [-1, 1] -> [r, g, b]: red for negative, white at 0, blue for positive. */
export function divergingColor(t) {
  const x = clamp(t, -1, 1);
  const a = Math.abs(x);
  const [mid, end] = x < 0 ? [NEGATIVE_MID, NEGATIVE] : [POSITIVE_MID, POSITIVE];
  return a < 0.6 ? mix(WHITE, mid, a / 0.6) : mix(mid, end, (a - 0.6) / 0.4);
}

/** t in [0, 1] -> [r, g, b], light to dark along the heat ramp. */
export function heatColor(t) {
  const x = clamp(t, 0, 1) * (HEAT.length - 1);
  const i = Math.min(HEAT.length - 2, Math.floor(x));
  return mix(HEAT[i], HEAT[i + 1], x - i);
}

/** 0..255 ink -> grey, white ink on black. */
export function inkColor(v) {
  const level = Math.round(clamp(v, 0, 255));
  return [level, level, level];
}

/** 0..255 ink -> grey, dark ink on white paper (`strength` < 1 keeps the darkest ink grey). */
export function paperColor(v, strength = 1) {
  const level = 255 - Math.round(clamp(v, 0, 255) * strength);
  return [level, level, level];
}

/** The largest |value| in nested arrays (1 when all are 0, so nothing divides by 0). */
export function maxAbs(values) {
  let m = 0;
  const walk = (v) => {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) Array.prototype.forEach.call(v, walk);
    else if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  };
  walk(values);
  return m || 1;
}

/** Rows of values -> RGBA bytes (length 4 * w * h), each through `colour(value)` -> [r, g, b]. */
export function rgbaOf(rows, colour) {
  const h = rows.length;
  const w = h ? rows[0].length : 0;
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const i = (y * w + x) * 4;
      out.set(colour(rows[y][x], y, x), i);
      out[i + 3] = 255;
    }
  }
  return out;
}

/** The diverging colour of `v` on a scale where ±`scale` is full colour. */
export function diverging(scale) {
  const s = scale || 1;
  return (v) => divergingColor(v / s);
}

/**
 * Paint `rows` of values on `canvas`, each value a `scale` x `scale` block, through `colour`
 * (default: diverging around 0, scaled to the largest |value|). The canvas is resized to fit.
 * @returns {{width: number, height: number}}
 */
export function drawHeatmap(canvas, rows, { colour = null, scale = 1 } = {}) {
  const h = rows.length;
  const w = h ? rows[0].length : 0;
  const paint = colour ?? diverging(maxAbs(rows));
  const width = Math.max(1, w * scale);
  const height = Math.max(1, h * scale);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext("2d");
  const small = rgbaOf(rows, paint);
  if (scale === 1) {
    if (w && h) context.putImageData(new ImageData(small, w, h), 0, 0);
    return { width, height };
  }
  const image = context.createImageData(width, height);
  for (let y = 0; y < height; y += 1) {
    const sy = Math.floor(y / scale);
    for (let x = 0; x < width; x += 1) {
      const source = (sy * w + Math.floor(x / scale)) * 4;
      image.data.set(small.subarray(source, source + 4), (y * width + x) * 4);
    }
  }
  context.putImageData(image, 0, 0);
  return { width, height };
}
