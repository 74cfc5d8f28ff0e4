"""Reverse-mode automatic differentiation: grad mode, anomaly detection, the backward pass.

Every differentiable operation records, on the tensor it returns, its inputs
(``_parents``) and a closure (``_backward``) that maps the gradient of the
output to the gradients of the inputs: the local chain rule. ``run_backward``
orders the graph so that every node comes after all the nodes that use it,
then walks that order once, handing each node the sum of the gradients that
flowed into it:

    dL/dx = sum over every use u of x:  (du/dx)ᵀ · dL/du

The walk is a loop over an explicit stack, never recursion, so a chain of
any length works.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import numpy as np

__all__ = [
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "AnomalyError",
    "RemovableHandle",
]


class _Mode(threading.local):
    """Per-thread switches, as in PyTorch: each thread records graphs on its own."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False


mode = _Mode()


class _SetMode(contextlib.ContextDecorator):
    _field = ""
    _value = True

    def _recreate_cm(self) -> _SetMode:
        # A decorated function gets a fresh manager per call, so recursion and
        # threads never share the saved previous mode.
        return type(self)()

    def __enter__(self) -> None:
        self._previous = getattr(mode, self._field)
        setattr(mode, self._field, self._value)

    def __exit__(self, *exc_info: object) -> None:
        setattr(mode, self._field, self._previous)


class no_grad(_SetMode):
    """Context manager (and decorator) in which operations record no graph.

    Results of operations inside have ``requires_grad=False``. Use it for
    evaluation and for updating parameters in place.

    Examples
    --------
    >>> import numnet
    >>> w = numnet.Tensor([1.0, 2.0], requires_grad=True)
    >>> with numnet.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    _field, _value = "grad_enabled", False


class enable_grad(_SetMode):
    """Context manager (and decorator) that turns graph recording back on inside ``no_grad``."""

    _field, _value = "grad_enabled", True


class detect_anomaly(_SetMode):
    """Context manager in which the first NaN or inf raises :class:`AnomalyError`.

    Every operation's output is checked in the forward pass, and every
    gradient it hands to its inputs in the backward pass; the error names the
    operation. Checking costs a pass over each array, so it is off by default.

    Examples
    --------
    >>> import numnet
    >>> x = numnet.Tensor([-1.0], requires_grad=True)
    >>> with numnet.detect_anomaly():
    ...     numnet.Tensor([0.0]) * x.sqrt()
    Traceback (most recent call last):
    ...
    numnet.autograd.AnomalyError: forward of 'sqrt' produced nan in its output of shape (1,)
    """

    _field, _value = "anomaly", True

    def __enter__(self) -> None:
        super().__enter__()
        # NumPy's own warnings would fire before the check that names the op.
        self._errstate = np.errstate(divide="ignore", invalid="ignore", over="ignore")
        self._errstate.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        self._errstate.__exit__(*exc_info)
        super().__exit__(*exc_info)


def is_grad_enabled() -> bool:
    """Whether operations on this thread currently record a graph."""
    return mode.grad_enabled


class AnomalyError(FloatingPointError):
    """A NaN or inf appeared inside :class:`detect_anomaly`."""


def check_finite(array: np.ndarray, op: str, where: str) -> None:
    """Raise :class:`AnomalyError` naming ``op`` if ``array`` holds a NaN or inf."""
    if array.dtype.kind != "f" or np.isfinite(array).all():
        return
    kind = "nan" if np.isnan(array).any() else "inf"
    raise AnomalyError(f"{where} of {op!r} produced {kind} in {_describe(array, where)}")


def _describe(array: np.ndarray, where: str) -> str:
    shape = tuple(array.shape)
    return f"its output of shape {shape}" if where == "forward" else f"a gradient of shape {shape}"


class RemovableHandle:
    """Returned by ``Tensor.register_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


def _freed(grad: np.ndarray) -> tuple:
    raise RuntimeError(
        "backward through a graph that was already freed: a second backward() over the same "
        "operations needs retain_graph=True on the first call"
    )


def topological_order(root) -> list:
    """Operation nodes reachable from ``root`` that require grad, each after its inputs.

    Depth-first search with an explicit stack: an entry ``(node, True)`` is
    popped only after everything pushed above it, i.e. after all the node's
    inputs have been emitted. Leaves are left out: ``run_backward`` collects
    their gradients separately.
    """
    order: list = []
    seen: set = set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for parent in node._parents:
            if parent.requires_grad and parent._backward is not None and parent not in seen:
                stack.append((parent, False))
    return order


def run_backward(root, grad: np.ndarray, retain_graph: bool) -> None:
    """Propagate ``grad`` (dL/droot) to every leaf that requires grad.

    Operation nodes are visited once, consumers before producers, each
    receiving the sum of the gradients of its uses. Leaves collect their sums
    on the side and accumulate into ``.grad`` at the end (``+=`` across calls).
    Other nodes keep a gradient only after ``retain_grad()``. Hooks see each
    node's total gradient and may replace it. Unless ``retain_graph``, each
    node's closure is dropped once used, freeing the arrays it saved.

    Contract for backward closures: return new arrays or views of ``g``,
    never an array the closure keeps; the engine never writes into them.
    """
    anomaly = mode.anomaly
    pending = {root: grad}  # Tensor hashes by identity
    if root._backward is not None:
        for node in reversed(topological_order(root)):
            g = pending.pop(node, None)
            if g is None:
                continue
            if node._hooks or node._retains_grad:
                g = _hooks_and_retain(node, g)
            parents = node._parents
            input_grads = node._backward(g)
            if not retain_graph:
                node._backward, node._parents = _freed, ()
            for parent, pg in zip(parents, input_grads):
                if pg is None or not parent.requires_grad:
                    continue
                if anomaly:
                    check_finite(np.asarray(pg), node._op, "backward")
                previous = pending.get(parent)
                pending[parent] = pg if previous is None else previous + pg
    adopted: set[int] = set()
    for leaf, g in pending.items():  # only leaves are left
        if leaf._hooks:
            g = _hooks_and_retain(leaf, g)
        if leaf.grad is not None:  # the first case of _accumulate_leaf, without the call
            leaf.grad += g
        else:
            _accumulate_leaf(leaf, g, adopted)


def _accumulate_leaf(leaf, g: np.ndarray, adopted: set[int]) -> None:
    """``leaf.grad += g``, starting from ``g`` itself when that array is provably private.

    Private: it owns its memory (no view), is writeable, has the leaf's dtype
    and went to no other leaf (``a + b`` hands one array to both). Otherwise a
    copy, so that no two ``.grad`` arrays ever share memory.
    """
    if leaf.grad is not None:
        leaf.grad += g
    elif (
        type(g) is np.ndarray
        and g.base is None  # owns its memory: not a view
        and g.dtype is leaf.data.dtype
        and id(g) not in adopted
        and g.flags.writeable
    ):
        adopted.add(id(g))
        leaf.grad = g
    else:
        leaf.grad = np.array(g, dtype=leaf.data.dtype)


def _hooks_and_retain(node, g: np.ndarray) -> np.ndarray:
    if node._hooks:
        g = _apply_hooks(node, g)
        g = np.array(g)  # the hook may have kept a reference to what it saw or returned
    if node._retains_grad and node._backward is not None:
        node.grad = np.array(g) if node.grad is None else node.grad + g
    return g


def _apply_hooks(node, g: np.ndarray) -> np.ndarray:
    for hook in list(node._hooks.values()):
        replaced = hook(g)
        if replaced is not None:
            replaced = np.asarray(replaced)
            if replaced.shape != np.shape(g):
                raise ValueError(
                    f"a gradient hook returned shape {replaced.shape}; the gradient it "
                    f"replaces has shape {np.shape(g)}"
                )
            g = replaced
    return g


HookFn = Callable[[np.ndarray], "np.ndarray | None"]
