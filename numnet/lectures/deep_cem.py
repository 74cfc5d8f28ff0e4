"""Seed 000's Deep Cross-Entropy Method solving CartPole-v1 live, with ``numnet.rl.CEM``.

A policy network gives π(·|s) = softmax(F(s)). For n = 0, 1, …:

1. play K sessions τ₁ … τ_K with π and record their returns G(τₖ);
2. estimate V = (1/K) Σₖ G(τₖ);
3. keep the elite sessions, G(τₖ) ≥ γ with γ the q-th percentile of the returns
   (ties count: CartPole caps returns at 500; no update when every session is elite);
4. take gradient steps on the elite (state, action) pairs with the loss
   −Σ ln π(a|s): make the elite's actions more likely.

Stop when the greedy policy (argmax π) averages the target return (475 of 500
for CartPole-v1), then evaluate it on fresh episodes. The settings are the
``numnet cem CartPole-v1`` preset. Gymnasium is an optional extra:
``pip install "numnet[rl]"``.

The elite rule with ties, as CartPole's cap at 500 makes them:

>>> from numnet.rl import select_elites
>>> elite, threshold, update = select_elites([20.0, 500.0, 500.0, 500.0], 70)
>>> elite.tolist(), threshold, update
([False, True, True, True], 500.0, True)
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 000's Deep Cross-Entropy Method solving CartPole-v1 live, learning curve"

INSTALL_HINT = 'the deep-cem demo needs Gymnasium: pip install "numnet[rl]"'


def _require_gymnasium() -> None:
    if importlib.util.find_spec("gymnasium") is None:
        from numnet.lectures import MissingExtraError

        raise MissingExtraError(INSTALL_HINT)


def _settings(fast: bool, seed: int) -> dict[str, Any]:
    """The CLI's CartPole preset; fast mode plays a few short sessions and sets no target."""
    from numnet.rl.cli import PRESETS

    settings = dict(PRESETS["CartPole-v1"], n_iterations=40, eval_episodes=100, seed=seed)
    if fast:
        settings.update(n_sessions=16, n_iterations=3, max_steps=60, target_return=None)
    return settings


def _draw_curve(history: list[dict], target: float | None, path: Path) -> Path:
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    it = np.array([r["iteration"] + 1 for r in history])
    fig = Figure(figsize=(7.5, 4.4), layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(it, [r["min"] for r in history], [r["max"] for r in history],
                    color="C0", alpha=0.15, label="min … max of the K sessions")  # fmt: skip
    ax.plot(it, [r["mean"] for r in history], "o-", color="C0", ms=4, label="mean return V")
    ax.plot(it, [r["threshold"] for r in history], "s--", color="C1", ms=4,
            label="elite threshold γ (q-th percentile)")  # fmt: skip
    greedy = [(i, r["greedy_mean"]) for i, r in zip(it, history) if "greedy_mean" in r]
    if greedy:
        ax.plot(*zip(*greedy), "*", color="C2", ms=13, label="greedy policy's mean return")
    if target is not None:
        ax.axhline(target, color="0.4", lw=1, ls=":", label=f"target {target:g}")
    ax.set_xlabel("iteration n")
    ax.set_ylabel("return G (steps the pole stayed up)")
    ax.set_title("Deep CEM on CartPole-v1")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return save_figure(fig, path, dpi=90)


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Train CEM on CartPole-v1 printing each iteration, evaluate greedily, draw the curve.

    Returns per-iteration ``"means"``, ``"thresholds"``, ``"n_elite"``, why it
    stopped (``"converged"``), the greedy ``"eval_returns"`` and ``"figures"``.
    Raises ``RuntimeError`` naming ``pip install "numnet[rl]"`` without Gymnasium.
    """
    _require_gymnasium()
    from numnet.rl import CEM

    out = Path(out)
    settings = _settings(fast, seed)
    agent = CEM("CartPole-v1", **settings)
    echo(f"Deep CEM on CartPole-v1: K = {settings['n_sessions']} sessions per iteration, elites "
         f"at or above the {settings['percentile']:g}th percentile, Adam η = {settings['lr']:g}, "
         f"policy 4-{'-'.join(map(str, settings['hidden']))}-2")  # fmt: skip
    echo(f"{'iter':>4} {'mean V':>8} {'max':>6} {'threshold γ':>12} {'elites':>7} "
         f"{'loss':>7} {'greedy':>7}")  # fmt: skip

    def report(record: dict) -> None:
        loss = "-" if record["loss"] is None else f"{record['loss']:.3f}"
        greedy = f"{record['greedy_mean']:.1f}" if "greedy_mean" in record else ""
        echo(
            f"{record['iteration'] + 1:>4} {record['mean']:>8.1f} {record['max']:>6.0f} "
            f"{record['threshold']:>12.1f} {record['n_elite']:>7} {loss:>7} {greedy:>7}"
        )

    agent.fit(callback=report)
    reason = {
        "target": f"stopped: the greedy policy reached {settings['target_return']}",
        "max_iterations": f"stopped after the {agent.n_iter_} iterations allowed",
    }.get(agent.converged_, f"stopped: {agent.converged_}")
    echo(f"{reason} ({agent.fit_seconds_:.1f} s)")
    n_eval = 10 if fast else 100
    returns = agent.evaluate(n_episodes=n_eval)
    echo(
        f"Greedy evaluation on {n_eval} fresh episodes: mean {returns.mean():.1f}, "
        f"min {returns.min():.0f}, max {returns.max():.0f} (500 is the most CartPole allows)"
    )
    figure = _draw_curve(agent.history_, settings["target_return"], out / "deep-cem.png")
    return {
        "means": [r["mean"] for r in agent.history_],
        "thresholds": [r["threshold"] for r in agent.history_],
        "n_elite": [r["n_elite"] for r in agent.history_],
        "converged": agent.converged_,
        "eval_returns": returns,
        "figures": [figure],
    }
