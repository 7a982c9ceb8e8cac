// The bar under a page's intro that says which network answers this browser, and takes it back
// to the pretrained LeNet-5. The choice is this browser's own (a cookie the server sets when a run
// is activated or a network imported; app/session_networks.py): other learners keep theirs.

import { errorMessage, getJson, postJson } from "./api.js";
import { modelLabel } from "./network-words.js";
import { capitalise } from "./words.js";

/** What the bar says for /api/model's answer. */
export function choiceText(model) {
  const label = modelLabel(model.source, model.architecture);
  return label.kind === "pretrained"
    ? `${capitalise(label.text)} answers on this page.`
    : `${capitalise(label.text)} answers on this page, for you only: other learners keep the network they chose.`;
}

/** Fills `root` ([data-network-choice]) from /api/model; the button goes back to the pretrained
 * network and reloads, so that every view on the page is answered by it. */
export function mountNetworkChoice(root, { reload = () => window.location.reload() } = {}) {
  if (!root) return null;
  const text = root.querySelector("[data-network-choice-text]");
  const back = root.querySelector("[data-network-choice-back]");
  const state = { model: null };
  const show = (model) => {
    state.model = model;
    text.textContent = choiceText(model);
    back.hidden = model.source === "pretrained";
    root.dataset.source = model.source;
    root.hidden = false;
  };
  back.addEventListener("click", async () => {
    back.disabled = true;
    try {
      show(await postJson("/api/model/pretrained", {}));
      reload();
    } catch (error) {
      text.textContent = `Could not switch back: ${error.message ?? errorMessage(null, 0)}`;
    } finally {
      back.disabled = false;
    }
  });
  getJson("/api/model").then(show).catch(() => { root.hidden = true; });
  return state;
}
