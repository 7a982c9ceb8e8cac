// LiveQuery: the one "debounced, latest answer wins" request every page uses for edits that ask
// the server (a kernel typed, a digit drawn, a lesson grid edited). No DOM access.
//
//   const q = new LiveQuery((body, signal) => api.call(body, signal), {delay: 150, onResult, onError});
//   q.schedule(body)  // send after `delay` ms of quiet (a later call replaces it)
//   q.now(body)       // send at once
//   q.ask(body)       // at once when idle, else as schedule() (a throttle)
//
// Only the answer to the newest request reaches onResult/onError: an older answer that arrives
// late is dropped, so the page never shows a stale result over a fresher one. With `abortStale`,
// a superseded request is also aborted (its AbortSignal fires) instead of being left to finish;
// the aborted answer is never reported. `maxWait` bounds how long a stream of edits can put the
// request off (a learner drawing continuously still sees answers). `busy` is true while a request
// is waiting or out; onChange() is called whenever it may have changed.

import { isAbort } from "./api.js";

export class LiveQuery {
  #send;
  #delay;
  #maxWait;
  #abortStale;
  #timer = null;
  #firstScheduled = null;
  #seq = 0;
  #inFlight = 0;
  #controller = null;

  constructor(send, { delay = 150, maxWait = Infinity, abortStale = false, onResult = () => {},
    onError = () => {}, onChange = () => {} } = {}) {
    this.#send = send;
    this.#delay = delay;
    this.#maxWait = maxWait;
    this.#abortStale = abortStale;
    this.onResult = onResult;
    this.onError = onError;
    this.onChange = onChange;
  }

  get busy() {
    return this.#timer !== null || this.#inFlight > 0;
  }

  /** Send `body` after a pause of `delay` ms (a later call replaces it), or at `maxWait` at most. */
  schedule(body) {
    clearTimeout(this.#timer);
    const now = Date.now();
    this.#firstScheduled ??= now;
    const wait = Math.max(0, Math.min(this.#delay, this.#firstScheduled + this.#maxWait - now));
    this.#timer = setTimeout(() => this.now(body), wait);
    this.onChange();
  }

  /** Throttled: send `body` now when nothing is waiting or out, else after the pause (for a
   * pointer sweeping over pixels: the first answer at once, then at most one per `delay`). */
  ask(body) {
    if (this.busy) this.schedule(body);
    else this.now(body);
  }

  /** Send `body` now. */
  now(body) {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#firstScheduled = null;
    this.#fire(body);
  }

  /** Forget anything pending or out: no answer asked for before this is reported. */
  cancel() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#firstScheduled = null;
    this.#seq += 1;
    if (this.#abortStale) this.#controller?.abort();
    this.onChange();
  }

  async #fire(body) {
    this.#seq += 1;
    const seq = this.#seq;
    if (this.#abortStale) this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#inFlight += 1;
    this.onChange();
    try {
      const result = await this.#send(body, controller.signal);
      if (seq === this.#seq) this.onResult(result, body);
    } catch (error) {
      if (seq === this.#seq && !(isAbort(error) && controller.signal.aborted)) this.onError(error, body);
    } finally {
      this.#inFlight -= 1;
      if (this.#controller === controller) this.#controller = null;
      this.onChange();
    }
  }
}
