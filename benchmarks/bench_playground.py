"""Frames per second of the numnet playground, through the real app (uvicorn + WebSocket).

Plays a 4x8 tanh network on the spiral (noise 0, 500 points, train ratio 50, batch 10) for
``--seconds`` and prints frames/s, epochs/s, the server's epoch_ms and the bytes per frame;
then the same with ``--sessions`` sessions playing at once (frames/s per session).

    python benchmarks/bench_playground.py --seconds 5 --sessions 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import threading
import time

import httpx
import uvicorn
import websockets

from numnet.playground.server import create_app

CONFIG = {
    "dataset": "spiral", "noise": 0, "n_samples": 500, "train_ratio": 50, "batch_size": 10,
    "hidden": [8, 8, 8, 8], "activations": "tanh",
}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _play(base: str, seconds: float) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        session = (await http.post("/api/sessions", json=CONFIG)).json()["session"]
        uri = base.replace("http", "ws") + f"/api/sessions/{session}/stream"
        async with websockets.connect(uri, max_size=None) as ws:
            await ws.recv()  # the frame sent on connect
            await http.post(f"/api/sessions/{session}/play")
            frames, sizes, epoch_ms, first_epoch, last_epoch = 0, [], [], None, 0
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                message = await ws.recv()
                frame = json.loads(message)
                if not frame["playing"]:
                    continue
                first_epoch = frame["epoch"] if first_epoch is None else first_epoch
                frames += 1
                sizes.append(len(message))
                epoch_ms.append(frame["epoch_ms"])
                last_epoch = frame["epoch"]
            elapsed = time.perf_counter() - start
            await http.post(f"/api/sessions/{session}/pause")
        await http.delete(f"/api/sessions/{session}")
    return {
        "frames_per_s": frames / elapsed,
        "epochs_per_s": (last_epoch - (first_epoch or 0)) / elapsed,
        "epoch_ms": statistics.median(epoch_ms) if epoch_ms else float("nan"),
        "bytes_per_frame": statistics.mean(sizes) if sizes else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sessions", type=int, default=4)
    args = parser.parse_args()

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        one = asyncio.run(_play(base, args.seconds))
        print(
            f"1 session : {one['frames_per_s']:.1f} frames/s, {one['epochs_per_s']:.1f} epochs/s, "
            f"epoch_ms {one['epoch_ms']:.2f}, {one['bytes_per_frame'] / 1024:.1f} KiB/frame"
        )

        async def many() -> list[dict[str, float]]:
            return await asyncio.gather(*[_play(base, args.seconds) for _ in range(args.sessions)])

        results = asyncio.run(many())
        rates = [r["frames_per_s"] for r in results]
        print(
            f"{args.sessions} sessions: {min(rates):.1f}-{max(rates):.1f} frames/s each "
            f"(total {sum(rates):.1f}), epochs/s each "
            f"{statistics.mean(r['epochs_per_s'] for r in results):.1f}, "
            f"epoch_ms {statistics.median(r['epoch_ms'] for r in results):.2f}"
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
