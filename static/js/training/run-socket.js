// One run's WebSocket (WS /ws/runs/{id}), which reconnects while the run is still active. No DOM
// access; messages reach the page as events.

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
