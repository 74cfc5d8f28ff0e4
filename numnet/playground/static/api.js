// Thin client for the playground's HTTP + WebSocket API (see the API contract). Every non-2xx
// answer becomes an ApiError carrying the server's {"error": ...} sentence, so the page can show
// it instead of failing silently.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

// Relative to the page, so the app also works when mounted under a prefix.
function apiUrl(path) {
  return new URL(`api/${path}`, window.location.href).toString();
}

async function request(method, path, body, contentType = "application/json") {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = contentType;
    init.body = contentType === "application/json" ? JSON.stringify(body) : body;
  }
  let response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch (err) {
    throw new ApiError(`The server cannot be reached (${err.message}).`, 0);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const message =
      payload && typeof payload.error === "string"
        ? payload.error
        : `The server answered ${response.status} ${response.statusText}.`;
    throw new ApiError(message, response.status);
  }
  return payload;
}

/** One playground session on the server (one per browser tab). */
export class Session {
  constructor(id) {
    this.id = id;
    this.socket = null;
    this.pingTimer = null;
    this.closed = false;
  }

  static async create(config) {
    const body = await request("POST", "sessions", config);
    return { session: new Session(body.session), body };
  }

  path(suffix = "") {
    return `sessions/${encodeURIComponent(this.id)}${suffix}`;
  }

  get() {
    return request("GET", this.path());
  }

  patch(config) {
    return request("PATCH", this.path("/config"), config);
  }

  control(action, body) {
    return request("POST", this.path(`/${action}`), body);
  }

  upload(csvText) {
    return request("POST", this.path("/upload"), csvText, "text/csv");
  }

  exportUrl(kind) {
    return apiUrl(this.path(`/export/${kind}`));
  }

  /** Open the frame stream; `onFrame(frame)` for every message, `onClose(code)` once. */
  stream(onFrame, onClose) {
    const url = new URL(apiUrl(this.path("/stream")));
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url.toString());
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      clearInterval(this.pingTimer);
      if (this.socket === socket) this.socket = null;
      if (!this.closed) onClose(event.code);
    });
    // Keeps the session counted as in use by the server's idle reaper while the tab is open.
    this.pingTimer = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
    }, 30000);
    return socket;
  }

  close() {
    this.closed = true;
    clearInterval(this.pingTimer);
    if (this.socket) this.socket.close();
  }
}
