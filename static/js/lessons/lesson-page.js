// What every lesson page module shares: the page's state (its root, its busy flag over all its
// LiveQuery objects), the bookkeeping a section does when it draws an answer, and small control
// helpers.
//
// For tests and curious learners: the page root [data-lesson-page] carries data-busy ("true" while
// an edit is waiting or a request is out); every section that shows an answer carries
// data-request (the JSON body of the request it shows) and data-version (bumped per answer).

import { LiveQuery } from "../shared/live-query.js";

export class PageState {
  constructor(root) {
    this.root = root;
    this.queries = [];
    this.holds = 0;
  }

  /** The first element under the page root matching `selector`. */
  $(selector) {
    return this.root.querySelector(selector);
  }


  /** A LiveQuery whose busy state counts towards the page's. Stale answers are left to finish
   * and dropped (never aborted), so the page is not busy until every request it sent is back. */
  query(send, options = {}) {
    const q = new LiveQuery(send, { ...options, onChange: () => this.update() });
    this.queries.push(q);
    return q;
  }

  /** Count something else (e.g. a button-started run) as busy until the promise settles. */
  async hold(promise) {
    this.holds += 1;
    this.update();
    try {
      return await promise;
    } finally {
      this.holds -= 1;
      this.update();
    }
  }

  update() {
    this.root.dataset.busy = String(this.holds > 0 || this.queries.some((q) => q.busy));
  }
}

/** A section has drawn the answer to `body`. */
export function rendered(section, body) {
  section.dataset.request = JSON.stringify(body);
  section.dataset.version = String(Number(section.dataset.version ?? 0) + 1);
  section.classList.remove("is-stale");
}

/** A section's answer no longer matches the inputs (bad input, or an error). */
export function stale(section) {
  section.classList.add("is-stale");
}

/** Show `text` in an error box next to the inputs it is about; hide the box when text is empty. */
export function showError(box, text) {
  box.textContent = text ?? "";
  box.hidden = !text;
}

/** Fill a <select> with the integers min..max (if it is empty) and choose `value`. */
export function numberSelect(select, min, max, value) {
  if (select.options.length === 0) {
    for (let n = min; n <= max; n += 1) select.add(new Option(String(n), String(n)));
  }
  select.value = String(value);
}

/** The checked radio's value in a form or fieldset. */
export function radioValue(scope, name) {
  return scope.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
}

/** Call `fill(kind)` when a [data-fill] button under `scope` is pressed. */
export function onFillButtons(scope, fill) {
  for (const button of scope.querySelectorAll("[data-fill]")) button.addEventListener("click", () => fill(button.dataset.fill));
}

/** Run setUp(page) with a PageState for every [data-lesson-page="slug"] on the page. */
export function start(slug, setUp) {
  for (const root of document.querySelectorAll(`[data-lesson-page="${slug}"]`)) setUp(new PageState(root));
}
