// The stack the learner designs on /receptive-field, the pure part: the presets, a new layer's
// defaults, reading a bounded whole number, the body of POST /api/receptive-field/stack, and
// the answer's rows as inputs to the recurrences (rf-math.js). No DOM access.

import { inputLayer } from "./rf-math.js";

export const STACK_KINDS = { conv: "Conv", maxpool: "Max pool", avgpool: "Avg pool" };

/** Stacks to start from. Each starts from the editor's default input (the served network's). */
export const STACK_PRESETS = {
  lenet5: {
    label: "LeNet-5",
    layers: [
      { kind: "conv", kernel: 5, stride: 1, padding: 2, dilation: 1, channels: 6 },
      { kind: "maxpool", kernel: 2, stride: 2, padding: 0, dilation: 1, channels: 6 },
      { kind: "conv", kernel: 5, stride: 1, padding: 0, dilation: 1, channels: 16 },
      { kind: "maxpool", kernel: 2, stride: 2, padding: 0, dilation: 1, channels: 16 },
    ],
  },
  three3x3: {
    label: "Three 3\u00d73 convs",
    layers: [1, 2, 3].map((i) => ({ kind: "conv", kernel: 3, stride: 1, padding: 1, dilation: 1, channels: 8 * i })),
  },
  dilated: {
    label: "Dilated 1, 2, 4",
    layers: [1, 2, 4].map((d) => ({ kind: "conv", kernel: 3, stride: 1, padding: d, dilation: d, channels: 16 })),
  },
  strided: {
    label: "Stride 2 each",
    layers: [16, 32, 64].map((c) => ({ kind: "conv", kernel: 3, stride: 2, padding: 1, dilation: 1, channels: c })),
  },
};

/** A new layer for the editor: a 3 x 3 conv, or a 2 x 2 pool with stride 2. */
export function newStackLayer(kind, channels = 8) {
  return kind === "conv"
    ? { kind: "conv", kernel: 3, stride: 1, padding: 1, dilation: 1, channels }
    : { kind, kernel: 2, stride: 2, padding: 0, dilation: 1, channels };
}

/** Typed text -> an integer within bounds, or {error}. */
export function parseBounded(text, { min, max }, label) {
  const s = String(text ?? "").trim();
  if (!/^[+-]?\d+$/.test(s)) return { error: `${label}: \u201c${s}\u201d is not a whole number.` };
  const value = Number(s);
  if (min != null && value < min) return { error: `${label}: at least ${min}.` };
  if (max != null && value > max) return { error: `${label}: at most ${max}.` };
  return { value };
}

/** The body of POST /api/receptive-field/stack; channels is only sent for convolutions. */
export function stackBody(inputSize, inputChannels, layers) {
  return {
    input_size: inputSize,
    input_channels: inputChannels,
    layers: layers.map((l) => {
      const out = { kind: l.kind, kernel: l.kernel, stride: l.stride, padding: l.padding, dilation: l.dilation };
      if (l.kind === "conv") out.channels = l.channels;
      return out;
    }),
  };
}

/** The stack's rows (from /stack) joined with the layers that made them, as recurrence inputs. */
export function stackGeometry(rows, layers, inputSize) {
  let previous = inputLayer(inputSize);
  return rows.map((row, i) => {
    const l = layers[i];
    const layer = { ...l, name: row.name, size: row.output_size, rf: row.rf, jump: row.jump, start: row.start, previous };
    previous = layer;
    return layer;
  });
}
