// Talking to the convscope API, for the pages' *-api.js modules. No DOM access. A 4xx/5xx answer
// becomes an ApiError carrying the server's own {detail} sentence (FastAPI's validation lists
// joined into one), so a page can show it as it is.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** A 4xx answer's {detail} -> one readable sentence (FastAPI's validation lists included). */
export function errorMessage(detail, status) {
  if (typeof detail === "string" && detail) return detail.charAt(0).toUpperCase() + detail.slice(1);
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => {
      const where = Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body").join(".") : "";
      return where ? `${where}: ${d.msg}` : String(d.msg ?? d);
    }).join("; ");
  }
  return `The server answered ${status}.`;
}

/** The response when it is ok; else throws ApiError with `describe(detail, status)` as its message. */
export async function checkResponse(response, describe = errorMessage) {
  if (response.ok) return response;
  let detail = null;
  try {
    detail = (await response.json()).detail;
  } catch {
    // not JSON: fall back to the status
  }
  throw new ApiError(describe(detail, response.status), response.status);
}

/** True for the error a fetch throws when its AbortSignal fires. */
export function isAbort(error) {
  return error?.name === "AbortError";
}

/** POST `body` as JSON (the response is not checked). */
export function postJson(url, body, signal) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}
