// Naming a kernel after what is applied: a preset as chosen, a flipped preset after the preset
// it turns into (flipping Sobel left gives Sobel right), and the download's file name from that.
// No DOM access. `presets` is a Map name -> preset from GET /api/kernels/presets.

import { flipKernel, sameKernel } from "./kernel-math.js";

function sameSecond(a, b) {
  return a && b ? sameKernel(a, b) : !a && !b;
}

/** The preset whose kernel (and second kernel) are exactly these weights, preferring `first`;
 * null when none is. */
export function findPreset(presets, kernel, second = null, first = null) {
  const candidates = [presets.get(first), ...presets.values()].filter(Boolean);
  return candidates.find((p) => sameKernel(p.kernel, kernel) && sameSecond(p.second_kernel, second)) ?? null;
}

/** The name of the kernel as applied: "sobel-right" for Sobel left flipped, "emboss-flipped" for
 * a flipped preset that is no preset, the preset's own name when flipping changes nothing (a
 * blur), "custom" for the learner's own weights. */
export function appliedKernelName(presets, presetName, flip) {
  const preset = presets.get(presetName);
  if (!preset) return "custom";
  if (!flip) return preset.name;
  const second = preset.second_kernel ? flipKernel(preset.second_kernel) : null;
  return findPreset(presets, flipKernel(preset.kernel), second, preset.name)?.name ?? `${preset.name}-flipped`;
}

/** "convscope-sobel-right-chelsea.png" for the kernel's name and the photo's file name. */
export function downloadFileName(kernelName, imageName) {
  const stem = String(imageName ?? "").replace(/\.[^.]+$/, "") || "image";
  return `convscope-${kernelName}-${stem}.png`;
}
