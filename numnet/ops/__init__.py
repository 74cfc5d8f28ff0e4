"""Differentiable operations on tensors, and the table that makes them Tensor methods.

Each family has its own module; every function there computes its output and
defines its backward next to it. Below, the functions become methods and
operators of :class:`numnet.Tensor`, so ``a + b`` calls ``arithmetic.add``.
"""

from numnet.ops import arithmetic, elementwise, reduction, shape
from numnet.ops.arithmetic import add, div, matmul, mul, neg, pow, sub
from numnet.ops.elementwise import abs, clip, exp, log, maximum, minimum, sqrt, where
from numnet.ops.reduction import max, mean, min, sum, var
from numnet.ops.shape import concatenate, flatten, getitem, reshape, stack, swapaxes, transpose
from numnet.tensor import Tensor

__all__ = [
    "arithmetic", "elementwise", "reduction", "shape",
    "add", "sub", "mul", "div", "neg", "pow", "matmul",
    "exp", "log", "sqrt", "abs", "clip", "maximum", "minimum", "where",
    "sum", "mean", "var", "max", "min",
    "reshape", "transpose", "swapaxes", "flatten", "getitem", "concatenate", "stack",
]  # fmt: skip


def _swap(op):
    def reflected(self, other):
        return op(other, self)

    reflected.__doc__ = op.__doc__
    return reflected


_METHODS = {
    "__add__": add,
    "__radd__": add,
    "__sub__": sub,
    "__rsub__": _swap(sub),
    "__mul__": mul,
    "__rmul__": mul,
    "__truediv__": div,
    "__rtruediv__": _swap(div),
    "__pow__": pow,
    "__rpow__": _swap(pow),
    "__matmul__": matmul,
    "__rmatmul__": _swap(matmul),
    "__neg__": neg,
    "__lt__": arithmetic.lt,
    "__le__": arithmetic.le,
    "__gt__": arithmetic.gt,
    "__ge__": arithmetic.ge,
    "__eq__": arithmetic.eq,
    "__ne__": arithmetic.ne,
    "__getitem__": getitem,
    "sum": sum,
    "mean": mean,
    "var": var,
    "max": max,
    "min": min,
    "reshape": reshape,
    "transpose": transpose,
    "swapaxes": swapaxes,
    "flatten": flatten,
    "exp": exp,
    "log": log,
    "sqrt": sqrt,
    "abs": abs,
    "__abs__": abs,
    "clip": clip,
    "maximum": maximum,
    "minimum": minimum,
}

for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(transpose, doc="The tensor with its axes reversed (transposed matrix).")
