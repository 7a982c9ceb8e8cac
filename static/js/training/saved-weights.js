// A run watched after the fact has no live "weights" messages: its kernels come from its last
// stored step (replay.js) or, for a run older than the replay, from the weights it saved at its
// last epoch (GET /api/runs/{id}/weights, an .npz read in the browser).

import { encodeKernels } from "./byte-codes.js";
import { readNpz } from "./npz.js";
import { fetchWeights } from "./training-api.js";

/** How many of the MLP's first-layer units are shown as pictures (as app/runs/worker.py sends). */
const MLP_UNITS_SHOWN = 16;

/** The kernel layers to show from the saved arrays: conv1 and conv2, or the MLP's first units. */
export function savedKernelLayers(arrays, model) {
  if (model === "mlp") {
    const fc1 = arrays["fc1.weight"];
    const inputs = fc1.shape[1];
    const side = Math.round(Math.sqrt(inputs));
    return [encodeKernels("fc1", fc1.data.subarray(0, MLP_UNITS_SHOWN * inputs), [MLP_UNITS_SHOWN, 1, side, side])];
  }
  return ["conv1", "conv2"].map((name) => encodeKernels(name, arrays[`${name}.weight`].data, arrays[`${name}.weight`].shape));
}

/** Shows `run`'s saved kernels, unless live ones arrive first or another run is watched by then. */
export async function showSavedWeights(page, run) {
  if (run.savedWeightsFor === run.epochsDone) return;
  run.savedWeightsFor = run.epochsDone;
  const { kernels } = page.views;
  const model = run.config?.model;
  try {
    const arrays = await readNpz(await fetchWeights(run.id), ["conv1.weight", "conv2.weight", "fc1.weight"]);
    // a stored step drawn meanwhile (replay.js) has the same kernels, and says which step
    if (page.state.watched !== run || run.liveWeights || page.root.dataset.replayShown) return;
    kernels.show(savedKernelLayers(arrays, model), { model, source: `saved after epoch ${run.epochsDone}` });
    page.root.dataset.weightsVersion = String(kernels.version);
  } catch (error) {
    if (page.state.watched === run) kernels.clear(`Could not read the saved weights: ${error.message}`);
  }
}
