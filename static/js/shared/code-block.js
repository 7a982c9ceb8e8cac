// A block of code a learner can read and copy: the PyTorch that computes what a page shows.
//
// Markup: <div data-code-block> with a <code data-code> inside a <pre>, a <button data-copy>
// and a <span data-copy-status aria-live="polite">. show(text) replaces the code; the button
// copies it (navigator.clipboard, or a selection of the text where that is not allowed).
// The root gets data-code-for (the request the code answers), for tests.

export class CodeBlock {
  constructor(root) {
    this.root = root;
    this.code = root.querySelector("[data-code]");
    this.status = root.querySelector("[data-copy-status]");
    root.querySelector("[data-copy]")?.addEventListener("click", () => this.#copy());
  }

  /** Show `text`, the code for `request` (any JSON-able value). */
  show(text, request) {
    this.code.textContent = text;
    this.root.classList.remove("is-stale");
    if (request !== undefined) this.root.dataset.codeFor = JSON.stringify(request);
    this.#say("");
  }

  /** The settings changed and no code fits them (yet): keep the last, greyed. */
  stale(message) {
    this.root.classList.add("is-stale");
    if (message) this.#say(message);
  }

  async #copy() {
    try {
      await navigator.clipboard.writeText(this.code.textContent);
      this.#say("Copied.");
    } catch {
      const range = document.createRange();
      range.selectNodeContents(this.code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      this.#say("Selected: copy it with Ctrl+C (\u2318C on a Mac).");
    }
  }

  #say(text) {
    if (this.status) this.status.textContent = text;
  }
}
