"""The playground's web server: a Starlette app with the JSON API, the frame stream and the page.

Routes (the API contract, ``/api``): sessions (create, get, delete), config changes, the
controls (play, pause, step, reset, reseed, regenerate), CSV upload, export of the model and
of a Python script, and the WebSocket ``/api/sessions/{id}/stream`` that pushes frames.

Training never runs on the event loop: each session that plays has an asyncio task that
trains whole epochs in a worker thread for about ``frame_budget`` seconds, then pushes the
frame to the session's open sockets. A per-session asyncio lock orders the play loop and the
controls, so a control's frame is always the last one the page gets. An idle sweeper started
in the app's lifespan frees sessions that no request or open stream has touched for
``idle_timeout`` seconds.

Every error is a 4xx JSON ``{"error": "..."}``; an unexpected exception becomes a 500 with
the same shape (and no traceback), logged on the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketState

from numnet.playground.config import ConfigError, _describe
from numnet.playground.export import model_bytes, python_script
from numnet.playground.session import Session
from numnet.playground.upload import MAX_UPLOAD_BYTES, parse_csv

__all__ = ["create_app", "MAX_JSON_BYTES", "STATIC_DIR"]

MAX_JSON_BYTES = 64 * 1024
STATIC_DIR = Path(__file__).parent / "static"
_log = logging.getLogger("numnet.playground")


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Live:
    """A session and what the server keeps beside it: lock, sockets, play task, last use."""

    def __init__(self, session_id: str, session: Session) -> None:
        self.id = session_id
        self.session = session
        self.lock = asyncio.Lock()
        self.sockets: set[WebSocket] = set()
        self.task: asyncio.Task | None = None
        self.last_seen = time.monotonic()
        self.closed = False

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    async def broadcast(self, text: str) -> None:
        for socket in list(self.sockets):
            try:
                await socket.send_text(text)
            except Exception:  # a socket that went away; its handler cleans up too
                self.sockets.discard(socket)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _frame_text(frame: dict[str, Any]) -> str:
    return json.dumps(frame, allow_nan=False, separators=(",", ":"))


def _reject_constant(name: str) -> None:
    raise ApiError(400, f"the JSON body contains {name}; expected finite numbers only")


async def _read_body(request: Request, limit: int, what: str) -> bytes:
    """The request body, refusing more than ``limit`` bytes with a 413 before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the {what} has {int(declared)} bytes; at most {limit} are accepted")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the {what} is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json_object(request: Request, required: bool = False) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}`` unless ``required``."""
    raw = await _read_body(request, MAX_JSON_BYTES, "JSON body")
    if not raw.strip():
        if required:
            raise ApiError(400, "the request needs a JSON object body")
        return {}
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ApiError(400, "the request body is not UTF-8 text") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise ApiError(400, f"the request body is not valid JSON ({error})") from None
    if not isinstance(value, dict):
        raise ApiError(400, f"the request body must be a JSON object, got {_describe(value)}")
    return value


Handler = Callable[..., Awaitable[Response]]


def _endpoint(handler: Handler) -> Handler:
    """Turn every error into ``{"error": ...}``: 4xx for the user's, 500 as a last resort."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return _error(error.status, error.message)
        except ConfigError as error:
            return _error(error.status, str(error))
        except Exception:
            _log.exception("unexpected error in %s %s", request.method, request.url.path)
            return _error(500, "internal error in the playground server (logged on the server)")

    return wrapped


def create_app(
    idle_timeout: float = 600.0,
    max_sessions: int = 64,
    sweep_interval: float | None = None,
    frame_budget: float = 1 / 15,
    static_dir: str | Path | None = None,
    limit_blas_threads: bool = True,
) -> Starlette:
    """Build the playground's Starlette app (serve it with uvicorn).

    Parameters
    ----------
    idle_timeout : float
        Seconds after which a session no request or open stream has touched is freed.
    max_sessions : int
        Sessions at once; one more gets a 429.
    sweep_interval : float, optional
        Seconds between two sweeps for idle sessions (default ``min(idle_timeout / 4, 30)``).
    frame_budget : float
        Seconds of training between two frames while playing (at least one epoch).
    static_dir : path, optional
        The page's files, served at ``/`` (default ``numnet/playground/static``).
    limit_blas_threads : bool
        Run BLAS single-threaded while the app runs: the matrices are small, and on a few
        cores BLAS threads only fight the worker threads (frames were three times slower).

    Returns
    -------
    starlette.applications.Starlette

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> with TestClient(create_app()) as client:
    ...     created = client.post("/api/sessions", json={"dataset": "xor"})
    ...     created.status_code, created.json()["config"]["dataset"]
    (201, 'xor')
    """
    if isinstance(max_sessions, bool) or not isinstance(max_sessions, int) or max_sessions < 1:
        raise ValueError(f"max_sessions must be a positive int, got {max_sessions!r}")
    if not idle_timeout > 0:
        raise ValueError(f"idle_timeout must be positive (seconds), got {idle_timeout!r}")
    interval = sweep_interval if sweep_interval is not None else min(idle_timeout / 4, 30.0)
    sessions: dict[str, _Live] = {}

    def live_of(request: Request | WebSocket) -> _Live:
        session_id = request.path_params["session_id"]
        live = sessions.get(session_id)
        if live is None:
            raise ApiError(404, f"no session {session_id[:64]!r}: it was deleted or expired")
        live.touch()
        return live

    async def state_body(live: _Live) -> dict[str, Any]:
        return await asyncio.to_thread(live.session.state)

    async def push_frame(live: _Live) -> dict[str, Any]:
        """The session's frame, sent to its sockets too (call it holding ``live.lock``)."""
        frame = await asyncio.to_thread(live.session.frame)
        await live.broadcast(_frame_text(frame))
        return frame

    async def play_loop(live: _Live) -> None:
        session = live.session
        while session.playing and not live.closed:
            async with live.lock:
                if not session.playing or live.closed:
                    break
                text = await asyncio.to_thread(
                    lambda: _frame_text(session.play_chunk(frame_budget))
                )
                await live.broadcast(text)
            await asyncio.sleep(0)  # a control waiting on the lock goes first

    async def drop(live: _Live) -> None:
        live.closed = True
        live.session.pause()
        sessions.pop(live.id, None)
        if live.task is not None:
            live.task.cancel()
        for socket in list(live.sockets):
            with contextlib.suppress(Exception):
                await socket.close(code=1001)
        live.sockets.clear()

    # ------------------------------------------------------------------ routes
    async def create_session(request: Request) -> Response:
        config = await _json_object(request)
        if len(sessions) >= max_sessions:
            raise ApiError(
                429,
                f"too many playground sessions ({max_sessions}); close another tab or wait "
                "for idle sessions to expire",
            )
        session = await asyncio.to_thread(Session, config)
        session_id = secrets.token_urlsafe(12)
        sessions[session_id] = live = _Live(session_id, session)
        return JSONResponse({"session": session_id, **await state_body(live)}, status_code=201)

    async def get_session(request: Request) -> Response:
        return JSONResponse(await state_body(live_of(request)))

    async def delete_session(request: Request) -> Response:
        await drop(live_of(request))
        return Response(status_code=204)

    async def patch_config(request: Request) -> Response:
        live = live_of(request)
        patch = await _json_object(request, required=True)
        async with live.lock:
            reset = await asyncio.to_thread(live.session.update_config, patch)
            body = await state_body(live)
            await live.broadcast(_frame_text(body["frame"]))
        if live.session.playing:
            ensure_playing(live)
        return JSONResponse({**body, "reset": reset})

    def ensure_playing(live: _Live) -> None:
        if live.task is None or live.task.done():
            live.task = asyncio.create_task(play_loop(live))

    async def play(request: Request) -> Response:
        live = live_of(request)
        await _json_object(request)
        async with live.lock:
            started = await asyncio.to_thread(live.session.start)
            frame = await push_frame(live)
        if started:
            ensure_playing(live)
        return JSONResponse({"frame": frame})

    async def pause(request: Request) -> Response:
        live = live_of(request)
        await _json_object(request)
        live.session.pause()
        async with live.lock:
            frame = await push_frame(live)
        return JSONResponse({"frame": frame})

    async def step(request: Request) -> Response:
        live = live_of(request)
        await _json_object(request)
        live.session.pause()
        async with live.lock:
            frame = await asyncio.to_thread(live.session.step)
            await live.broadcast(_frame_text(frame))
        return JSONResponse({"frame": frame})

    def control(method: str, field: str | None = None) -> Handler:
        async def handler(request: Request) -> Response:
            live = live_of(request)
            body = await _json_object(request)
            allowed = {field} if field else set()
            unknown = set(body) - allowed
            if unknown:
                expected = f'only "{field}"' if field else "an empty body"
                raise ApiError(
                    400, f"unknown field(s) {sorted(unknown)} for {method}; expected {expected}"
                )
            args = [body[field]] if field and field in body else []
            live.session.pause()
            async with live.lock:
                await asyncio.to_thread(getattr(live.session, method), *args)
                result = await state_body(live)
                await live.broadcast(_frame_text(result["frame"]))
            return JSONResponse(result)

        return handler

    async def upload(request: Request) -> Response:
        live = live_of(request)
        raw = await _read_body(request, MAX_UPLOAD_BYTES, "CSV file")
        parsed = await asyncio.to_thread(parse_csv, raw, live.session.config["problem"])
        live.session.pause()
        async with live.lock:
            await asyncio.to_thread(live.session.set_upload, parsed)
            result = await state_body(live)
            await live.broadcast(_frame_text(result["frame"]))
        return JSONResponse(result)

    async def export_model(request: Request) -> Response:
        live = live_of(request)
        payload = await asyncio.to_thread(model_bytes, live.session)
        return Response(
            payload,
            media_type="application/octet-stream",
            headers={"Content-Disposition": 'attachment; filename="numnet-playground.safetensors"'},
        )

    async def export_python(request: Request) -> Response:
        live = live_of(request)
        script = await asyncio.to_thread(python_script, live.session)
        return Response(
            script,
            media_type="text/x-python",
            headers={"Content-Disposition": 'attachment; filename="numnet_playground.py"'},
        )

    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        live = sessions.get(websocket.path_params["session_id"])
        if live is None:
            await websocket.close(code=4404, reason="no such session")
            return
        live.sockets.add(websocket)
        live.touch()
        try:
            frame = await asyncio.to_thread(live.session.frame)
            await websocket.send_text(_frame_text(frame))
            while True:
                message = await websocket.receive()
                live.touch()  # any message, a {"type": "ping"} included, keeps the session
                if message["type"] == "websocket.disconnect":
                    break
        except Exception:  # the client went away mid-send
            pass
        finally:
            live.sockets.discard(websocket)
            live.touch()
            if websocket.client_state == WebSocketState.CONNECTED and live.closed:
                with contextlib.suppress(Exception):
                    await websocket.close(code=1001)

    # ----------------------------------------------------------------- lifespan
    async def sweep() -> None:
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for live in list(sessions.values()):
                if not live.sockets and now - live.last_seen > idle_timeout:
                    await drop(live)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        limiter = None
        if limit_blas_threads:
            from threadpoolctl import threadpool_limits

            limiter = threadpool_limits(1)
        sweeper = asyncio.create_task(sweep())
        try:
            yield
        finally:
            sweeper.cancel()
            for live in list(sessions.values()):
                await drop(live)
            if limiter is not None:
                limiter.restore_original_limits()

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 404:
            message = f"nothing at {request.url.path[:100]!r}"
        elif error.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path[:100]!r}"
        else:
            message = str(error.detail)
        return _error(error.status_code, message)

    session_path = "/sessions/{session_id}"
    api = [
        Route("/sessions", _endpoint(create_session), methods=["POST"]),
        Route(session_path, _endpoint(get_session), methods=["GET"]),
        Route(session_path, _endpoint(delete_session), methods=["DELETE"]),
        Route(session_path + "/config", _endpoint(patch_config), methods=["PATCH"]),
        Route(session_path + "/play", _endpoint(play), methods=["POST"]),
        Route(session_path + "/pause", _endpoint(pause), methods=["POST"]),
        Route(session_path + "/step", _endpoint(step), methods=["POST"]),
        Route(session_path + "/reset", _endpoint(control("reset")), methods=["POST"]),
        Route(session_path + "/reseed", _endpoint(control("reseed", "seed")), methods=["POST"]),
        Route(
            session_path + "/regenerate",
            _endpoint(control("regenerate", "data_seed")),
            methods=["POST"],
        ),
        Route(session_path + "/upload", _endpoint(upload), methods=["POST"]),
        Route(session_path + "/export/model", _endpoint(export_model), methods=["GET"]),
        Route(session_path + "/export/python", _endpoint(export_python), methods=["GET"]),
        WebSocketRoute(session_path + "/stream", stream),
    ]
    static = StaticFiles(directory=str(static_dir or STATIC_DIR), html=True, check_dir=False)
    app = Starlette(
        routes=[Mount("/api", routes=api), Mount("/", app=static, name="static")],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    app.state.sessions = sessions
    return app
