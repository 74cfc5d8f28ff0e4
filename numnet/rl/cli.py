"""``numnet cem ENV_ID`` and ``numnet cem-eval RUN``: train and evaluate CEM agents.

Building the parser imports neither Gymnasium nor Ray; bad input prints one
line ``numnet cem: error: ...`` to stderr and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["add_commands", "main", "run_cem", "run_cem_eval"]

# Built-in hyperparameters per environment (benchmarks/bench_cem.py uses the same; what they
# reach is in its results table); command-line flags override them.
PRESETS: dict[str, dict[str, Any]] = {
    "CartPole-v1": dict(n_sessions=100, percentile=70, lr=1e-2, hidden=(64,), target_return=475),
    "Acrobot-v1": dict(
        n_sessions=100, percentile=70, lr=1e-2, hidden=(64,), strict_ties=True,
        target_return=-100,
    ),
    "MountainCar-v0": dict(
        n_sessions=100, percentile=90, lr=1e-2, hidden=(128,), n_epochs=3, elite_history=2,
        strict_ties=True, max_steps=2000, target_return=-110, eval_every=2, n_iterations=100,
    ),
    "LunarLander-v3": dict(
        n_sessions=100, percentile=85, lr=3e-3, hidden=(128, 128), n_epochs=4, elite_history=3,
        target_return=200, n_iterations=120, eval_every=10,
    ),
    "MountainCarContinuous-v0": dict(
        n_sessions=100, percentile=95, lr=1e-2, hidden=(64,), eps=2.0, eps_decay=0.95,
        eps_min=0.1, elite_history=2, target_return=90, eval_every=3, n_iterations=60,
    ),
    "LunarLanderContinuous-v3": dict(
        n_sessions=100, percentile=80, lr=3e-3, hidden=(128, 128), eps=0.3, eps_decay=0.98,
        eps_min=0.05, elite_history=2, target_return=200, n_iterations=150, eval_every=10,
    ),
    "Pendulum-v1": dict(
        n_sessions=200, percentile=90, lr=1e-2, hidden=(64, 64), n_epochs=2, eps=1.0,
        eps_decay=0.97, eps_min=0.1, elite_history=2, n_iterations=50, target_return=-200,
        eval_every=5,
    ),
    "FrozenLake-v1": dict(n_sessions=1000, percentile=99, policy_smoothing=0.5, n_iterations=40),
    "Taxi-v4": dict(n_sessions=500, percentile=50, policy_smoothing=0.5, n_iterations=150),
}  # fmt: skip


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


def _hidden(text: str) -> tuple[int, ...]:
    try:
        widths = tuple(int(w) for w in text.split(",") if w.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes comma-separated widths such as 64,64, got {text!r}"
        ) from None
    if any(w < 1 for w in widths):
        raise argparse.ArgumentTypeError(f"--hidden widths must be positive, got {text!r}")
    return widths


def add_commands(subparsers: Any) -> None:
    """Register ``cem`` and ``cem-eval`` on an ``argparse`` subparsers object."""
    cem = subparsers.add_parser(
        "cem",
        help="train a cross-entropy-method agent on a Gymnasium environment",
        description="Deep CEM (Box observations) or tabular CEM (Discrete observations).",
    )
    cem.add_argument("env_id", metavar="ENV_ID", help="a Gymnasium id, e.g. CartPole-v1")
    cem.add_argument("--sessions", type=int, help="K, sessions per iteration")
    cem.add_argument("--percentile", type=float, help="elite percentile q in (0, 100)")
    cem.add_argument("--iterations", type=int, help="the most iterations")
    cem.add_argument("--lr", type=float, help="Adam's learning rate")
    cem.add_argument("--eps", type=float, help="exploration ε (uniform share or noise scale)")
    cem.add_argument("--eps-decay", type=float, help="ε multiplier per iteration")
    cem.add_argument("--hidden", type=_hidden, help="hidden widths, e.g. 64,64")
    cem.add_argument("--epochs", type=int, help="passes over the elites per iteration")
    cem.add_argument("--elite-history", type=int, help="reuse the elites of this many iterations")
    cem.add_argument("--max-steps", type=int, help="time limit per session")
    cem.add_argument("--seed", type=int, default=0)
    cem.add_argument("--backend", choices=("local", "ray"), default="local")
    cem.add_argument("--workers", type=int, help="Ray workers (default: Ray's CPUs)")
    cem.add_argument("--target", type=float, help="stop at this greedy mean return")
    cem.add_argument("--smoothing", type=float, help="tabular: Laplace smoothing α")
    cem.add_argument("--policy-smoothing", type=float, help="tabular: policy smoothing λ")
    cem.add_argument("--policy-samples", type=int, help="tabular: M sampled policies")
    cem.add_argument("--out", type=Path, help="run folder (default runs/cem-ENV-TIMESTAMP)")
    cem.set_defaults(run=run_cem)

    ev = subparsers.add_parser(
        "cem-eval", help="evaluate a saved CEM run's greedy policy",
        description="Print the greedy policy's mean ± std return; optionally render a GIF.",
    )  # fmt: skip
    ev.add_argument("run_dir", metavar="RUN", type=Path, help="a folder written by numnet cem")
    ev.add_argument("--episodes", type=int, default=100)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--gif", type=Path, help="render one greedy episode to this GIF")
    ev.set_defaults(run=run_cem_eval)


def _fail(command: str, message: str) -> int:
    print(f"numnet {command}: error: {message}", file=sys.stderr)
    return 2


# ------------------------------------------------------------------------- cem
def _params(args: argparse.Namespace, tabular: bool) -> dict[str, Any]:
    preset = dict(PRESETS.get(args.env_id, {}))
    flags = {
        "n_sessions": args.sessions, "percentile": args.percentile,
        "n_iterations": args.iterations, "target_return": args.target,
        "max_steps": args.max_steps, "seed": args.seed,
    }  # fmt: skip
    if tabular:
        flags.update(
            laplace=args.smoothing, policy_smoothing=args.policy_smoothing,
            n_policy_samples=args.policy_samples,
        )  # fmt: skip
        allowed = {"n_sessions", "percentile", "n_iterations", "laplace", "policy_smoothing",
                   "n_policy_samples", "max_steps", "target_return", "seed"}  # fmt: skip
    else:
        flags.update(
            lr=args.lr, eps=args.eps, eps_decay=args.eps_decay, hidden=args.hidden,
            n_epochs=args.epochs, elite_history=args.elite_history, backend=args.backend,
            n_workers=args.workers,
        )  # fmt: skip
        allowed = None
    params = {**preset, **{k: v for k, v in flags.items() if v is not None}}
    if allowed is not None:
        params = {k: v for k, v in params.items() if k in allowed}
    return params


def _check_numbers(args: argparse.Namespace) -> None:
    if args.percentile is not None and not 0 < args.percentile < 100:
        raise UsageError(f"--percentile must be in (0, 100), got {args.percentile:g}")
    for flag in ("sessions", "iterations", "epochs", "max_steps", "workers", "policy_samples"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise UsageError(f"--{flag.replace('_', '-')} must be a positive integer, got {value}")
    for flag in ("lr", "eps", "smoothing"):
        value = getattr(args, flag)
        if value is not None and not value >= 0:
            raise UsageError(f"--{flag} must be >= 0, got {value:g}")


class _Progress:
    """One line per iteration: Rich-styled on a terminal, plain text otherwise."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console()
        self.stop_requested = False

    def __call__(self, record: dict) -> bool:
        line = (
            f"iter {record['iteration']:4d}  mean {record['mean']:9.2f}  max {record['max']:9.2f}"
            f"  elite≥ {record['threshold']:9.2f}  ε {record['eps']:.3f}"
            f"  {record['episodes_per_s']:7.0f} ep/s"
        )
        if "greedy_mean" in record:
            line += f"  greedy {record['greedy_mean']:.2f}"
        if record.get("rolled_back"):
            line += "  (fell back to the best policy)"
        if self.console.is_terminal:
            self.console.print(line, highlight=False)
        else:
            print(line, flush=True)
        return self.stop_requested


def _default_out(env_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in env_id)
    return Path("runs") / f"cem-{safe}-{time.strftime('%Y%m%d-%H%M%S')}"


def _save_run(agent: Any, out: Path, env_id: str) -> None:
    from numnet.rl._io import write_bytes, write_text

    agent.save(out)
    log = "".join(json.dumps(_jsonable(r)) + "\n" for r in agent.history_)
    write_text(out / "log.jsonl", log)
    write_bytes(out / "curve.png", _curve_png(agent.history_, env_id))


def _jsonable(record: dict) -> dict:
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in record.items()
    }


def _curve_png(history: list[dict], env_id: str) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    it = [r["iteration"] for r in history]
    ax.plot(it, [r["mean"] for r in history], label="mean return V")
    ax.plot(it, [r["threshold"] for r in history], label="elite threshold", alpha=0.7)
    ax.plot(it, [r["max"] for r in history], label="max", alpha=0.4)
    greedy = [(r["iteration"], r["greedy_mean"]) for r in history if "greedy_mean" in r]
    if greedy:
        ax.scatter(*zip(*greedy), color="k", marker="x", label="greedy evaluation", zorder=3)
    ax.set_xlabel("iteration")
    ax.set_ylabel("return")
    ax.set_title(f"CEM on {env_id}")
    ax.legend(loc="best")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def run_cem(args: argparse.Namespace) -> int:
    """Train, print one progress line per iteration, and save the run folder."""
    try:
        _check_numbers(args)
        from numnet.rl._gym import EnvSpecError, env_summary, make_env

        try:
            probe = make_env(args.env_id)
            kind = env_summary(probe)["kind"]
            probe.close()
        except EnvSpecError as error:
            raise UsageError(str(error)) from None
        if args.backend == "ray":
            from numnet.rl._gym import require_ray

            require_ray()
    except UsageError as error:
        return _fail("cem", str(error))
    except ImportError as error:
        return _fail("cem", str(error))
    from numnet.rl import CEM, TabularCEM

    tabular = kind == "tabular"
    params = _params(args, tabular)
    try:
        agent = (TabularCEM if tabular else CEM)(args.env_id, **params)
        agent._validate()
    except (TypeError, ValueError) as error:
        return _fail("cem", str(error))
    out = args.out or _default_out(args.env_id)
    progress = _Progress()

    def interrupt(signum: int, frame: Any) -> None:
        if progress.stop_requested:  # a second Ctrl-C stops at once
            raise KeyboardInterrupt
        progress.stop_requested = True
        print("stopping after this iteration (Ctrl-C again to abort)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        agent.fit(callback=progress)
    finally:
        signal.signal(signal.SIGINT, previous)
    _save_run(agent, out, args.env_id)
    last = agent.history_[-1] if agent.history_ else {}
    summary = f"best mean {agent.best_mean_return_:.2f}"
    if "greedy_mean" in last:
        summary += f", greedy {last['greedy_mean']:.2f} ± {last['greedy_std']:.2f}"
    print(f"{agent.converged_} after {len(agent.history_)} iterations; {summary}; saved to {out}")
    return 0


# -------------------------------------------------------------------- cem-eval
def _load_run(run_dir: Path) -> Any:
    config_path = run_dir / "config.json"
    if not config_path.is_file():
        raise UsageError(f"{run_dir} is not a CEM run folder (no config.json)")
    try:
        fmt = json.loads(config_path.read_text()).get("format")
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {config_path}: {error}") from None
    from numnet.rl import CEM, TabularCEM

    if fmt == "numnet.rl.cem/1":
        return CEM.load(run_dir)
    if fmt == "numnet.rl.tabular_cem/1":
        return TabularCEM.load(run_dir)
    raise UsageError(f"{config_path} is not a numnet CEM config (format {fmt!r})")


def _render_gif(agent: Any, path: Path, seed: int) -> int:
    from PIL import Image

    from numnet.rl._gym import make_env
    from numnet.rl._io import write_bytes

    env = make_env(agent.env, render_mode="rgb_array")
    obs, _ = env.reset(seed=seed)
    frames = [env.render()]
    for _ in range(getattr(agent, "eval_max_steps_", agent.max_steps_)):
        action = agent.predict(np.atleast_1d(obs) if np.ndim(obs) == 0 else obs[None])[0]
        obs, _, terminated, truncated, _ = env.step(action)
        frames.append(env.render())
        if terminated or truncated:
            break
    env.close()
    images = [Image.fromarray(np.asarray(f)) for f in frames[::2]]
    import io

    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=40,
                   loop=0)  # fmt: skip
    write_bytes(path, buffer.getvalue())
    return len(images)


def run_cem_eval(args: argparse.Namespace) -> int:
    """Print the greedy policy's mean ± std return over ``--episodes`` episodes."""
    if args.episodes < 1:
        return _fail("cem-eval", f"--episodes must be a positive integer, got {args.episodes}")
    try:
        agent = _load_run(args.run_dir)
        if agent.env is None:
            raise UsageError(f"{args.run_dir} was trained on a custom environment factory")
        returns = agent.evaluate(args.episodes, seed=args.seed)
    except UsageError as error:
        return _fail("cem-eval", str(error))
    print(
        f"{agent.env}: greedy mean return {returns.mean():.2f} ± {returns.std():.2f} "
        f"over {len(returns)} episodes"
    )
    if args.gif is not None:
        from numnet.rl._gym import require_gymnasium

        try:
            n = _render_gif(agent, args.gif, args.seed)
        except require_gymnasium().error.DependencyNotInstalled as error:
            return _fail("cem-eval", f"rendering {agent.env} needs a missing package: {error}")
        print(f"wrote {args.gif} ({n} frames)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``cem`` / ``cem-eval`` without the rest of the numnet command line."""
    parser = argparse.ArgumentParser(prog="numnet", description="numnet's CEM commands")
    add_commands(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
