// The byte codes the server sends for pictures (app/runs/worker.py): feature maps as bytes
// 0..255 over each layer's min..max, kernels as bytes around 128 scaled by the largest |w|, both
// base64 in JSON. Decoding them, and encoding saved weights the same way. No DOM access.

import { base64ToBytes } from "../shared/base64.js";

/** The product of a shape's sides. */
export function sizeOf(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** A byte code (0..255 over min..max, as worker.py encode_maps) -> the value it stands for. */
export function decodeLevel(code, min, max) {
  return min + (code / 255) * (max - min);
}

/** Signed weights -> bytes around 128, scaled by the largest |w| (worker.py encode_kernels). */
export function encodeKernels(name, weights, shape) {
  let scale = 0;
  for (const w of weights) scale = Math.max(scale, Math.abs(w));
  scale = scale || 1;
  const data = new Uint8Array(weights.length);
  for (let i = 0; i < weights.length; i += 1) data[i] = Math.round(128 + (127 * weights[i]) / scale);
  return { name, shape: [...shape], scale, bytes: data };
}

/** The layers of a "weights" or "activations" message, each with its base64 `data` as bytes. */
export function decodeLayers(layers) {
  return layers.map((layer) => ({ ...layer, bytes: base64ToBytes(layer.data) }));
}

/** The index of the largest code (the same as the largest value: codes are monotonic). */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i] > values[best]) best = i;
  return best;
}
