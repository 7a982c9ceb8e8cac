// Talking to the convscope API: the one HTTP client every page's *-api.js module uses. No DOM
// access. A 4xx/5xx answer becomes an ApiError carrying the server's own {detail} sentence, its
// status and, for invalid fields, the `errors` list ({loc, msg, ...} as FastAPI gives them), so a
// page can show the sentence as it is and mark the fields it names.

export class ApiError extends Error {
  /** @param {string} message  what to show @param {number} status  the HTTP status (0: no answer)
   * @param {{errors?: object[], detail?: unknown}} extra  the body's field errors and raw detail */
  constructor(message, status, { errors = [], detail = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = Array.isArray(errors) ? errors : [];
    this.detail = detail;
  }

  /** The names of the fields the server refused, from `errors[].loc` ("lr", "layers.2.kernel"). */
  get fields() {
    return this.errors.map((e) => fieldName(e.loc)).filter(Boolean);
  }
}

function fieldName(loc) {
  return Array.isArray(loc) ? loc.filter((p) => !["body", "query", "path"].includes(p)).join(".") : "";
}

/** A 4xx answer's {detail} -> one readable sentence (FastAPI's validation lists included). */
export function errorMessage(detail, status) {
  if (typeof detail === "string" && detail) return detail.charAt(0).toUpperCase() + detail.slice(1);
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => {
      const where = fieldName(d.loc);
      return where ? `${where}: ${d.msg}` : String(d.msg ?? d);
    }).join("; ");
  }
  return `The server answered ${status}.`;
}

/** The response when it is ok; else throws ApiError with `describe(detail, status)` as its message. */
export async function checkResponse(response, describe = errorMessage) {
  if (response.ok) return response;
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall back to the status
  }
  const detail = body?.detail ?? null;
  throw new ApiError(describe(detail, response.status), response.status, { errors: body?.errors, detail });
}

/** True for the error a fetch throws when its AbortSignal fires. */
export function isAbort(error) {
  return error?.name === "AbortError";
}

const BUSY_RETRIES = 2;
const LONGEST_WAIT_S = 5;

function pause(seconds, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, seconds * 1000);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("The request was aborted.", "AbortError"));
    }, { once: true });
  });
}

/**
 * fetch(), asked again when the server is busy: a 503 with Retry-After (all its slots for this
 * kind of work are taken, app/guards/work_slots.py) is retried after that many seconds, twice at
 * most, unless the wait would pass 5 s or the request is aborted meanwhile.
 */
export async function fetchPatiently(url, init = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch(url, init);
    const wait = Number(response.headers.get("Retry-After"));
    if (response.status !== 503 || attempt >= BUSY_RETRIES || !(wait >= 0 && wait <= LONGEST_WAIT_S)) return response;
    await pause(wait, init.signal);
  }
}

/**
 * One JSON request: `method` to `url` with `body` (sent as JSON unless it is FormData or a Blob),
 * answered with the parsed JSON (or null for an empty answer). Throws ApiError for a 4xx/5xx,
 * worded by `describe`, and passes an abort through as the fetch's own AbortError.
 */
export async function requestJson(method, url, { body, signal, describe = errorMessage } = {}) {
  const init = { method, signal, headers: { Accept: "application/json" } };
  if (body instanceof FormData || body instanceof Blob) init.body = body;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await checkResponse(await fetchPatiently(url, init), describe);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** GET `url` -> its JSON. */
export function getJson(url, options = {}) {
  return requestJson("GET", url, options);
}

/** POST `body` (JSON, FormData or a Blob) to `url` -> the answer's JSON. */
export function postJson(url, body, options = {}) {
  return requestJson("POST", url, { ...options, body });
}
