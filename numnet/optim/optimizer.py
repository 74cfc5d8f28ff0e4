"""The base class of every optimizer: parameter groups, ``step``, ``zero_grad``, state dicts.

A subclass gives its hyperparameter defaults, checks them (``_check_group``),
names the state each parameter carries (``_state_names``) and writes its
update rule (``_update``); this class does everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from numnet.autograd import enable_grad
from numnet.tensor import Tensor

__all__ = ["Optimizer", "FlatGroup"]


class Optimizer:
    """Base class of the optimizers: parameter groups and per-parameter state.

    Parameters
    ----------
    params : iterable of Tensor, or iterable of dict
        The tensors to optimize (``model.parameters()``), or parameter groups:
        dicts with a ``"params"`` entry and any hyperparameters that override
        the defaults for that group, as in PyTorch.
    defaults : dict
        The hyperparameters of a group that does not set them.

    Attributes
    ----------
    param_groups : list of dict
        Each group's ``"params"`` (a list of tensors) and hyperparameters.
        Schedulers change ``group["lr"]`` here.
    state : dict
        Per-parameter state (moment estimates, step counts), keyed by the
        parameter tensor, created at the parameter's first update.

    Notes
    -----
    ``step()`` updates ``p.data`` in place (models hold references to the
    arrays), keeps its dtype, records no graph, and skips parameters whose
    ``.grad`` is None. ``state_dict()`` holds only ndarrays, Python numbers
    and lists, so it can be stored without pickle (arrays in safetensors,
    the rest in JSON); a run resumed from it continues bit for bit.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> w = numnet.Tensor([1.0, -2.0], requires_grad=True)
    >>> b = numnet.Tensor([0.5], requires_grad=True)
    >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.0}], lr=0.5)
    >>> ((w * w).sum() + (b * b).sum()).backward()
    >>> opt.step()
    >>> w.data, b.data
    (array([0., 0.], dtype=float32), array([0.5], dtype=float32))
    """

    # Names of the per-parameter state that are counters (Python ints); all other
    # state entries are arrays of the parameter's shape and dtype.
    _counters = ("step",)

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, (Tensor, dict)) or not isinstance(params, Iterable):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors or of dicts (parameter groups), "
                f"got {type(params).__name__}; wrap a single tensor in a list"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: params must be an ordered iterable, not a set")
        self.defaults = self._check_group(dict(defaults))
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        self._flat_groups: dict[int, FlatGroup] = {}
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ----------------------------------------------------------- subclass API
    def _check_group(self, group: dict[str, Any]) -> dict[str, Any]:
        """Validate a group's hyperparameters (raise ValueError) and return it, coerced."""
        return group

    def _state_names(self, group: dict[str, Any]) -> tuple[str, ...]:
        """The state a parameter of ``group`` carries after its first update."""
        return ()

    def _update(self, group: dict[str, Any]) -> None:
        """Apply the update rule to every parameter of ``group`` that has a gradient."""
        raise NotImplementedError

    def _flat(self, group: dict[str, Any]) -> FlatGroup | None:
        """The group as one vector (see :class:`FlatGroup`), or None where that does not apply.

        It applies when every parameter has a gradient, all share one dtype, their
        state is fresh or at one step count, and the group is small (at most
        ``FlatGroup.max_size`` elements: beyond that the per-parameter loop costs
        nothing extra). A parameter that once misses a gradient falls behind in
        step count and sends the group to the per-parameter loop from then on.
        """
        params, state = group["params"], self.state
        names = self._state_names(group)
        flat = self._flat_groups.get(id(group))
        if flat is not None and flat.group is group and flat.names == names:
            step = flat.entries[0]["step"]
            if len(params) == len(flat.params):
                for p, q, entry in zip(params, flat.params, flat.entries):
                    if p is not q or p.grad is None or state.get(p) is not entry:
                        break
                    if entry["step"] != step:
                        return None
                else:
                    return flat
        # (re)build: check the conditions, then move the state into flat arrays
        if sum(p.size for p in params) > FlatGroup.max_size or any(p.grad is None for p in params):
            return None
        if len({p.dtype for p in params}) != 1:
            return None
        entries = [state.get(p) for p in params]
        if any(e is None for e in entries):
            if any(e is not None for e in entries):
                return None
            entries = [{"step": 0} for _ in params]
        elif len({e["step"] for e in entries}) != 1 or any(set(e) != set(names) for e in entries):
            return None
        flat = FlatGroup(group, entries, names, [n for n in names if n not in self._counters])
        for p, entry in zip(params, entries):
            state[p] = entry
        self._flat_groups[id(group)] = flat
        return flat

    # ----------------------------------------------------------------- groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (unset ones take the defaults).

        Parameters
        ----------
        param_group : dict
            ``{"params": tensors, "lr": ..., ...}``.
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, got {type(param_group)}")
        if "params" not in param_group:
            raise ValueError(f"{name}: a parameter group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: a group's params must be an ordered iterable, not a set")
        params = list(params)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{name}: can only optimize Tensors, but parameter {i} of the group is a "
                    f"{type(p).__name__}"
                )
            if p.dtype.kind != "f":
                raise TypeError(f"{name}: parameter {i} has dtype {p.dtype}; expected a float")
            if not p.is_leaf:
                raise ValueError(
                    f"{name}: parameter {i} is not a leaf tensor (it was computed by {p.op!r}); "
                    f"optimize the tensors you created"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{name}: parameter {i} (shape {p.shape}) appears twice; a tensor may belong "
                    f"to one parameter group only, once"
                )
            seen.add(id(p))
        group = {**self.defaults, **param_group, "params": params}
        self.param_groups.append(self._check_group(group))

    # ------------------------------------------------------------------- step
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all optimized parameters.

        Parameters
        ----------
        set_to_none : bool
            True sets ``.grad = None`` (the next backward allocates fresh
            arrays); False fills the existing arrays with zeros.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, by the subclass's rule.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model: zeroes the gradients, computes the loss,
            calls ``backward()`` and returns the loss. Called before the update.

        Returns
        -------
        The closure's loss, or None without a closure.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update(group)
        return loss

    # ------------------------------------------------------------- state dict
    def state_dict(self) -> dict[str, Any]:
        """A snapshot of the optimizer that needs no pickle to store.

        Returns
        -------
        dict
            ``{"state": {index: {name: ndarray | int}}, "param_groups": [{hyperparameters...,
            "params": [index, ...]}]}``: parameters are numbered 0, 1, ... in
            group order, as in PyTorch. Arrays are copies; hyperparameters are
            Python numbers, bools, tuples and lists.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for p, entry in self.state.items():
            if id(p) in index:
                state[index[id(p)]] = {
                    key: value.copy() if isinstance(value, np.ndarray) else value
                    for key, value in entry.items()
                }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by :meth:`state_dict`.

        The optimizer must have the same number of groups, each with the same
        number of parameters, in the same order. State keys may be ints or
        their strings (as JSON writes them); arrays are copied and cast to the
        parameter's dtype. Nothing changes when validation fails.

        Raises
        ------
        ValueError
            Mismatched groups, parameter counts, state names or array shapes.
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' entries")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}: the state dict has {len(saved_groups)} parameter groups, this "
                f"optimizer has {len(self.param_groups)}"
            )
        by_index: dict[int, tuple[Tensor, dict]] = {}
        new_groups = []
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            indices = saved.get("params", [])
            if len(indices) != len(group["params"]):
                raise ValueError(
                    f"{name}: group {g} has {len(indices)} parameters in the state dict and "
                    f"{len(group['params'])} in this optimizer"
                )
            new = {**self.defaults}
            new.update((key, _like(value, group.get(key))) for key, value in saved.items())
            new["params"] = group["params"]
            new = self._check_group(new)
            new_groups.append(new)
            for i, p in zip(indices, group["params"]):
                by_index[int(i)] = (p, new)
        new_state = {}
        for key, entry in state_dict["state"].items():
            try:
                p, group = by_index[int(key)]
            except (KeyError, ValueError):
                raise ValueError(
                    f"{name}: state for parameter {key!r}, which no parameter group lists"
                ) from None
            expected = self._state_names(group)
            if set(entry) != set(expected):
                raise ValueError(
                    f"{name}: parameter {key} has state {sorted(entry)}; {type(self).__name__} "
                    f"with these hyperparameters expects {sorted(expected)}"
                )
            new_state[p] = {k: self._load_value(name, key, k, entry[k], p) for k in expected}
        for group, new in zip(self.param_groups, new_groups):
            group.clear()
            group.update(new)
        self.state = new_state
        self._flat_groups.clear()

    def _load_value(self, where: str, index: Any, key: str, value: Any, p: Tensor) -> Any:
        if key in self._counters:
            count = value.item() if isinstance(value, np.ndarray) and value.size == 1 else value
            if isinstance(count, (bool, np.bool_)) or int(count) != count or count < 0:
                raise ValueError(f"{where}: {key!r} of parameter {index} is {value!r}, not a count")
            return int(count)
        array = np.asarray(value)
        if array.shape != p.shape:
            raise ValueError(
                f"{where}: {key!r} of parameter {index} has shape {array.shape}; the parameter "
                f"has shape {p.shape}"
            )
        return np.array(array, dtype=p.dtype, copy=True)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            lines.append(f"  group {i}: {len(group['params'])} parameters, {settings}")
        return "\n".join(lines) + "\n)"


def _like(value: Any, current: Any) -> Any:
    """A saved hyperparameter in the type it has now: JSON turns tuples (betas) into lists."""
    if isinstance(current, tuple) and isinstance(value, list):
        return tuple(value)
    return value


class FlatGroup:
    """A parameter group seen as one vector, so that an update rule runs on whole arrays.

    Every state array of every parameter (``state[p]["exp_avg"]``...) becomes a
    view into one flat array per name, and the gradients are gathered into one
    flat array. A rule then costs a dozen NumPy calls for the whole group
    instead of a dozen per parameter, which on a small network is most of the
    step's time. Elementwise arithmetic does not depend on the layout, so
    the results are bit for bit those of the per-parameter loop.

    Parameters whose ``.data`` are already consecutive views of one vector, in
    group order (as ``numnet.estimators`` lays out its networks), are updated
    through that vector in one call, as long as each ``.data`` is still the
    array it was when the group was built.

    Attributes
    ----------
    state : dict of str to ndarray
        The flat state arrays, by name.
    buf : ndarray
        Scratch space of the group's size, in which rules write the step Δ.
    """

    max_size = 1 << 16

    def __init__(
        self, group: dict[str, Any], entries: list[dict], names: tuple[str, ...], arrays: list[str]
    ) -> None:
        self.group = group
        self.params = list(group["params"])
        self.entries = entries
        self.names = names
        dtype = self.params[0].dtype
        size = sum(p.size for p in self.params)
        self.grad = np.empty(size, dtype)
        self.buf = np.empty(size, dtype)
        self.grad_views = self._views(self.grad)
        self.buf_views = self._views(self.buf)
        self.param_arrays = [p.data for p in self.params]
        self.param_vector = _tiled_vector(self.param_arrays)
        self.state = {}
        for name in arrays:
            flat = self.state[name] = np.zeros(size, dtype)
            for entry, view in zip(entries, self._views(flat)):
                if name in entry:
                    view[...] = entry[name]
                entry[name] = view

    def _views(self, flat: np.ndarray) -> list[np.ndarray]:
        return _views(flat, self.params)

    def advance(self) -> int:
        """Count one more step for every parameter; return the new step number t."""
        for entry in self.entries:
            entry["step"] += 1
        return self.entries[0]["step"]

    def gather_grads(self, maximize: bool = False, weight_decay: float = 0.0) -> np.ndarray:
        """The gradients as one vector, gₜ = ±∇L + λθ; the parameters' ``.grad`` stay unchanged."""
        if not maximize and weight_decay == 0:
            np.concatenate([p.grad.reshape(-1) for p in self.params], out=self.grad)
            return self.grad
        for p, view in zip(self.params, self.grad_views):
            if maximize:
                np.negative(p.grad, out=view)
            else:
                np.copyto(view, p.grad)
            if weight_decay != 0:
                view += weight_decay * p.data
        return self.grad

    def scale_params(self, factor: float) -> None:
        """θ ← factor · θ, in place."""
        for p in self.params:
            p.data *= factor

    def apply_step(self) -> None:
        """θ ← θ − Δ, in place, Δ being what the rule wrote into ``buf``."""
        params = self.params
        if self.param_vector is not None:
            for p, a in zip(params, self.param_arrays):
                if p.data is not a:
                    break
            else:
                self.param_vector -= self.buf
                return
        for p, delta in zip(params, self.buf_views):
            p.data -= delta


def _views(vector: np.ndarray, params: list) -> list[np.ndarray]:
    """Consecutive views of ``vector`` shaped as ``params`` (tensors or arrays), in order."""
    views, start = [], 0
    for p in params:
        views.append(vector[start : start + p.size].reshape(p.shape))
        start += p.size
    return views


def _tiled_vector(arrays: list[np.ndarray]) -> np.ndarray | None:
    """The 1-D array that ``arrays`` tile in order, as C-contiguous views of one base, or None."""
    base = arrays[0].base
    if base is None or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    itemsize = base.itemsize
    origin = base.__array_interface__["data"][0]
    start = (arrays[0].__array_interface__["data"][0] - origin) // itemsize
    end = start
    for a in arrays:
        if (
            a.base is not base
            or a.dtype != base.dtype
            or not a.flags.c_contiguous
            or a.__array_interface__["data"][0] != origin + end * itemsize
        ):
            return None
        end += a.size
    return base[start:end]
