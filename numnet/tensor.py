"""numnet.Tensor: a NumPy array that remembers how it was computed.

A ``Tensor`` wraps an ``ndarray`` (``.data``). When it has
``requires_grad=True``, every operation on it returns a new tensor that keeps
its inputs and a closure computing their gradients, so ``backward()`` can
apply the chain rule through the whole computation. Gradients are NumPy arrays
of the same shape and dtype, stored in ``.grad``.

The operations themselves (``+``, ``@``, ``sum``, ``reshape``, ``exp``...)
live in :mod:`numnet.ops`, one module per family, each op's forward and
backward side by side; :mod:`numnet.ops` binds them to this class.

As in PyTorch, ``numnet.tensor(data)`` is the factory function that copies
data into a new tensor; this module is imported as ``from numnet.tensor import Tensor``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from numnet import autograd
from numnet.autograd import mode

__all__ = ["Tensor", "as_tensor", "get_default_dtype", "set_default_dtype", "unbroadcast"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_default_dtype = np.dtype(np.float32)
_hook_keys = itertools.count()


def get_default_dtype() -> np.dtype:
    """The dtype given to tensors made from Python floats (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype for tensors made from Python floats: ``float32`` or ``float64``."""
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype not in _FLOATS:
        raise TypeError(f"default dtype must be float32 or float64, got {dtype}")
    _default_dtype = dtype


def _check_dtype(dtype: np.dtype) -> np.dtype:
    if dtype in _FLOATS or dtype.kind in "iub":
        return dtype
    raise TypeError(
        f"unsupported dtype {dtype}: numnet tensors are float32, float64, integer or bool"
    )


def _to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Turn ``data`` into an ndarray of a supported dtype, copying only when needed."""
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, np.generic):  # a NumPy scalar keeps its dtype
        array = np.asarray(data)
    else:
        try:
            array = np.array(data)
        except ValueError as error:
            raise ValueError(
                f"cannot make a tensor from a ragged nested sequence: {error}"
            ) from None
        if array.dtype.kind in "USO":
            raise TypeError(
                f"cannot make a tensor from {type(data).__name__} with elements of mixed or "
                f"non-numeric types (NumPy made dtype {array.dtype}); expected numbers or bools"
            )
        if array.dtype.kind == "f" and dtype is None:
            array = array.astype(_default_dtype, copy=False)
    if dtype is not None:
        array = array.astype(_check_dtype(np.dtype(dtype)), copy=False)
    else:
        _check_dtype(array.dtype)
    return array


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    Parameters
    ----------
    data : array_like or Tensor
        Numbers: a scalar, a (nested) list, or an ndarray. An ndarray of a
        supported dtype is used as it is, not copied. Python floats become the
        default dtype (float32, see :func:`set_default_dtype`), Python ints
        int64, bools bool.
    requires_grad : bool
        Record operations on this tensor so that ``backward()`` fills ``.grad``.
        Only floating-point tensors can require gradients.
    dtype : dtype, optional
        float32, float64, an integer type, or bool.

    Attributes
    ----------
    data : ndarray
        The values.
    grad : ndarray or None
        dL/d(this tensor) after ``backward()``: same shape and dtype as ``data``.
        Kept on leaves (tensors you created) and on tensors that called
        ``retain_grad()``.

    Examples
    --------
    >>> import numnet
    >>> x = numnet.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    array([[2., 4.],
           [6., 8.]], dtype=float32)
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "_parents",
        "_backward",
        "_op",
        "_retains_grad",
        "_hooks",
    )
    __array_priority__ = 1000  # ``ndarray + Tensor`` defers to Tensor.__radd__

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        self.data = _to_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}"
            )
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Callable | None = None
        self._op = ""
        self._retains_grad = False
        self._hooks: dict | None = None

    # ------------------------------------------------------------------ basics
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an operation that records grad."""
        return self._backward is None

    @property
    def op(self) -> str:
        """Name of the operation that produced this tensor ('' for leaves)."""
        return self._op

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    # In-place arithmetic changes ``.data`` and keeps the tensor (a parameter stays a
    # leaf that requires grad): the hand-written update ``w -= lr * w.grad`` under
    # ``no_grad()``. On a tensor the graph is recording it is refused, as in PyTorch,
    # since the graph may have saved the old values.
    def _in_place(self, other: Any, ufunc: np.ufunc, symbol: str) -> Tensor:
        if mode.grad_enabled and self.requires_grad:
            raise RuntimeError(
                f"in-place {symbol} on a tensor that requires grad while grad is recorded; "
                f"update parameters inside `with numnet.no_grad():` (or change .data)"
            )
        value = other.data if isinstance(other, Tensor) else other
        try:
            ufunc(self.data, value, out=self.data, casting="same_kind")
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"in-place {symbol}: cannot apply a value of shape {np.shape(value)} to a tensor "
                f"of shape {self.shape} and dtype {self.dtype} ({error})"
            ) from None
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._in_place(other, np.add, "+=")

    def __isub__(self, other: Any) -> Tensor:
        return self._in_place(other, np.subtract, "-=")

    def __imul__(self, other: Any) -> Tensor:
        return self._in_place(other, np.multiply, "*=")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._in_place(other, np.true_divide, "/=")

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                "use .any() or .all() on .data"
            )
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extras = []
        if self.data.dtype != _default_dtype:
            extras.append(f"dtype={self.data.dtype}")
        if self._op:
            extras.append(f"op={self._op}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    __hash__ = object.__hash__  # defining __eq__ (elementwise) would otherwise remove it

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)`` gives the data (no graph), so plotting and NumPy functions work."""
        if copy:
            return np.array(self.data, dtype=dtype)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A tensor sharing the same data, cut from the graph (no grad)."""
        return Tensor(self.data)

    def astype(self, dtype: Any) -> Tensor:
        """Cast to ``dtype``; differentiable between float dtypes."""
        dtype = _check_dtype(np.dtype(dtype))
        source = self.data.dtype

        def backward(g):
            return (g.astype(source),)

        return _result(
            self.data.astype(dtype), (self,) if dtype.kind == "f" else (), backward, "astype"
        )

    def float(self) -> Tensor:
        return self.astype(np.float32)

    def double(self) -> Tensor:
        return self.astype(np.float64)

    # --------------------------------------------------------------- autograd
    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad.

        Parameters
        ----------
        grad : array_like, optional
            dL/d(self). May be omitted only for a one-element tensor (then it is 1).
        retain_graph : bool
            Keep the graph so that ``backward()`` can run through it again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of the "
                "computation had requires_grad=True (or it ran under no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without grad needs a one-element tensor, this one has shape "
                    f"{self.shape}; reduce it first (.sum(), .mean()) or pass grad=an array of "
                    f"shape {self.shape}"
                )
            grad = np.array(1, dtype=self.data.dtype).reshape(self.data.shape)
        else:
            if type(grad) is np.ndarray and grad.dtype == self.data.dtype:
                grad = grad.copy()  # the common case, without the conversions below
            else:
                grad = np.array(_to_array(grad, dtype=self.data.dtype), dtype=self.data.dtype)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward(grad=...) got grad of shape {grad.shape} for a tensor of shape "
                    f"{self.shape}; they must be equal"
                )
        autograd.run_backward(self, grad, retain_graph)

    def explain(self, grad: Any = None, **kwargs: Any) -> str:
        """Run backward and print the graph node by node; see :func:`numnet.explain`."""
        from numnet.explain import explain

        return explain(self, grad, **kwargs)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after ``backward()``."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retains_grad = True

    def register_hook(self, hook: autograd.HookFn) -> autograd.RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook gets the total gradient (an ndarray) before it is passed on or
        accumulated; if it returns an array, that replaces the gradient.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook() on a tensor that does not require grad")
        if self._hooks is None:
            self._hooks = {}
        key = next(_hook_keys)
        self._hooks[key] = hook
        return autograd.RemovableHandle(self._hooks, key)

    def zero_grad(self) -> None:
        """Drop the accumulated gradient (``.grad = None``)."""
        self.grad = None


def _result(data: np.ndarray, parents: tuple, backward: Callable, op: str) -> Tensor:
    """The output tensor of an operation; records the graph if any input requires grad.

    This is the one place every operation passes through, so it is kept lean:
    no validation, one check of the grad mode, one of anomaly mode.
    """
    if type(data) is not np.ndarray:  # NumPy returns scalars for 0-d results
        data = np.asarray(data)
    out = Tensor.__new__(Tensor)
    out.data = data
    out.grad = None
    out._op = op
    out._retains_grad = False
    out._hooks = None
    if mode.grad_enabled:
        for parent in parents:
            if parent.requires_grad:
                out.requires_grad = True
                out._parents = parents
                out._backward = backward
                break
        else:
            out.requires_grad, out._parents, out._backward = False, (), None
    else:
        out.requires_grad, out._parents, out._backward = False, (), None
    if mode.anomaly:
        autograd.check_finite(data, op, "forward")
    return out


def _constant(value: Any, like: Tensor | None = None) -> Tensor:
    """Wrap a non-tensor operand; a Python number takes ``like``'s float dtype."""
    if isinstance(value, (int, float)) and like is not None and like.data.dtype.kind == "f":
        array = np.asarray(value, dtype=like.data.dtype)
    else:
        array = _to_array(value)
    out = Tensor.__new__(Tensor)
    out.data = array
    out.grad = None
    out.requires_grad = False
    out._parents, out._backward, out._op = (), None, ""
    out._retains_grad, out._hooks = False, None
    return out


def as_tensor(value: Any) -> Tensor:
    """``value`` itself if it is a Tensor, otherwise a constant tensor holding it."""
    return value if isinstance(value, Tensor) else _constant(value)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` back to ``shape``, undoing NumPy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of
    size 1; the chain rule adds the gradients of all those copies.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return np.asarray(grad.sum(axis=axes)).reshape(shape)
