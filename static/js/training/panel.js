// What every panel of the training page has in common. Its parts are found by their data
// attributes in templates/training.html (["run-title"] -> parts.runTitle). A picture panel also
// has a placeholder shown while there is nothing to draw (its words are the template's), a note (what the picture shows, e.g.
// "step 120") and a version bumped each time it is drawn, which tests and learners can read
// from its data-version.

/** `names` of data attributes -> {camelCaseName: the first element below `root` carrying it}. */
export function findParts(root, names) {
  return Object.fromEntries(names.map((name) => [
    name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase()),
    root.querySelector(`[data-${name}]`),
  ]));
}

export class Panel {
  /** @param {HTMLElement} root @param {string[]} names its parts' data attributes */
  constructor(root, names = []) {
    this.root = root;
    this.parts = findParts(root, names);
  }

  /** Dispatches `type` from the panel, bubbling to the page, with `detail`. */
  emit(type, detail = null) {
    this.root.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
  }
}

export class PictureView extends Panel {
  /**
   * @param {HTMLElement} root
   * @param {{content: string, empty: string, note: string, parts?: string[]}} names the data
   *   attributes of what is drawn, of the placeholder and of the note, and of any other parts
   */
  constructor(root, { content, empty, note, parts = [] }) {
    super(root, parts);
    [this.content, this.empty, this.note] = [content, empty, note].map((name) => root.querySelector(`[data-${name}]`));
    this.emptyText = this.empty.textContent; // the template's words for "nothing yet"
    this.version = 0;
  }

  /** Nothing to show: the placeholder (saying `text`, else the template's words) instead of the picture. */
  clear(text = "") {
    this.content.replaceChildren();
    this.note.textContent = "";
    this.empty.hidden = false;
    this.empty.textContent = text || this.emptyText;
  }

  /** The placeholder gives way to the picture (or says `emptyText` when there is none). */
  showing(emptyText = "") {
    this.empty.hidden = !emptyText;
    if (emptyText) this.empty.textContent = emptyText;
  }

  /** Called after each drawing: bumps the version. */
  drawn() {
    this.version += 1;
    this.root.dataset.version = String(this.version);
  }
}
