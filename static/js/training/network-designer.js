// Your own network on /training: the shared network editor, the presets to start from (GET
// /api/networks/presets), and its plan while you edit (POST /api/networks, through one LiveQuery:
// the latest edit's answer wins). Shown when the form's Network is "custom"; the form's start takes
// its layers from read().
//
// Explicit state: presets (by name, once fetched), lenet (LeNet-5's plan, for the comparison),
// plan (the last plan shown, or null while the network does not fit), refusal (the server's words).
// Markup contract (templates/training.html): [data-network-designer] holds [data-network-presets],
// a [data-architecture] editor, [data-network-error], [data-network-plan] and [data-network-summary];
// its data-state is "planned" | "refused" | "waiting", data-params the planned total.

import { ArchitectureEditor, layerOfMessage } from "../shared/architecture-editor.js";
import { el } from "../shared/dom.js";
import { LiveQuery } from "../shared/live-query.js";
import { capitalise } from "../shared/words.js";
import { planSentence, planTable } from "./network-plan.js";
import { checkNetwork, networkPresets } from "./training-api.js";

export class NetworkDesigner {
  /** @param {HTMLElement} root [data-network-designer] */
  constructor(root) {
    this.root = root;
    this.editor = new ArchitectureEditor(root.querySelector("[data-architecture]"));
    this.presetBox = root.querySelector("[data-network-presets]");
    this.errorBox = root.querySelector("[data-network-error]");
    this.planBox = root.querySelector("[data-network-plan]");
    this.summary = root.querySelector("[data-network-summary]");
    this.state = { presets: new Map(), lenet: null, plan: null, refusal: null };
    this.query = new LiveQuery((body, signal) => checkNetwork(body, signal), {
      delay: 200, abortStale: true,
      onResult: (plan) => this.#planned(plan),
      onError: (error) => this.#refused(error.message || String(error)),
    });
    this.editor.root.addEventListener("architecture-edit", () => this.#edited());
    this.loaded = this.#loadPresets();
  }

  async #loadPresets() {
    const presets = await networkPresets();
    this.presetBox.replaceChildren(...presets.map((p) => {
      const button = el("button", "chip", p.label);
      button.type = "button";
      button.dataset.networkPreset = p.name;
      button.addEventListener("click", () => this.editor.load(p.layers));
      return button;
    }));
    for (const p of presets) this.state.presets.set(p.name, p);
    const lenet = this.state.presets.get("lenet5");
    if (lenet) this.state.lenet = await checkNetwork({ layers: lenet.layers }).catch(() => null);
    if (!this.editor.count) this.editor.load((this.state.presets.get("modern-small") ?? presets[0]).layers);
  }

  /** Shown (the form's Network is "custom") or hidden. */
  show(on) {
    this.root.hidden = !on;
  }

  /** {layers} for POST /api/runs, or {error} naming the first box that does not hold a number. */
  read() {
    const { body, error } = this.editor.read();
    if (error) return { error };
    if (!body.layers.length) return { error: "Add a layer to your network first." };
    return { layers: body.layers };
  }

  /** The server refused to train it (a POST /api/runs 422): say why here too. */
  refused(message) {
    this.#refused(message);
  }

  #edited() {
    this.editor.markLayer(0);
    const got = this.read();
    if (got.error) {
      this.query.cancel();
      this.#refused(got.error);
    } else {
      this.root.dataset.state = "waiting";
      this.query.schedule({ layers: got.layers });
    }
  }

  #planned(plan) {
    Object.assign(this.state, { plan, refusal: null });
    this.errorBox.hidden = true;
    this.editor.markLayer(0);
    this.planBox.classList.remove("is-stale");
    this.planBox.replaceChildren(planTable(plan));
    this.summary.textContent = planSentence(plan, this.state.lenet);
    Object.assign(this.root.dataset, { state: "planned", params: String(plan.params) });
  }

  #refused(message) {
    Object.assign(this.state, { plan: null, refusal: message });
    this.errorBox.textContent = capitalise(message);
    this.errorBox.hidden = false;
    const got = this.editor.read();
    this.editor.markLayer(layerOfMessage(message, got.body?.layers));
    this.planBox.classList.add("is-stale");
    this.summary.textContent = "";
    this.root.dataset.state = "refused";
    delete this.root.dataset.params;
  }
}
