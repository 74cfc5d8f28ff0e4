"""The Deep Cross-Entropy Method (seed 000, SPEC section 10) for Gymnasium environments."""

from __future__ import annotations

import collections
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import numnet
from numnet import nn
from numnet.optim import Adam
from numnet.rl._gym import env_summary, make_env
from numnet.rl._io import write_json
from numnet.rl.elites import check_percentile, select_elites
from numnet.rl.policy import ObsScaler, continuous_loss, discrete_loss, mlp_policy
from numnet.rl.rollout import ContinuousActor, DiscreteActor, LocalRunner, Sessions, session_seeds
from numnet.tensor import Tensor

__all__ = ["CEM", "DeepCEM"]

_TRAIN, _EVAL, _INIT = 0, 1, 2  # seed streams: training sessions, evaluation, init + shuffling


class CEM:
    """Deep Cross-Entropy Method for Gymnasium ``Discrete`` and ``Box`` action spaces.

    For n = 0, 1, …: play K sessions with the current policy, estimate
    ``V = (1/K) Σ_k G(τ_k)``, keep the elite sessions ``G(τ_k) ≥ γ`` with γ the
    ``percentile``-th return (no update when every session is elite), and take
    gradient steps on the elite (state, action) pairs:

    - discrete actions: π(·|s) = softmax(F(s)), acting by
      ``A ~ (1 − ε) π(·|s) + ε/m``, loss ``−Σ ln π(a|s)``;
    - continuous actions: deterministic π(s), acting by
      ``A = clip(π(s) + ε ξ, low, high)`` with ξ Gaussian or uniform, loss
      ``Σ ‖π(s) − a‖²``.

    The losses are minimized as means over the pairs (the sums divided by N, or
    N·m), so the learning rate does not depend on how many elites there are.

    Parameters
    ----------
    env : str or callable
        A Gymnasium id, or a factory returning a fresh environment (picklable for Ray).
    n_sessions : int
        K, sessions per iteration.
    percentile : float in (0, 100)
        q: the elite threshold is the q-th percentile of the returns.
    n_iterations : int
        N, the most iterations.
    policy : numnet Module, optional
        Maps (scaled) observations to logits or actions; default :func:`mlp_policy`.
    hidden : sequence of int
        Hidden widths of the default policy.
    activation : {'relu', 'tanh'}
    lr, lr_decay, lr_min : float
        Adam's learning rate η_n = max(η · lr_decayⁿ, lr_min).
    eps, eps_decay, eps_min : float
        Exploration ε_n = max(ε · eps_decayⁿ, eps_min): the uniform share
        (discrete) or the noise scale in action units (continuous).
    noise : {'gaussian', 'uniform'}
        ξ for continuous actions: N(0, 1) or U(−1, 1).
    n_epochs : int
        Passes over the elite pairs per iteration.
    batch_size : int or None
        Mini-batch size (None: the whole elite set in one step).
    elite_history : int
        Also train on the elites of this many previous iterations.
    target_return : float, optional
        Stop once the greedy policy's mean over ``eval_episodes`` episodes reaches
        it; evaluated whenever the elite threshold γ reaches it.
    eval_episodes : int
    eval_every : int, optional
        Also evaluate greedily every this many iterations (for a stochastic policy
        whose sessions stay below the target its greedy policy already reaches).
    tol : float, optional
        Stop when V has moved by less than ``tol`` over ``n_iter_no_change`` iterations.
    n_iter_no_change : int
    strict_ties : bool
        For sparse rewards (Acrobot, MountainCar): when every session is elite only
        because most tie at the threshold γ, train on the sessions strictly above γ
        instead of skipping the update. Off by default (the seed's rule).
    collapse : float or None
        Fall back to the best policy seen when V loses more than this share of the
        progress made so far: ``V < V_best − collapse · (V_best − V_0)``. Off by
        default: on noisy tasks (LunarLander) a small progress makes ordinary noise
        look like a collapse, and falling back then undoes learning. The best
        policy is returned at the end either way.
    max_steps : int, optional
        Time limit T (default: the environment's ``max_episode_steps``, else 1000).
    normalize_obs : bool
        Scale observation coordinates with finite bounds to [−1, 1].
    backend : {'local', 'ray'}
    n_workers : int, optional
        Ray workers (default: Ray's CPU count).
    env_kwargs : dict, optional
        Keyword arguments for ``gymnasium.make``.
    seed : int
        Seeds everything: network init, sessions, evaluation, mini-batches.

    Attributes
    ----------
    policy_ : Module
        The policy after fitting: the one that met the target, else the best greedy
        one evaluated, else the best by V.
    best_mean_return_ : float
        The best V seen.
    history_ : list of dict
        One record per iteration (mean, max, threshold, ε, η, loss, timings, ...).
    n_iter_ : int
    converged_ : str
        Why fitting stopped: 'target', 'settled', 'max_iterations' or 'interrupted'.

    Examples
    --------
    >>> agent = CEM("CartPole-v1", n_sessions=16, n_iterations=2, max_steps=50, seed=0)
    >>> agent = agent.fit()
    >>> len(agent.history_), agent.evaluate(n_episodes=3).shape
    (2, (3,))
    """

    def __init__(
        self,
        env: str | Callable[[], Any],
        *,
        n_sessions: int = 100,
        percentile: float = 70.0,
        n_iterations: int = 100,
        policy: nn.Module | None = None,
        hidden: Sequence[int] = (64,),
        activation: str = "relu",
        lr: float = 1e-2,
        lr_decay: float = 1.0,
        lr_min: float = 0.0,
        eps: float = 0.0,
        eps_decay: float = 1.0,
        eps_min: float = 0.0,
        noise: str = "gaussian",
        n_epochs: int = 1,
        batch_size: int | None = 256,
        elite_history: int = 0,
        target_return: float | None = None,
        eval_episodes: int = 100,
        eval_every: int | None = None,
        tol: float | None = None,
        n_iter_no_change: int = 10,
        strict_ties: bool = False,
        collapse: float | None = None,
        max_steps: int | None = None,
        normalize_obs: bool = True,
        backend: str = "local",
        n_workers: int | None = None,
        env_kwargs: dict | None = None,
        seed: int = 0,
    ) -> None:
        self.env = env
        self.n_sessions = n_sessions
        self.percentile = percentile
        self.n_iterations = n_iterations
        self.policy = policy
        self.hidden = hidden
        self.activation = activation
        self.lr = lr
        self.lr_decay = lr_decay
        self.lr_min = lr_min
        self.eps = eps
        self.eps_decay = eps_decay
        self.eps_min = eps_min
        self.noise = noise
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.elite_history = elite_history
        self.target_return = target_return
        self.eval_episodes = eval_episodes
        self.eval_every = eval_every
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.strict_ties = strict_ties
        self.collapse = collapse
        self.max_steps = max_steps
        self.normalize_obs = normalize_obs
        self.backend = backend
        self.n_workers = n_workers
        self.env_kwargs = env_kwargs
        self.seed = seed

    # ------------------------------------------------------------------ checks
    def _validate(self) -> None:
        check_percentile(self.percentile)
        for name in ("n_sessions", "n_iterations", "n_epochs", "eval_episodes"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.n_sessions < 2:
            raise ValueError(f"n_sessions must be at least 2, got {self.n_sessions}")
        if self.batch_size is not None and (int(self.batch_size) < 1):
            raise ValueError(f"batch_size must be positive or None, got {self.batch_size!r}")
        if int(self.elite_history) < 0:
            raise ValueError(f"elite_history must be >= 0, got {self.elite_history!r}")
        for name in ("lr", "eps", "lr_min", "eps_min"):
            if not float(getattr(self, name)) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        for name in ("lr_decay", "eps_decay"):
            if not 0 < float(getattr(self, name)) <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {getattr(self, name)!r}")
        if self.backend not in ("local", "ray"):
            raise ValueError(f"backend must be 'local' or 'ray', got {self.backend!r}")
        if self.noise not in ("gaussian", "uniform"):
            raise ValueError(f"noise must be 'gaussian' or 'uniform', got {self.noise!r}")

    def _setup(self) -> None:
        probe = make_env(self.env, **(self.env_kwargs or {}))
        try:
            self.env_ = env_summary(probe)
        finally:
            probe.close()
        if self.env_["kind"] == "tabular":
            raise ValueError("this environment has Discrete observations: use numnet.rl.TabularCEM")
        steps = self.max_steps or self.env_["max_steps"] or 1000
        self.max_steps_ = int(steps)
        # Greedy evaluation keeps the environment's own time limit even when training
        # sessions get a longer one (exploration on MountainCar).
        self.eval_max_steps_ = int(self.env_["max_steps"] or steps)
        self.scaler_ = ObsScaler(
            self.env_["obs_low"], self.env_["obs_high"], enabled=self.normalize_obs
        )

    # ----------------------------------------------------------------- acting
    @property
    def discrete_(self) -> bool:
        return self.env_["kind"] == "discrete"

    def _actor(self, policy: nn.Module, eps: float, greedy: bool) -> Any:
        if self.discrete_:
            return DiscreteActor(policy, self.scaler_, eps, greedy, self.env_["action_start"])
        return ContinuousActor(
            policy, self.scaler_, self.env_["low"], self.env_["high"], eps, self.noise, greedy
        )

    def _runner(self, n: int) -> Any:
        if self.backend == "ray":
            from numnet.rl.ray_backend import RayRunner

            return RayRunner(self.env, self.env_kwargs, self.n_workers)
        return LocalRunner(self.env, n, self.env_kwargs)

    def loss(self, states: Any, actions: Any, reduction: str = "mean") -> Tensor:
        """The elite loss of the current policy on (state, action) pairs (states raw, unscaled).

        ``reduction='sum'`` gives the seed's ``−Σ ln π(a|s)`` or ``Σ ‖π(s) − a‖²``.
        """
        x = self.scaler_(np.asarray(states, np.float32))
        fn = discrete_loss if self.discrete_ else continuous_loss
        return fn(self.policy_, x, actions, reduction)

    # -------------------------------------------------------------- training
    def _train_on(self, states: np.ndarray, actions: np.ndarray, rng: np.random.Generator) -> float:
        n = len(states)
        size = n if self.batch_size is None else min(int(self.batch_size), n)
        x = self.scaler_(states)
        fn = discrete_loss if self.discrete_ else continuous_loss
        total, steps = 0.0, 0
        for _ in range(int(self.n_epochs)):
            order = rng.permutation(n)
            for start in range(0, n, size):
                rows = order[start : start + size]
                self.optimizer_.zero_grad()
                loss = fn(self.policy_, x[rows], actions[rows])
                loss.backward()
                self.optimizer_.step()
                total += loss.item()
                steps += 1
        return total / max(steps, 1)

    def fit(self, callback: Callable[[dict], Any] | None = None) -> CEM:
        """Run the cross-entropy method; returns ``self``.

        ``callback(record)`` is called after every iteration with that
        iteration's record; returning True stops after it (Ctrl-C in the CLI).
        """
        self._validate()
        self._setup()
        init_rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_INIT,)))
        out = self.env_["n_actions"] if self.discrete_ else self.env_["action_dim"]
        if self.policy is None:
            self.policy_ = mlp_policy(
                self.env_["obs_dim"], out, self.hidden, self.activation, init_rng
            )
        else:
            self.policy_ = self.policy
        self.optimizer_ = Adam(self.policy_.parameters(), lr=float(self.lr))
        self.history_: list[dict] = []
        self.best_mean_return_ = -math.inf
        self._best_greedy: tuple[float, dict] | None = None
        best_state = _copy_state(self.policy_)
        memory: collections.deque = collections.deque(maxlen=int(self.elite_history) + 1)
        self.converged_ = "max_iterations"
        runner = self._runner(self.n_sessions)
        start, episodes = time.perf_counter(), 0
        try:
            for it in range(int(self.n_iterations)):
                eps = max(float(self.eps) * float(self.eps_decay) ** it, float(self.eps_min))
                lr = max(float(self.lr) * float(self.lr_decay) ** it, float(self.lr_min))
                for group in self.optimizer_.param_groups:
                    group["lr"] = lr
                tick = time.perf_counter()
                seeds = session_seeds(self.seed, _TRAIN, it, int(self.n_sessions))
                sessions = runner.run(self._actor(self.policy_, eps, False), seeds, self.max_steps_)
                play_s = time.perf_counter() - tick
                episodes += len(seeds)
                record = self._step(it, sessions, memory, init_rng, best_state, eps, lr)
                if record["mean"] > self.best_mean_return_:
                    self.best_mean_return_ = record["mean"]
                    best_state = record.pop("_pre_update_state")
                record.pop("_pre_update_state", None)
                stop = self._check_target(it, record, runner)
                now = time.perf_counter()
                record.update(
                    episodes=episodes,
                    play_seconds=play_s,
                    seconds=now - start,
                    episodes_per_s=len(seeds) / max(play_s, 1e-9),
                )
                self.history_.append(record)
                if stop:
                    self.converged_ = "target"
                elif self._settled():
                    self.converged_, stop = "settled", True
                if callback is not None and callback(record):
                    self.converged_ = "interrupted" if not stop else self.converged_
                    stop = True
                if stop:
                    break
        finally:
            runner.close()
        self.n_iter_ = len(self.history_)
        self.fit_seconds_ = time.perf_counter() - start
        if self.converged_ != "target" and self._best_greedy is not None:
            # Greedy evaluations are the better judge of a policy than noisy V.
            self.policy_.load_state_dict(self._best_greedy[1])
        elif self.converged_ != "target" and self.history_:
            # The policy that produced the best V, not the last update (seed 000: return
            # the previous policy when V collapses).
            last = self.history_[-1]["mean"]
            if last < self.best_mean_return_:
                self.policy_.load_state_dict(best_state)
        return self

    def _step(
        self, it: int, sessions: Sessions, memory: collections.deque,
        rng: np.random.Generator, best_state: dict, eps: float, lr: float,
    ) -> dict:  # fmt: skip
        returns = sessions.returns
        mean = float(returns.mean())
        elite, threshold, update = select_elites(returns, self.percentile)
        if not update and self.strict_ties and returns.max() > threshold:
            elite, update = returns > threshold, True
        record: dict[str, Any] = {
            "iteration": it, "mean": mean, "std": float(returns.std()),
            "max": float(returns.max()), "min": float(returns.min()), "threshold": threshold,
            "n_elite": int(elite.sum()), "eps": eps, "lr": lr,
            "steps": int(sessions.lengths.sum()), "updated": False, "rolled_back": False,
            "loss": None,
        }  # fmt: skip
        if mean > self.best_mean_return_:
            record["_pre_update_state"] = _copy_state(self.policy_)
        progress = self.best_mean_return_ - self.history_[0]["mean"] if self.history_ else 0.0
        collapsed = (
            self.collapse is not None
            and progress > 0
            and mean < self.best_mean_return_ - self.collapse * progress
        )
        if collapsed:
            self.policy_.load_state_dict(best_state)
            memory.clear()
            record["rolled_back"] = True
            return record
        if not update:
            return record
        idx = np.flatnonzero(elite)
        memory.append(
            (
                np.concatenate([sessions.observations[k] for k in idx]),
                np.concatenate([sessions.actions[k] for k in idx]),
            )
        )
        states = np.concatenate([m[0] for m in memory])
        actions = np.concatenate([m[1] for m in memory])
        record["loss"] = self._train_on(states, actions, rng)
        record["updated"] = True
        return record

    def _check_target(self, it: int, record: dict, runner: Any) -> bool:
        if self.target_return is None:
            return False
        periodic = self.eval_every is not None and (it + 1) % int(self.eval_every) == 0
        if record["threshold"] < self.target_return and not periodic:
            return False
        returns = self._evaluate_with(runner, int(self.eval_episodes), it)
        record["greedy_mean"] = float(returns.mean())
        record["greedy_std"] = float(returns.std())
        if self._best_greedy is None or record["greedy_mean"] > self._best_greedy[0]:
            self._best_greedy = (record["greedy_mean"], _copy_state(self.policy_))
        return record["greedy_mean"] >= self.target_return

    def _settled(self) -> bool:
        if self.tol is None or len(self.history_) < self.n_iter_no_change:
            return False
        recent = [r["mean"] for r in self.history_[-int(self.n_iter_no_change) :]]
        return max(recent) - min(recent) < float(self.tol)

    # ------------------------------------------------------------ evaluation
    def _evaluate_with(self, runner: Any, n_episodes: int, key: int) -> np.ndarray:
        seeds = session_seeds(self.seed, _EVAL, key, n_episodes)
        actor = self._actor(self.policy_, 0.0, True)
        return runner.run(actor, seeds, self.eval_max_steps_).returns

    def evaluate(self, n_episodes: int = 100, seed: int | None = None) -> np.ndarray:
        """Returns of ``n_episodes`` greedy episodes (argmax π, or π(s) without noise).

        Episodes are seeded from ``seed`` (default: the agent's seed), on a seed
        stream separate from training.
        """
        _check_fitted(self)
        runner = LocalRunner(self.env, n_episodes, self.env_kwargs)
        try:
            seeds = session_seeds(self.seed if seed is None else seed, _EVAL, 2**20, n_episodes)
            actor = self._actor(self.policy_, 0.0, True)
            return runner.run(actor, seeds, self.eval_max_steps_).returns
        finally:
            runner.close()

    def predict(self, observations: Any) -> np.ndarray:
        """Greedy actions for a batch of observations ``(n, obs_dim)``."""
        _check_fitted(self)
        obs = np.atleast_2d(np.asarray(observations, np.float32))
        actor = self._actor(self.policy_, 0.0, True)
        return actor.env_action(actor(obs, np.zeros(len(obs))))

    # ----------------------------------------------------------- persistence
    def get_config(self) -> dict[str, Any]:
        """The JSON-serializable hyperparameters and environment facts of a fitted agent."""
        _check_fitted(self)
        params = {
            k: v for k, v in vars(self).items()
            if not k.endswith("_") and not k.startswith("_") and k not in ("policy", "env")
        }  # fmt: skip
        params["hidden"] = list(self.hidden)
        return {
            "format": "numnet.rl.cem/1",
            "env": self.env if isinstance(self.env, str) else None,
            "params": params,
            "env_summary": self.env_,
            "max_steps": self.max_steps_,
            "eval_max_steps": self.eval_max_steps_,
            "obs_scaler": self.scaler_.to_json(),
            "best_mean_return": self.best_mean_return_,
        }

    def save(self, directory: str | Path) -> Path:
        """Write ``policy.safetensors`` (weights + architecture) and ``config.json``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        try:
            numnet.save(self.policy_, directory / "policy.safetensors")
        except TypeError:  # a custom policy class: weights only
            numnet.save(self.policy_, directory / "policy.safetensors", architecture=False)
        write_json(directory / "config.json", self.get_config())
        return directory

    @classmethod
    def load(cls, directory: str | Path, policy: nn.Module | None = None) -> CEM:
        """Rebuild a fitted agent saved by :meth:`save` (pass ``policy`` for a custom class)."""
        directory = Path(directory)
        config = json.loads((directory / "config.json").read_text())
        if config.get("format") != "numnet.rl.cem/1":
            raise ValueError(f"{directory}: not a numnet CEM run (config.json format)")
        params = dict(config["params"])
        agent = cls(config["env"], **params)
        agent.env_ = config["env_summary"]
        agent.max_steps_ = int(config["max_steps"])
        agent.eval_max_steps_ = int(config.get("eval_max_steps", agent.max_steps_))
        agent.scaler_ = ObsScaler.from_json(config["obs_scaler"])
        agent.best_mean_return_ = config["best_mean_return"]
        if policy is None:
            agent.policy_ = numnet.load(directory / "policy.safetensors")
        else:
            policy.load_state_dict(numnet.load_state_dict(directory / "policy.safetensors"))
            agent.policy_ = policy
        return agent


DeepCEM = CEM


def _copy_state(model: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in model.state_dict().items()}


def _check_fitted(agent: CEM) -> None:
    if not hasattr(agent, "policy_"):
        raise ValueError("this CEM agent is not fitted yet: call fit() first")
