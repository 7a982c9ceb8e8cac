// LiveSection: one part of a lesson that asks the engine as the learner edits, and shows the
// answer. It owns a LiveQuery (counted in the page's busy flag), the section element that carries
// data-request/data-version, and the error box next to its inputs:
//
//   const part = new LiveSection(page, { name: "two-d", send: api.correlate2d, draw, grids });
//   part.ask(body)        // after the edits settle: draw(result, body), or the engine's refusal
//   part.ask(body, note)  // the same, still saying `note` about an input left out of body
//   part.refuse(message)  // the inputs cannot be sent: say why, fade the old answer
//
// `name` finds [data-section=name] and [data-error=name] (or pass `section` and `errorBox`). A
// refusal from the engine is worded by lesson-errors.js: a field error names the input as the
// lesson does. With `grids` ({name sent under: LessonGrid}), a path into a grid is named and its
// cells are marked; `names` names the other fields ({pad: "the padding"}); or give your own
// `nameOf(path)` and `onFields(paths, message, body)`.
//
// A [data-code-block] inside the section shows the answer's `code` (the PyTorch that prints its
// numbers), greyed while the inputs and the answer disagree; `codeRoot` puts it elsewhere.

import { CodeBlock } from "../shared/code-block.js";
import { lessonError } from "./lesson-errors.js";
import { gridNames, markGridFields } from "./lesson-grid.js";
import { rendered, showError, stale } from "./lesson-page.js";

export class LiveSection {
  /**
   * @param {import("./lesson-page.js").PageState} page
   * @param {object} options  name, or section and errorBox (elements); send (body, signal) ->
   *   answer; draw (result, body); grids, names, or nameOf (path) -> name and onFields (paths,
   *   message, body); onFail (error, body) after a refusal is shown
   */
  constructor(page, { name = null, section = null, errorBox = null, send, draw, grids = {}, names = {},
    nameOf = gridNames(grids, names), onFields = (paths, message) => markGridFields(grids, paths, message),
    onFail = () => {}, codeRoot = undefined }) {
    this.section = section ?? page.$(`[data-section="${name}"]`);
    this.errorBox = errorBox ?? page.$(`[data-error="${name}"]`);
    const codeAt = codeRoot === undefined ? this.section.querySelector("[data-code-block]") : codeRoot;
    this.code = codeAt ? new CodeBlock(codeAt) : null;
    this.shown = null; // {result, body} of the answer on screen
    this.note = null; // what to keep saying about the inputs once the answer is drawn
    this.query = page.query(send, {
      onResult: (result, body) => {
        this.shown = { result, body };
        showError(this.errorBox, this.note);
        draw(result, body);
        if (this.code && typeof result.code === "string") this.code.show(result.code, body);
        rendered(this.section, body);
      },
      onError: (error, body) => {
        const { message, fields } = lessonError(error, nameOf);
        showError(this.errorBox, message);
        onFields(fields, message, body);
        stale(this.section);
        this.code?.stale();
        onFail(error, body);
      },
    });
  }

  /** Ask for `body` once the edits settle; `note`: a complaint about an input left out of it. */
  ask(body, note = null) {
    this.note = note;
    showError(this.errorBox, note);
    this.query.schedule(body);
  }

  /** Ask for `body` now. */
  askNow(body) {
    this.note = null;
    showError(this.errorBox, null);
    this.query.now(body);
  }

  /** The inputs cannot be sent: show `message` (if any), fade the answer, forget what is pending. */
  refuse(message) {
    if (message !== undefined) showError(this.errorBox, message);
    stale(this.section);
    this.code?.stale();
    this.query.cancel();
  }
}
