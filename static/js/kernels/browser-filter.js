// The playground's filter, computed in the browser: for the camera, whose frames never leave the
// machine. It is model/filters.py's arithmetic, term by term:
//
//   out[i, j] = (1 / divisor) * sum_{u, v} K[u, v] * P[i*s + u, j*s + v]     per colour channel
//
// with P the frame padded by the border mode (zero, edge, reflect without repeating the edge,
// wrap; "valid" pads nothing), K flipped by 180 degrees for a true convolution, the luminance
// Y = (19595 R + 38470 G + 7471 B + 2^15) >> 16 when asked, and the server's output mappings
// (clip, abs, offset, rescale; the magnitude sqrt(a^2 + b^2) of two kernels). The server rounds
// in float32 (model/filter_plan.py): sum / divisor, plus 0.5, floored; so does this. Sums of
// integer weights are exact in both, so integer kernels give the server's bytes exactly
// (tests/browser/test_kernel_camera.py feeds one camera frame through both).

/** The index of padded coordinate p (may be outside 0..n-1) in the image, or -1 for a zero. */
function source(p, n, mode) {
  if (p >= 0 && p < n) return p;
  if (mode === "zero") return -1;
  if (mode === "edge") return p < 0 ? 0 : n - 1;
  if (mode === "wrap") return ((p % n) + n) % n;
  // reflect, without repeating the edge pixel: -1 -> 1, n -> n - 2
  let q = p;
  const period = 2 * (n - 1);
  if (period === 0) return 0;
  q = ((q % period) + period) % period;
  return q < n ? q : period - q;
}

/** ((top, bottom), (left, right)) as model/filters.py's pad_widths. */
export function padWidths(kh, kw, padding) {
  if (padding === "valid") return [[0, 0], [0, 0]];
  return [[Math.floor(kh / 2), kh - 1 - Math.floor(kh / 2)], [Math.floor(kw / 2), kw - 1 - Math.floor(kw / 2)]];
}

export function outputSize(h, w, kh, kw, padding, stride) {
  const [[top, bottom], [left, right]] = padWidths(kh, kw, padding);
  return {
    height: Math.floor((h + top + bottom - kh) / stride) + 1,
    width: Math.floor((w + left + right - kw) / stride) + 1,
  };
}

function flipped(kernel) {
  return kernel.map((row) => [...row].reverse()).reverse();
}

/** One channel (h x w) padded by the border mode: (h + top + bottom) x (w + left + right). */
function padPlane(plane, h, w, [[top, bottom], [left, right]], mode) {
  const ph = h + top + bottom;
  const pw = w + left + right;
  const out = new Float64Array(ph * pw);
  const cols = Int32Array.from({ length: pw }, (_, c) => source(c - left, w, mode));
  for (let r = 0; r < ph; r += 1) {
    const from = source(r - top, h, mode);
    if (from < 0) continue; // a row of zeros
    const line = from * w;
    const at = r * pw;
    for (let c = 0; c < pw; c += 1) {
      const k = cols[c];
      if (k >= 0) out[at + c] = plane[line + k];
    }
  }
  return { data: out, width: pw };
}

/** Sums / divisor of one kernel over planes (Float64Array per channel) -> Float32Array per channel.
 * The frame is padded once; each output pixel is then a sum over the kernel's non-zero taps. */
function correlate(planes, h, w, weights, divisor, padding, stride) {
  const kh = weights.length;
  const kw = weights[0].length;
  const pads = padWidths(kh, kw, padding);
  const { height: oh, width: ow } = outputSize(h, w, kh, kw, padding, stride);
  const d = Math.fround(divisor);
  return planes.map((plane) => {
    const padded = padPlane(plane, h, w, pads, padding);
    const pw = padded.width;
    const src = padded.data;
    const taps = [];
    weights.forEach((row, u) => row.forEach((k, v) => { if (k !== 0) taps.push([u * pw + v, k]); }));
    const offsets = Int32Array.from(taps, (t) => t[0]);
    const ks = Float64Array.from(taps, (t) => t[1]);
    const n = taps.length;
    const out = new Float32Array(oh * ow);
    for (let i = 0; i < oh; i += 1) {
      const rowStart = i * stride * pw;
      for (let j = 0; j < ow; j += 1) {
        const base = rowStart + j * stride;
        let sum = 0;
        for (let t = 0; t < n; t += 1) sum += ks[t] * src[base + offsets[t]];
        out[i * ow + j] = Math.fround(Math.fround(sum) / d);
      }
    }
    return out;
  });
}

/** [lowest, highest] over every channel's values: "rescale" stretches the whole result, as the server does. */
function rangeOf(planes) {
  let low = Infinity;
  let high = -Infinity;
  for (const plane of planes) {
    for (const v of plane) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return [low, high];
}

/** float32 values -> bytes, as model/filter_plan.py's _map_band and filters.py's map_output;
 * `range` is the whole result's [low, high], for "rescale". */
function mapValues(values, mapping, range) {
  const bytes = new Uint8ClampedArray(values.length);
  if (mapping === "rescale") {
    const [low, high] = range;
    for (let k = 0; k < values.length; k += 1) {
      const mapped = high > low ? (values[k] - low) * (255 / (high - low)) : 0;
      bytes[k] = Math.min(255, Math.max(0, Math.floor(mapped + 0.5)));
    }
    return bytes;
  }
  const add = Math.fround(mapping === "offset" ? 128.5 : 0.5);
  for (let k = 0; k < values.length; k += 1) {
    const v = mapping === "abs" ? Math.abs(values[k]) : values[k];
    bytes[k] = Math.min(255, Math.max(0, Math.floor(Math.fround(v + add))));
  }
  return bytes;
}

/**
 * Filter an RGBA frame (ImageData-like {data, width, height}) with the playground's settings:
 * {kernel, divisor, normalize, channels: "rgb" | "luminance", padding, stride, output, flip,
 * second (a second kernel, or null)}. Returns {data: RGBA bytes, width, height}.
 */
export function filterFrame(frame, settings) {
  const { width: w, height: h, data } = frame;
  const grey = settings.channels === "luminance";
  const planes = (grey ? [0] : [0, 1, 2]).map(() => new Float64Array(w * h));
  for (let k = 0, p = 0; k < w * h; k += 1, p += 4) {
    if (grey) planes[0][k] = (data[p] * 19595 + data[p + 1] * 38470 + data[p + 2] * 7471 + 0x8000) >>> 16;
    else for (let c = 0; c < 3; c += 1) planes[c][k] = data[p + c];
  }
  const weights = settings.flip ? flipped(settings.kernel) : settings.kernel;
  const total = weights.flat().reduce((a, b) => a + b, 0);
  const divisor = settings.normalize && total !== 0 ? total : settings.divisor ?? 1;
  let values = correlate(planes, h, w, weights, divisor, settings.padding, settings.stride);
  if (settings.second) {
    const other = correlate(planes, h, w, settings.flip ? flipped(settings.second) : settings.second, divisor,
      settings.padding, settings.stride);
    values = values.map((a, c) => a.map((v, k) => Math.fround(Math.hypot(v, other[c][k]))));
  }
  const { height: oh, width: ow } = outputSize(h, w, weights.length, weights[0].length, settings.padding, settings.stride);
  const mapping = settings.output ?? "clip";
  const range = mapping === "rescale" ? rangeOf(values) : null;
  const mapped = values.map((v) => mapValues(v, mapping, range));
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let k = 0; k < ow * oh; k += 1) {
    for (let c = 0; c < 3; c += 1) out[k * 4 + c] = mapped[grey ? 0 : c][k];
    out[k * 4 + 3] = 255;
  }
  return { data: out, width: ow, height: oh };
}
