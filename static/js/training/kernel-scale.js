// The colour scale of the kernel pictures, and the words that state it. No DOM access.
//
// Each "weights" message codes a layer against its own largest |w| (`scale`): byte =
// round(128 + 127 w / scale), so every update is re-normalised and a layer that doubles all its
// weights looks the same. With the fixed scale on, each layer's scale is frozen when the option
// is switched on (or when the layer first arrives while it is on) and the bytes are re-coded
// against it: weights that grow look stronger, weights that shrink fade, and an unchanged weight
// keeps its colour. Weights beyond the frozen scale are drawn at full strength, and counted.

import { formatInteger, formatSignificant } from "../shared/numbers.js";
import { plural } from "../shared/words.js";

/** The codes of `bytes` (coded against `scale`) re-coded against `fixed`, clipped to 1..255:
 * {codes, clipped} (how many weights lie beyond ±fixed). */
export function recode(bytes, scale, fixed) {
  const codes = new Uint8Array(bytes.length);
  const ratio = scale / fixed;
  let clipped = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const code = Math.round(128 + (bytes[i] - 128) * ratio);
    if (code < 1 || code > 255) clipped += 1;
    codes[i] = Math.min(255, Math.max(1, code));
  }
  return { codes, clipped };
}

/** The frozen scales, by layer name: {scale, step} each. */
export class FixedScales {
  constructor() {
    this.on = false;
    this.scales = new Map();
  }

  /** Switch on (freezing nothing yet: each layer freezes at its next picture) or off (forgetting them). */
  set(on) {
    this.on = on;
    this.scales.clear();
  }

  /** A new run: the frozen scales belong to the old one. */
  forget() {
    this.scales.clear();
  }

  /** What to draw `layer` with: {codes, scale, fixed, clipped, since} (since: the source words of
   * the moment it was frozen); the bytes as they are when the option is off. */
  colours(layer, source) {
    if (!this.on) return { codes: layer.bytes, scale: layer.scale, fixed: false, clipped: 0 };
    if (!this.scales.has(layer.name)) this.scales.set(layer.name, { scale: layer.scale, since: source });
    const frozen = this.scales.get(layer.name);
    const { codes, clipped } = recode(layer.bytes, layer.scale, frozen.scale);
    return { codes, scale: frozen.scale, fixed: true, clipped, since: frozen.since };
  }
}

/** The caption's words for the colour scale in use (`shown`: what FixedScales.colours returned),
 * with the layer's own largest |w| now (`layer.scale`). */
export function scaleWords(layer, shown) {
  const now = formatSignificant(layer.scale);
  if (!shown.fixed) return `colour scale \u00b1${now}, this picture\u2019s largest |w| (re-fitted at every update)`;
  const fixed = formatSignificant(shown.scale);
  const ratio = layer.scale / shown.scale;
  const change = fixed === now ? "the same now"
    : `now ${now}, ${formatSignificant(ratio, 2)}\u00d7 as large`;
  const beyond = shown.clipped
    ? `; ${plural(shown.clipped, "weight", "weights", formatInteger)} beyond it drawn at full strength` : "";
  return `fixed colour scale \u00b1${fixed}, the largest |w| at ${shown.since} (${change})${beyond}`;
}
