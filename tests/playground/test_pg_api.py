"""The playground's HTTP and WebSocket API through Starlette's TestClient."""

import time
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

import numnet  # noqa: E402
from numnet.playground.frames import decode  # noqa: E402
from numnet.playground.server import create_app  # noqa: E402

with warnings.catch_warnings():  # starlette 1.x asks for httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def client():
    with TestClient(create_app()) as test_client:
        yield test_client


def new_session(client, **config):
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    return response.json()["session"], response.json()


def model_weights(client, sid):
    return [p.data.copy() for p in client.app.state.sessions[sid].session.model.parameters()]


def test_session_lifecycle(client):
    sid, body = new_session(client, dataset="xor", hidden=[3])
    assert set(body) == {"session", "config", "data", "frame", "history"}
    assert body["config"]["dataset"] == "xor" and body["frame"]["epoch"] == 0
    assert len(body["data"]["train"]) == 250 and len(body["data"]["train"][0]) == 3
    assert body["history"]["epoch"] == [0]
    got = client.get(f"/api/sessions/{sid}")
    assert got.status_code == 200 and got.json()["config"] == body["config"]
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    missing = client.get(f"/api/sessions/{sid}")
    assert missing.status_code == 404 and sid in missing.json()["error"]
    assert client.post("/api/sessions/nope/play").status_code == 404


def test_play_streams_frames_and_pause_stops(client):
    sid, _ = new_session(client, dataset="gauss", hidden=[4])
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        assert ws.receive_json()["epoch"] == 0  # the current frame on connect
        assert client.post(f"/api/sessions/{sid}/play").json()["frame"]["playing"] is True
        ws.receive_json()  # the control's frame
        epochs = [ws.receive_json()["epoch"] for _ in range(3)]
        assert epochs == sorted(epochs) and epochs[-1] >= 3
        ws.send_json({"type": "ping"})
        paused = client.post(f"/api/sessions/{sid}/pause").json()["frame"]
        assert paused["playing"] is False
        frame = ws.receive_json()
        while frame["playing"]:  # frames pushed before the pause landed
            frame = ws.receive_json()
        assert frame["epoch"] == paused["epoch"]
    time.sleep(0.2)
    assert client.get(f"/api/sessions/{sid}").json()["frame"]["epoch"] == paused["epoch"]


def test_stream_of_unknown_session_closes_4404(client):
    with client.websocket_connect("/api/sessions/nope/stream") as ws:
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_json()
    assert info.value.code == 4404


def test_step_reset_reseed_regenerate(client):
    sid, body = new_session(client, dataset="gauss", hidden=[2], learning_rate=0.1)
    initial = model_weights(client, sid)
    frame = client.post(f"/api/sessions/{sid}/step").json()["frame"]
    assert frame["epoch"] == 1 and frame["test_loss"] < body["frame"]["test_loss"]
    client.post(f"/api/sessions/{sid}/step")
    reset = client.post(f"/api/sessions/{sid}/reset").json()
    assert reset["frame"]["epoch"] == 0 and reset["history"]["epoch"] == [0]
    assert reset["frame"]["weights"] == body["frame"]["weights"]
    assert all(np.array_equal(a, b) for a, b in zip(model_weights(client, sid), initial))
    reseeded = client.post(f"/api/sessions/{sid}/reseed").json()
    assert (
        reseeded["config"]["seed"] != 0 and reseeded["frame"]["weights"] != body["frame"]["weights"]
    )
    assert reseeded["data"] == body["data"]
    chosen = client.post(f"/api/sessions/{sid}/reseed", json={"seed": 0}).json()
    assert chosen["frame"]["weights"] == body["frame"]["weights"]
    regenerated = client.post(f"/api/sessions/{sid}/regenerate", json={"data_seed": 11}).json()
    assert regenerated["config"]["data_seed"] == 11 and regenerated["data"] != body["data"]
    bad = client.post(f"/api/sessions/{sid}/reseed", json={"seed": "x"})
    assert bad.status_code == 400 and "seed" in bad.json()["error"]
    bad = client.post(f"/api/sessions/{sid}/reset", json={"seed": 1})
    assert bad.status_code == 400 and "seed" in bad.json()["error"]


def test_config_patch_keep_or_reset(client):
    sid, _ = new_session(client, hidden=[3])
    client.post(f"/api/sessions/{sid}/step")
    kept = client.patch(f"/api/sessions/{sid}/config", json={"learning_rate": 0.3})
    assert kept.status_code == 200 and kept.json()["reset"] is False
    assert kept.json()["frame"]["epoch"] == 1 and kept.json()["config"]["learning_rate"] == 0.3
    rebuilt = client.patch(f"/api/sessions/{sid}/config", json={"hidden": [2, 2]})
    assert rebuilt.json()["reset"] is True and rebuilt.json()["frame"]["epoch"] == 0
    assert [len(layer) for layer in rebuilt.json()["frame"]["neurons"]] == [2, 2]


@pytest.mark.parametrize(
    "body, status, word",
    [
        ({"hidden": "4"}, 400, "hidden"),
        ({"noise": 99}, 400, "noise"),
        ({"bogus": 1}, 400, "known fields"),
        ([1, 2], 400, "JSON object"),
        ("text", 400, "JSON object"),
    ],
)
def test_validation_errors(client, body, status, word):
    created = client.post("/api/sessions", json=body)
    assert created.status_code == status and word in created.json()["error"]
    sid, _ = new_session(client)
    patched = client.patch(f"/api/sessions/{sid}/config", json=body)
    assert patched.status_code == status and word in patched.json()["error"]


def test_malformed_and_oversized_bodies(client):
    sid, _ = new_session(client)
    for raw, word in [(b"{", "not valid JSON"), (b'{"noise": NaN}', "NaN"),
                      (b"\xff\xfe", "UTF-8"), (b"[" * 100000 + b"]" * 100000, "")]:  # fmt: skip
        response = client.patch(f"/api/sessions/{sid}/config", content=raw)
        assert response.status_code in (400, 413) and word in response.json()["error"]
    big = b'{"seed": 1' + b" " * 70000 + b"}"
    response = client.post("/api/sessions", content=big)
    assert response.status_code == 413 and "65536" in response.json()["error"]
    assert client.patch(f"/api/sessions/{sid}/config").status_code == 400  # empty body
    wrong = client.get("/api/sessions")
    assert wrong.status_code == 405 and "error" in wrong.json()
    assert client.get("/api/whatever").json()["error"]


def test_upload_good_and_bad(client):
    sid, _ = new_session(client, hidden=[3])
    rows = "\n".join(f"{x:.3f},{y:.3f},{'a' if x * y > 0 else 'b'}"
                     for x, y in np.random.default_rng(0).uniform(-1, 1, (80, 2)))  # fmt: skip
    response = client.post(f"/api/sessions/{sid}/upload", content="x1,x2,c\n" + rows,
                           headers={"Content-Type": "text/csv"})  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["config"]["dataset"] == "upload" and len(body["data"]["train"]) == 40
    assert {row[2] for row in body["data"]["train"]} == {-1.0, 1.0}
    bad = client.post(f"/api/sessions/{sid}/upload", content=b"1,2,a\n3,4,b,5\n")
    assert bad.status_code == 400 and "line 2" in bad.json()["error"]
    assert client.get(f"/api/sessions/{sid}").json()["config"]["dataset"] == "upload"
    huge = client.post(f"/api/sessions/{sid}/upload", content=b"1,2,3\n" * 200_000)
    assert huge.status_code == 413
    other, _ = new_session(client)
    refused = client.patch(f"/api/sessions/{other}/config", json={"dataset": "upload"})
    assert refused.status_code == 400 and "upload" in refused.json()["error"]


def test_export_model_and_python(client, tmp_path):
    sid, _ = new_session(client, hidden=[4, 2], features=["x1", "x2", "x1x2"])
    for _ in range(2):
        client.post(f"/api/sessions/{sid}/step")
    response = client.get(f"/api/sessions/{sid}/export/model")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert "numnet-playground.safetensors" in response.headers["content-disposition"]
    path = tmp_path / "numnet-playground.safetensors"
    path.write_bytes(response.content)
    model = numnet.load(path).eval()
    session = client.app.state.sessions[sid].session
    points = np.random.default_rng(0).uniform(-6, 6, (20, 2))
    inputs = numnet.playground.feature_matrix(points, ["x1", "x2", "x1x2"])
    assert np.array_equal(model(inputs).data[:, 0], session.predict(points))
    script = client.get(f"/api/sessions/{sid}/export/python")
    assert script.headers["content-type"].startswith("text/x-python")
    assert "numnet_playground.py" in script.headers["content-disposition"]
    compile(script.text, "numnet_playground.py", "exec")
    assert "--epochs" in script.text and "default=2" in script.text


def test_session_limit_and_idle_sweep():
    app = create_app(idle_timeout=0.3, max_sessions=2, sweep_interval=0.05)
    with TestClient(app) as client:
        first, _ = new_session(client)
        new_session(client)
        refused = client.post("/api/sessions", json={})
        assert refused.status_code == 429 and "2" in refused.json()["error"]
        with client.websocket_connect(f"/api/sessions/{first}/stream") as ws:
            ws.receive_json()
            deadline = time.monotonic() + 5
            while len(app.state.sessions) > 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert list(app.state.sessions) == [first]  # an open stream keeps its session
        deadline = time.monotonic() + 5
        while app.state.sessions and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not app.state.sessions
        assert client.get(f"/api/sessions/{first}").status_code == 404
        new_session(client)  # room again


def test_delete_while_playing_stops_the_loop(client):
    sid, _ = new_session(client, dataset="spiral", hidden=[8, 8])
    live = client.app.state.sessions[sid]
    client.post(f"/api/sessions/{sid}/play")
    time.sleep(0.2)
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    time.sleep(0.3)
    assert live.session.playing is False and (live.task is None or live.task.done())
    epoch = live.session.epoch
    time.sleep(0.2)
    assert live.session.epoch == epoch


def test_epoch_limit_stops_play(client):
    sid, _ = new_session(client, dataset="gauss", hidden=[2], epoch_limit=4)
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        client.post(f"/api/sessions/{sid}/play")
        frame = ws.receive_json()
        while frame["playing"] or frame["epoch"] < 4:
            frame = ws.receive_json()
    assert frame["epoch"] == 4 and frame["stop_reason"] == "epoch limit reached"
    boundary = decode(frame["boundary"]["data"])
    assert boundary.size == 10000 and -1 <= boundary.min() <= boundary.max() <= 1


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip
_fields = st.dictionaries(
    st.sampled_from(list(numnet.playground.DEFAULTS) + ["x"]), _json, max_size=4
)


def test_many_bad_requests_never_give_5xx():
    app = create_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        sid, _ = new_session(client, hidden=[2])
        paths = ["config", "play", "pause", "step", "reset", "reseed", "regenerate", "upload"]

        @hypothesis.settings(max_examples=60, deadline=None)
        @hypothesis.given(body=st.one_of(_fields, _json), path=st.sampled_from(paths),
                          raw=st.binary(max_size=60))  # fmt: skip
        def fire(body, path, raw):
            method = client.patch if path == "config" else client.post
            for response in (
                method(f"/api/sessions/{sid}/{path}", json=body),
                method(f"/api/sessions/{sid}/{path}", content=raw),
                client.post("/api/sessions", json=body),
            ):
                assert response.status_code < 500, (path, body, response.text)
                if response.status_code >= 400:
                    assert isinstance(response.json()["error"], str)
                elif response.status_code == 201:
                    client.delete(f"/api/sessions/{response.json()['session']}")
            client.post(f"/api/sessions/{sid}/pause")

        fire()


def test_static_page_is_served(client):
    if not (numnet.playground.server.STATIC_DIR / "index.html").exists():
        pytest.skip("the frontend's index.html is not there yet")
    response = client.get("/")
    assert response.status_code == 200 and "<html" in response.text.lower()
