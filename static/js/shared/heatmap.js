// The diverging colour map of the pages' feature maps and kernels: red below zero, white at zero,
// blue above (colour-blind safe, unlike red/green). The CSS legends draw the same ramp
// (--ramp-diverging in components.css). No DOM access.

const WHITE = [250, 250, 252];
const POSITIVE = [49, 54, 149]; // deep blue
const POSITIVE_MID = [69, 117, 180];
const NEGATIVE = [165, 0, 38]; // deep red
const NEGATIVE_MID = [215, 48, 39];

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/** t in [-1, 1] -> [r, g, b]: red for negative, white at 0, blue for positive. */
export function divergingColor(t) {
  const x = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const a = Math.abs(x);
  const [mid, end] = x < 0 ? [NEGATIVE_MID, NEGATIVE] : [POSITIVE_MID, POSITIVE];
  return a < 0.6 ? mix(WHITE, mid, a / 0.6) : mix(mid, end, (a - 0.6) / 0.4);
}
