// Talking to the server: the /api/runs endpoints, and RunSocket, one run's WebSocket that
// reconnects while the run is still active. No DOM access; messages reach the page as events.

/** An error answer, with the parsed JSON body (FastAPI's ``{detail}``) when there is one. */
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body?.detail;
    super(typeof detail === "string" ? detail : `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const createRun = (config) => request("POST", "/api/runs", config);
export const listRuns = () => request("GET", "/api/runs");
export const getRun = (id) => request("GET", `/api/runs/${encodeURIComponent(id)}`);
export const deleteRun = (id) => request("DELETE", `/api/runs/${encodeURIComponent(id)}`);
export const activateRun = (id) => request("POST", `/api/runs/${encodeURIComponent(id)}/activate`);

/** ``action`` is "pause", "resume" or "stop". */
export function commandRun(id, action) {
  return request("POST", `/api/runs/${encodeURIComponent(id)}/${action}`);
}

export function weightsUrl(id) {
  return `/api/runs/${encodeURIComponent(id)}/weights`;
}

/** The run's weights file (.npz) as an ArrayBuffer. */
export async function fetchWeights(id) {
  const response = await fetch(weightsUrl(id));
  if (!response.ok) throw new ApiError(response.status, null);
  return response.arrayBuffer();
}

const NOT_FOUND = 4404; // app/routes/runs.py closes with this when there is no such run
const RETRY_DELAYS = [500, 1000, 2000, 4000, 8000];

/**
 * ``WS /ws/runs/{id}``. Dispatches "message" (detail: the parsed JSON) and "state" (detail:
 * "connecting" | "open" | "retrying" | "closed"). When the connection drops and
 * ``shouldReconnect()`` still says yes (the run is queued, running or paused), it connects again
 * after a growing delay; the server starts every connection with a fresh snapshot.
 */
export class RunSocket extends EventTarget {
  constructor(runId, { shouldReconnect = () => false } = {}) {
    super();
    this.runId = runId;
    this.shouldReconnect = shouldReconnect;
    this.socket = null;
    this.attempt = 0;
    this.timer = 0;
    this.closed = false;
    this.state = "closed";
  }

  get url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/runs/${encodeURIComponent(this.runId)}`;
  }

  connect() {
    if (this.closed) return;
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
    }
    this.setState("connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState("open");
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.dispatchEvent(new CustomEvent("message", { detail: message }));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed || event.code === NOT_FOUND || !this.shouldReconnect()) {
        this.setState("closed");
        if (event.code === NOT_FOUND) {
          this.dispatchEvent(new CustomEvent("message", {
            detail: { type: "error", message: event.reason || "no such run" },
          }));
        }
        return;
      }
      const delay = RETRY_DELAYS[Math.min(this.attempt, RETRY_DELAYS.length - 1)];
      this.attempt += 1;
      this.setState("retrying");
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Connects again now if the connection is down (e.g. after resuming a finished run). */
  ensureOpen() {
    if (!this.closed && !this.socket) {
      this.attempt = 0;
      this.connect();
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
    this.setState("closed");
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }
}
