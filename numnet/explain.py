"""Explain a backward pass: every node of a small graph, its value, its gradient, the chain rule.

Seed 003 walks backpropagation by hand on a chain of three neurons: the
derivative of the loss with respect to a node is the sum, over the nodes that
use it, of the derivative with respect to that user times the local
derivative,

    dL/d#k = Σ over children c of #k:  dL/d#c · ∂#c/∂#k,

computed from the output back to the inputs. :func:`explain` prints exactly
that for any small numnet graph: the nodes in topological order (inputs
first) with their operation, parents, shape, value and gradient, then the
chain-rule step of every node in the order backward visits them, written
with the node numbers and, for the common operations, the local derivative
(``∂ tanh(u)/∂u = 1 − tanh²``, ``∂(A @ B)/∂A = ·Bᵀ``, ...).

:func:`trace` returns the same information as data (a list of
:class:`TraceNode`), for tests and notebooks.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TextIO

import numpy as np

from numnet import autograd
from numnet.tensor import Tensor

__all__ = ["explain", "trace", "TraceNode"]


@dataclass(frozen=True)
class TraceNode:
    """One node of a traced graph.

    Attributes
    ----------
    index : int
        Position in topological order (inputs first), printed as ``#index``.
    op : str
        The operation that made the tensor (``"matmul"``, ``"tanh"``, ...); ``""`` for a leaf.
    name : str
        The name given in ``names=`` (``""`` if none).
    parents : tuple of int
        Indices of the operation's inputs, in argument order.
    children : tuple of int
        Indices of the nodes that use this one (a node used twice appears twice).
    tensor : Tensor
        The node itself.
    grad : ndarray or None
        dL/d(node) of this backward pass; ``None`` for a node no gradient reaches
        (a constant, or a tensor that does not require grad).
    """

    index: int
    op: str
    name: str
    parents: tuple[int, ...]
    children: tuple[int, ...]
    tensor: Tensor
    grad: np.ndarray | None

    @property
    def value(self) -> np.ndarray:
        """The node's forward value."""
        return self.tensor.data

    @property
    def label(self) -> str:
        """``name`` if given, else the op, else ``leaf`` / ``const``."""
        if self.name:
            return self.name
        if self.op:
            return self.op
        return "leaf" if self.tensor.requires_grad else "const"


def trace(
    output: Tensor,
    grad: Any = None,
    *,
    names: Mapping[str, Tensor] | Any = None,
) -> list[TraceNode]:
    """Run ``output``'s backward pass and record every node's value and gradient.

    The backward pass is run here, by ``output.backward(grad)``: call this (or
    :func:`explain`) *instead of* ``output.backward()``. As with ``backward``,
    the gradients of leaves accumulate into their ``.grad`` (starting from
    ``None``, each leaf's ``.grad`` equals the recorded gradient afterwards).
    An earlier ``backward()`` without ``retain_graph=True`` has freed the graph,
    which is then an error.

    Parameters
    ----------
    output : Tensor
        The result to differentiate, usually a scalar loss; it must require grad.
    grad : array_like, optional
        dL/d(output); may be omitted only when ``output`` has one element.
    names : mapping of str to Tensor, or a Module, optional
        Labels for tensors of the graph (``{"x": x, "w1": w1}``); a Module
        labels its parameters with their ``named_parameters()`` names.

    Returns
    -------
    list of TraceNode
        Every tensor the output depends on, inputs first.

    Raises
    ------
    TypeError
        ``output`` is not a Tensor.
    RuntimeError
        ``output`` does not require grad, or its graph was freed by an earlier backward.
    ValueError
        ``output`` has more than one element and no ``grad`` was given.

    Examples
    --------
    >>> import numnet
    >>> w = numnet.Tensor([2.0], requires_grad=True)
    >>> nodes = trace((w * w).sum(), names={"w": w})
    >>> [(n.label, n.parents) for n in nodes]
    [('w', ()), ('mul', (0, 0)), ('sum', (1,))]
    >>> nodes[0].grad.tolist(), w.grad.tolist()
    ([4.0], [4.0])
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"explain: expected a numnet Tensor, got {type(output).__name__}")
    if not output.requires_grad:
        raise RuntimeError(
            "explain: the output does not require grad, so there is no backward pass to "
            "explain; make a leaf with requires_grad=True and compute from it"
        )
    if output._backward is autograd._freed:
        raise RuntimeError(
            "explain: the graph of this tensor was freed by an earlier backward(); call "
            "explain(loss) instead of loss.backward(), or loss.backward(retain_graph=True) first"
        )
    if grad is None and output.size != 1:
        raise ValueError(
            f"explain: the output has shape {output.shape}, so dL/d(output) is not implied; "
            f"reduce it to a scalar loss (.sum(), .mean()) or pass grad=an array of shape "
            f"{output.shape}"
        )
    order = _inputs_first(output)
    index = {id(node): i for i, node in enumerate(order)}
    labels = _labels(names)
    # read before backward(), which frees each node's link to its inputs
    parents = [tuple(index[id(p)] for p in node._parents) for node in order]
    ops = [node._op if node._parents else "" for node in order]
    children: dict[int, list[int]] = {i: [] for i in range(len(order))}
    for i, inputs in enumerate(parents):
        for p in inputs:
            children[p].append(i)

    recorded: dict[int, np.ndarray] = {}
    handles = []
    for i, node in enumerate(order):
        if node.requires_grad:
            handles.append(node.register_hook(_recorder(recorded, i)))
    try:
        output.backward(grad)
    finally:
        for handle in handles:
            handle.remove()

    return [
        TraceNode(
            index=i,
            op=ops[i],
            name=labels.get(id(node), ""),
            parents=parents[i],
            children=tuple(children[i]),
            tensor=node,
            grad=recorded.get(i),
        )
        for i, node in enumerate(order)
    ]


def explain(
    output: Tensor,
    grad: Any = None,
    *,
    names: Mapping[str, Tensor] | Any = None,
    file: TextIO | Literal[False] | None = None,
    precision: int = 4,
    max_elements: int = 12,
) -> str:
    """Run the backward pass of ``output`` and print it node by node, as seed 003 walks it.

    First every node in topological order (inputs first): ``#index``, its op
    (or its name from ``names``, or ``leaf``/``const``), its parents' indices,
    shape, value and gradient dL/d(node). Then the chain rule for every node
    that gets a gradient, output first::

        dL/d#k = Σ_c dL/d#c · ∂#c/∂#k  =  (the same with the op's local derivative)

    The backward pass is run here (see :func:`trace`): call ``explain(loss)``
    instead of ``loss.backward()``; afterwards the leaves' ``.grad`` hold the
    printed gradients (accumulated, as ``backward`` does).

    Parameters
    ----------
    output : Tensor
        Usually a scalar loss; it must require grad.
    grad : array_like, optional
        dL/d(output), needed when ``output`` has more than one element.
    names : mapping of str to Tensor, or a Module, optional
        Labels for tensors (``{"x": x, "w1": w1}``), or a Module for its parameters.
    file : text stream, False or None
        Where to print (``None``: standard output; ``False``: print nothing).
    precision : int
        Digits after the decimal point.
    max_elements : int
        Arrays with more elements are summarized (shape, mean, min, max, norm).

    Returns
    -------
    str
        The printed text.

    Examples
    --------
    >>> import numnet
    >>> import numnet.functional as F
    >>> w = numnet.Tensor([0.5], requires_grad=True)
    >>> text = explain(F.tanh(w).sum(), names={"w": w}, file=False)
    >>> print(text.splitlines()[-1])
      dL/d#0 = dL/d#1 · ∂#1/∂#0  =  dL/d#1 ⊙ (1 − #1²)
    >>> round(float(w.grad[0]), 4)
    0.7864
    """
    if not isinstance(precision, (int, np.integer)) or precision < 0:
        raise ValueError(f"explain: precision must be a non-negative integer, got {precision!r}")
    if not isinstance(max_elements, (int, np.integer)) or max_elements < 1:
        raise ValueError(f"explain: max_elements must be a positive integer, got {max_elements!r}")
    nodes = trace(output, grad, names=names)
    text = _format(nodes, int(precision), int(max_elements))
    if file is not False:
        print(text, file=sys.stdout if file is None else file)
    return text


# ------------------------------------------------------------------ the graph
def _inputs_first(root: Tensor) -> list[Tensor]:
    """Every tensor ``root`` depends on, each after its inputs (iterative post-order DFS)."""
    order: list[Tensor] = []
    seen: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        # reversed, so the first argument is numbered first
        for parent in reversed(node._parents):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


def _labels(names: Any) -> dict[int, str]:
    if names is None:
        return {}
    if hasattr(names, "named_parameters"):
        names = dict(names.named_parameters())
    if not isinstance(names, Mapping):
        raise TypeError(
            f"explain: names must be a mapping of str to Tensor or a Module, "
            f"got {type(names).__name__}"
        )
    labels = {}
    for name, tensor in names.items():
        if not isinstance(tensor, Tensor):
            raise TypeError(
                f"explain: names[{name!r}] must be a Tensor, got {type(tensor).__name__}"
            )
        labels[id(tensor)] = str(name)
    return labels


def _recorder(recorded: dict[int, np.ndarray], i: int):
    def hook(g: np.ndarray) -> None:
        g = np.array(g)
        recorded[i] = g if i not in recorded else recorded[i] + g

    return hook


# ------------------------------------------------------------------ the text
def _format(nodes: list[TraceNode], precision: int, max_elements: int) -> str:
    width = max(len(n.label) for n in nodes)
    lines = [
        f"Forward graph, inputs first ({len(nodes)} nodes); grad = dL/d(node) of this backward pass"
    ]
    for n in nodes:
        inputs = f"({', '.join(f'#{p}' for p in n.parents)})" if n.parents else ""
        head = f"#{n.index:<3} {n.label:<{width}} {inputs:<12} shape {n.value.shape}"
        if n.name and n.op:
            head += f"  [{n.op}]"
        lines.append(head)
        lines.extend(_array_lines("value", n.value, precision, max_elements))
        if n.grad is not None:
            lines.extend(_array_lines("grad ", n.grad, precision, max_elements))
        elif n.tensor.requires_grad:
            lines.append("      grad  (no gradient reached it)")
    lines.append("")
    lines.append("Backward: dL/d#k = Σ over children c of #k: dL/d#c · ∂#c/∂#k  (output first)")
    by_index = {n.index: n for n in nodes}
    root = nodes[-1]
    for n in reversed(nodes):
        if n.grad is None:
            continue
        if n is root:
            lines.append(f"  dL/d#{n.index} = 1 (the output: where backward starts)")
            continue
        used = [c for c in dict.fromkeys(n.children) if by_index[c].grad is not None]
        generic = " + ".join(f"dL/d#{c} · ∂#{c}/∂#{n.index}" for c in used)
        local = _join([_local(by_index[c], n) for c in used])
        step = f"  dL/d#{n.index} = {generic}"
        if local != generic:
            step += f"  =  {local}"
        lines.append(step)
    return "\n".join(lines)


def _join(terms: list[str]) -> str:
    text = terms[0]
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("−") else f" + {term}"
    return text


def _array_lines(tag: str, array: np.ndarray, precision: int, max_elements: int) -> list[str]:
    array = np.asarray(array)
    if array.dtype.kind == "f":
        array = array + 0.0  # −0.0 would print as "-0."
    if array.size > max_elements:
        data = array.astype(np.float64)
        return [
            f"      {tag} mean {data.mean():.{precision}g}, min {data.min():.{precision}g}, "
            f"max {data.max():.{precision}g}, ‖·‖ {np.linalg.norm(data):.{precision}g}"
        ]
    text = np.array2string(
        array, precision=precision, suppress_small=True, floatmode="maxprec", max_line_width=90
    )
    rows = text.splitlines()
    return [f"      {tag} {rows[0]}"] + [f"            {row}" for row in rows[1:]]


def _local(child: TraceNode, node: TraceNode) -> str:
    """dL/d#c · ∂#c/∂#k written with the local derivative of the child's op, where known."""
    c, k, g = child.index, node.index, f"dL/d#{child.index}"
    positions = [i for i, p in enumerate(child.parents) if p == k]
    others = [p for p in child.parents if p != k]
    op = child.op
    folded = child.value.shape != node.value.shape and op in _ELEMENTWISE
    if op == "add":
        term = g
    elif op == "sub":
        term = g if positions == [0] else (f"−{g}" if positions == [1] else "0")
    elif op == "mul":
        term = f"{g} ⊙ 2#{k}" if len(positions) == 2 else f"{g} ⊙ #{others[0]}"
    elif op == "div":
        term = f"{g} / #{others[0]}" if positions == [0] else f"−{g} ⊙ #{c} / #{k}"
    elif op == "neg":
        term = f"−{g}"
    elif op == "matmul" and len(positions) == 1:
        if positions == [0]:
            term = f"{g} @ #{child.parents[1]}ᵀ"
        else:
            term = f"#{child.parents[0]}ᵀ @ {g}"
    elif op in _UNARY:
        term = _UNARY[op].format(g=g, c=c, k=k, n=max(1, node.value.size // child.value.size))
    else:
        return f"{g} · ∂#{c}/∂#{k}"
    return f"Σ↓({term})" if folded else term


# Local derivatives of one-input ops, with g = dL/d(child), c the child, k the input.
_UNARY = {
    "tanh": "{g} ⊙ (1 − #{c}²)",
    "sigmoid": "{g} ⊙ #{c}(1 − #{c})",
    "relu": "{g} ⊙ [#{k} ≥ 0]",
    "exp": "{g} ⊙ #{c}",
    "log": "{g} / #{k}",
    "sqrt": "{g} / (2#{c})",
    "transpose": "({g})ᵀ",
    "reshape": "reshape({g})",
    "sum": "broadcast({g})",
    "mean": "broadcast({g}) / {n}",
    "astype": "{g}",
    "arctan": "{g} / (1 + #{k}²)",
    "softplus": "{g} ⊙ σ(#{k})",
}
_ELEMENTWISE = {"add", "sub", "mul", "div"}
