// "Bring a network trained in PyTorch": the upload form under the designer. The architecture box
// takes the nn.Sequential code or the layers as JSON (a leading "[" says which); the answer's
// sentence names the network now served, or the server's reason for refusing it.
//
// Markup contract (templates/training.html): form[data-import-form] with input[name=weights],
// textarea[name=architecture], [data-import-submit] and [data-import-result] (its data-state is
// "served" | "refused").

import { importNetwork } from "./training-api.js";

/** The sentence for an imported network's answer (POST /api/networks/import). */
export function importedSentence({ id, model }) {
  const layers = model.layers.length;
  return `Imported as ${model.source}: ${layers} layer${layers === 1 ? "" : "s"}, ${model.total_params.toLocaleString("en-US")} `
    + `parameters. It answers on the Digits and Receptive fields pages now (id ${id}).`;
}

export class NetworkImport {
  /** @param {HTMLFormElement} form */
  constructor(form) {
    this.form = form;
    this.result = form.querySelector("[data-import-result]");
    this.button = form.querySelector("[data-import-submit]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  async submit() {
    const file = this.form.elements.weights.files[0];
    if (!file) return this.#say("Choose a weights file first.", "refused");
    const body = new FormData();
    body.append("weights", file, file.name);
    const text = this.form.elements.architecture.value.trim();
    if (text) body.append(text.startsWith("[") ? "layers" : "code", text);
    this.button.disabled = true;
    try {
      this.#say(importedSentence(await importNetwork(body)), "served");
    } catch (error) {
      this.#say(error.message || String(error), "refused");
    } finally {
      this.button.disabled = false;
    }
    return undefined;
  }

  #say(text, state) {
    this.result.textContent = text;
    this.result.hidden = false;
    this.result.dataset.state = state;
    this.result.classList.toggle("error-box", state === "refused");
  }
}
