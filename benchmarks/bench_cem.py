"""Deep and tabular CEM results: greedy 100-episode means, iterations, episodes, wall time.

Usage::

    python benchmarks/bench_cem.py                       # CartPole-v1, seeds 0-4, torch baseline
    python benchmarks/bench_cem.py --env Acrobot-v1 --seeds 0 1 2
    python benchmarks/bench_cem.py --env all --seeds 0   # every environment below, one seed
    python benchmarks/bench_cem.py --no-baseline

Each run trains with the environment's built-in hyperparameters (``PRESETS`` in
``numnet/rl/cli.py``, the same as ``numnet cem``), stops at the target return
(checked by a greedy evaluation inside training) or after the iteration budget,
and then evaluates the greedy policy on 100 fresh episodes (seeds never seen in
training). "wall s" is the training time including those in-training
evaluations. The CartPole baseline is a plain PyTorch CEM that runs one
environment and one policy call at a time, with the same hyperparameters and
stopping rule; it is skipped when torch is not installed.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from numnet.rl import CEM, TabularCEM
from numnet.rl.cli import PRESETS

TARGETS = {
    "CartPole-v1": 475, "Acrobot-v1": -100, "MountainCar-v0": -110, "LunarLander-v3": 200,
    "MountainCarContinuous-v0": 90, "LunarLanderContinuous-v3": 200, "Pendulum-v1": None,
    "FrozenLake-v1": None, "Taxi-v4": None,
}  # fmt: skip
TABULAR = {"FrozenLake-v1", "Taxi-v4"}


def run_numnet(env_id: str, seed: int, episodes: int) -> dict:
    params = dict(PRESETS.get(env_id, {}))
    cls = TabularCEM if env_id in TABULAR else CEM
    start = time.perf_counter()
    agent = cls(env_id, seed=seed, **params).fit()
    wall = time.perf_counter() - start
    returns = agent.evaluate(episodes, seed=10_000 + seed)
    target = TARGETS.get(env_id)
    return {
        "env": env_id, "seed": seed, "iterations": agent.n_iter_,
        "episodes": agent.history_[-1]["episodes"], "wall": wall,
        "mean": float(returns.mean()), "std": float(returns.std()),
        "success": float((returns > 0).mean()) if env_id == "FrozenLake-v1" else None,
        "met": None if target is None else bool(returns.mean() >= target),
        "stop": agent.converged_,
    }  # fmt: skip


# ------------------------------------------------------------ PyTorch baseline
def run_torch_baseline(seed: int, target: float = 475.0, max_iterations: int = 100) -> dict:
    """Plain PyTorch CEM on CartPole-v1: one environment, one policy call per step."""
    import gymnasium as gym
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)  # tiny tensors: threads only add overhead
    rng = np.random.default_rng(seed)
    net = torch.nn.Sequential(torch.nn.Linear(4, 64), torch.nn.ReLU(), torch.nn.Linear(64, 2))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    env = gym.make("CartPole-v1")

    def episode(greedy: bool, env_seed: int) -> tuple[list, list, float]:
        obs, _ = env.reset(seed=env_seed)
        states, actions, total = [], [], 0.0
        while True:
            with torch.no_grad():
                probs = torch.softmax(net(torch.as_tensor(obs)), dim=-1).numpy()
            action = int(probs.argmax()) if greedy else int(rng.random() >= probs[0])
            states.append(obs)
            actions.append(action)
            obs, reward, terminated, truncated, _ = env.step(action)
            total += reward
            if terminated or truncated:
                return states, actions, total

    start = time.perf_counter()
    episodes = 0
    for it in range(max_iterations):
        sessions = [episode(False, int(rng.integers(2**31))) for _ in range(100)]
        episodes += 100
        returns = np.array([s[2] for s in sessions])
        threshold = np.percentile(returns, 70)
        elite = returns >= threshold
        if threshold >= target:
            greedy = [episode(True, int(rng.integers(2**31)))[2] for _ in range(100)]
            if np.mean(greedy) >= target:
                return {"wall": time.perf_counter() - start, "iterations": it + 1,
                        "episodes": episodes, "mean": float(np.mean(greedy))}  # fmt: skip
        if elite.all():
            continue
        x = torch.as_tensor(np.concatenate([np.array(s[0]) for s, e in zip(sessions, elite) if e]))
        y = torch.as_tensor(np.concatenate([s[1] for s, e in zip(sessions, elite) if e]))
        order = torch.as_tensor(rng.permutation(len(x)))
        for i in range(0, len(x), 256):
            rows = order[i : i + 256]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(x[rows]), y[rows]).backward()
            opt.step()
    return {"wall": time.perf_counter() - start, "iterations": max_iterations,
            "episodes": episodes, "mean": float("nan")}  # fmt: skip


def _row(r: dict) -> str:
    extra = f" (success {r['success']:.0%})" if r.get("success") is not None else ""
    met = {None: "reported", True: "yes", False: "**no**"}[r["met"]]
    return (
        f"| {r['env']} | {r['seed']} | {r['iterations']} | {r['episodes']} | {r['wall']:.1f} "
        f"| {r['mean']:.1f} ± {r['std']:.1f}{extra} | {met} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="CartPole-v1", help="an id from TARGETS, or 'all'")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--baseline-seeds",
        type=int,
        nargs="+",
        help="PyTorch baseline seeds",
    )
    args = parser.parse_args()
    envs = list(TARGETS) if args.env == "all" else [args.env]
    print("| env | seed | iterations | episodes | wall s | greedy 100-ep mean ± std | target |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for env_id in envs:
        for seed in args.seeds:
            result = run_numnet(env_id, seed, args.episodes)
            results.append(result)
            print(_row(result), flush=True)
    for env_id in envs:
        rows = [r for r in results if r["env"] == env_id]
        walls = [r["wall"] for r in rows]
        met = sum(bool(r["met"]) for r in rows)
        target = TARGETS.get(env_id)
        verdict = "no target" if target is None else f"target met on {met}/{len(rows)} seeds"
        print(f"\n{env_id}: {verdict}; "
              f"median wall time {statistics.median(walls):.2f} s")  # fmt: skip
    if "CartPole-v1" in envs and not args.no_baseline:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("torch is not installed: PyTorch baseline skipped")
            return
        baseline_seeds = args.baseline_seeds or args.seeds
        base = [run_torch_baseline(seed) for seed in baseline_seeds]
        for seed, b in zip(baseline_seeds, base):
            print(f"torch baseline seed {seed}: {b['wall']:.1f} s, {b['iterations']} iterations, "
                  f"greedy {b['mean']:.1f}")  # fmt: skip
        ours = statistics.median(r["wall"] for r in results if r["env"] == "CartPole-v1")
        theirs = statistics.median(b["wall"] for b in base)
        print(f"median wall time: numnet {ours:.2f} s, PyTorch one-env baseline {theirs:.2f} s, "
              f"ratio {theirs / ours:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
