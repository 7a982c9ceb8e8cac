// The selected unit's panels on /receptive-field: the sentence naming it, its box, what of the
// box hangs into the padding, its activation, its effective field (with the sentence on how
// concentrated it is), the recurrences for its layer and the served network's table with its
// layer highlighted. Draws what it is given; fetches nothing.
//
// Markup contract (templates/receptive_field.html), inside the page root: [data-unit-summary],
// [data-activation], [data-box-text], [data-padding-text], [data-effective] (effective-view.js),
// [data-effective-note], [data-formulas], [data-network-table] and [data-served-convs].

import { findParts } from "../shared/dom.js";
import { EffectiveView } from "./effective-view.js";
import { centralShare, geometryText, recurrenceLines, sizeLine, unitBox } from "./rf-math.js";
import { formulasHeading, renderFormulas, renderNetworkTable } from "./rf-views.js";
import { activationText, boxText, effectiveNote, paddingText, servedConvsText, unitSummary } from "./rf-words.js";

export class UnitPanel {
  constructor(root) {
    this.root = root;
    Object.assign(this, findParts(root, { summary: "[data-unit-summary]", activation: "[data-activation]",
      box: "[data-box-text]", border: "[data-padding-text]", note: "[data-effective-note]", formulas: "[data-formulas]",
      networkTable: "[data-network-table]", servedConvs: "[data-served-convs]" }));
    this.effective = new EffectiveView(root.querySelector("[data-effective]"));
  }

  /** The served network, once known: its table, and what its convolutions' parameters say. */
  showNetwork(state, architecture) {
    this.effective.setFrame(state.frame);
    renderNetworkTable(this.networkTable, state.table, { describe: state.describe, inputSize: state.field });
    this.servedConvs.textContent = servedConvsText(state.layers, architecture);
  }

  /** What needs no server: the unit's sentence, its box, the recurrences, the table row. */
  showUnit(state, layer, unit) {
    const box = unitBox(layer, unit.y, unit.x);
    this.summary.textContent = unitSummary(layer, unit);
    this.box.textContent = boxText(layer, box);
    renderFormulas(this.formulas, formulasHeading(layer.name, ` (${layer.type} ${geometryText(layer)})`, layer.previous),
      [...recurrenceLines(layer, unit), sizeLine(layer)]);
    renderNetworkTable(this.networkTable, state.table, { selected: layer.name, describe: state.describe, inputSize: state.field });
    if (state.picture) this.effective.draw(state.picture.pixels, null, box, null);
  }

  /** The API's region in the input: how much of the box lies in the padding. */
  showBorder(inputRegion, layer) {
    this.border.textContent = paddingText(inputRegion, layer.rf).text;
  }

  /** A digit arrived: its faint image under the unit's box, until the effective field comes. */
  showPicture(pixels, layer, unit) {
    this.effective.draw(pixels, null, unitBox(layer, unit.y, unit.x), null);
  }

  /** POST .../effective's answer for `unit` of `layer`; `request` is the body that asked.
   * -> the note's verdict (see rf-words.js effectiveNote). */
  showEffective(answer, { layer, unit, pixels, request, channel }) {
    const box = unitBox(layer, unit.y, unit.x);
    const central = centralShare(answer.gradient, box);
    this.effective.draw(pixels, answer.gradient, box, central);
    this.activation.textContent = activationText(answer.activation, layer, { channel: request.channel ?? null, asked: channel });
    const note = effectiveNote(central);
    this.note.textContent = note.text;
    this.note.dataset.verdict = note.verdict;
    return note.verdict;
  }

  showEffectiveError(message) {
    this.note.textContent = `Could not compute the effective field: ${message}`;
    delete this.note.dataset.verdict;
  }
}
