// Everything on the page that states a size: the labels over the original and the result, the
// "Output size" box with its formula per axis, and the sentences under the border and stride
// choices, all computed from the photo and the settings shown. Markup contract
// (templates/kernels.html): [data-input-size], [data-output-size], [data-size-formula],
// [data-padding-size], [data-stride-note].

import { el } from "../shared/dom.js";
import { outputSize, sizeFormula } from "./kernel-math.js";
import { inputSizeText, paddingSentence, sizeSummary, sizeText, strideSentence } from "./kernel-sentences.js";

export class SizeNotes {
  constructor(root) {
    this.inputSize = root.querySelector("[data-input-size]");
    this.outputSize = root.querySelector("[data-output-size]");
    this.formulaBox = root.querySelector("[data-size-formula]");
    this.paddingNote = root.querySelector("[data-padding-size]");
    this.strideNote = root.querySelector("[data-stride-note]");
  }

  /** Say the sizes for `image` (null before one is loaded) and `settings` (null while they are
   * invalid). Returns the output size, {width, height} or {error}, or null when unknown. */
  update(image, settings) {
    if (image) {
      const { text, title } = inputSizeText(image);
      this.inputSize.textContent = text;
      this.inputSize.title = title;
    }
    if (!settings) return null;
    const kh = settings.kernel.length;
    const kw = settings.kernel[0].length;
    const w = image?.preview_width ?? null;
    const h = image?.preview_height ?? null;
    this.paddingNote.textContent = paddingSentence(settings.padding, kh, kw, w, h);
    const size = image ? outputSize(h, w, kh, kw, settings.padding, settings.stride) : null;
    const atOne = image ? outputSize(h, w, kh, kw, settings.padding, 1) : null;
    this.strideNote.textContent = strideSentence(settings.stride, atOne, size);
    if (!size || size.error) {
      this.outputSize.textContent = "";
      this.formulaBox.replaceChildren();
      return size;
    }
    this.showResultSize(size.width, size.height);
    const formula = (label, text) => {
      const li = el("li");
      li.append(el("span", "kp-size-label", label), el("code", "", text));
      return li;
    };
    const list = el("ul", "kp-size-list");
    list.append(formula("Width", sizeFormula(w, kw, settings.padding, settings.stride)),
      formula("Height", sizeFormula(h, kh, settings.padding, settings.stride)));
    this.formulaBox.replaceChildren(el("p", "kp-size-summary", sizeSummary(size, w, h)), list);
    return size;
  }

  /** The result's size label, as drawn. */
  showResultSize(width, height) {
    this.outputSize.textContent = `${sizeText(width, height)} px`;
  }
}
