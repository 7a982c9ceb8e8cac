// A kernel handed to the playground in its link (shared/kernel-link.js), e.g. a learned kernel
// from the training page's "Try this kernel on a photo": it goes into the grid as the learner's own
// weights, with the link's output mapping and colour choice, and a note over the grid says where
// it came from. A malformed link is said in words above the grid, and the page starts as usual.
// Markup contract (templates/kernels.html): [data-link-note] and [data-link-error] in the kernel card.

import { readKernelLink } from "../shared/kernel-link.js";
import { TIMES } from "../shared/numbers.js";

/** The note over the grid for a linked kernel: "A 5×5 kernel from conv1 kernel 3, step 120. …" */
export function linkNote(kernel, from, output) {
  const size = `${kernel.length}${TIMES}${kernel[0].length}`;
  const source = from ? ` from ${from}` : " from a link";
  const mapping = output === "rescale"
    ? " Its weights are small, so the result is rescaled: its lowest value shows black, its highest white." : "";
  return `A ${size} kernel${source}, as its weights were (to 4 significant digits).${mapping}`;
}

/**
 * Loads the kernel in `search` (location.search) into `controls` (KernelControls); says what
 * happened in the card of `root`. Returns true when the grid now holds the linked kernel.
 */
export function loadLinkedKernel(root, controls, search, maxSide) {
  const link = readKernelLink(search, maxSide);
  const note = root.querySelector("[data-link-note]");
  const error = root.querySelector("[data-link-error]");
  error.textContent = link.problems.join(" ");
  error.hidden = !link.problems.length;
  note.hidden = !link.kernel;
  if (!link.kernel) return false;
  controls.grid.setCells(link.kernel);
  controls.presets.show("custom");
  if (link.output) controls.setChoice("output", link.output);
  if (link.channels) controls.setChoice("channels", link.channels);
  note.textContent = linkNote(link.kernel, link.from, link.output);
  root.dataset.linkedKernel = JSON.stringify(link.kernel);
  return true;
}
