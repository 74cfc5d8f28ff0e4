"""Module: the base class of every layer, loss and network.

A module owns parameters (:class:`Parameter`), buffers (arrays that are state
but not learned, such as batch norm's running mean) and child modules, all
registered by assigning them as attributes. It knows whether it is training
and can save and restore its state as a flat ``{name: ndarray}`` dict.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from numnet.nn.parameter import Parameter
from numnet.tensor import get_default_dtype

__all__ = ["Module", "IncompatibleKeys"]

# Every built-in module class by name, so numnet.load can rebuild an architecture.
BUILTIN_MODULES: dict[str, type[Module]] = {}


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class for layers and networks: subclasses define ``forward``.

    Assign parameters and submodules as attributes in ``__init__`` (after
    calling ``super().__init__()``); they are registered in assignment order.

    Examples
    --------
    >>> import numnet
    >>> import numnet.functional as F
    >>> from numnet import nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(2, 3, rng=0)
    ...         self.out = nn.Linear(3, 1, rng=1)
    ...
    ...     def forward(self, x):
    ...         return self.out(F.tanh(self.hidden(x)))
    >>> model = TwoLayer()
    >>> [name for name, _ in model.named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    >>> model(numnet.zeros((4, 2))).shape
    (4, 1)
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("numnet.nn.") and not cls.__name__.startswith("_"):
            BUILTIN_MODULES[cls.__name__] = cls

    # --------------------------------------------------------------- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ---------------------------------------------------------- registration
    def __setattr__(self, name: str, value: Any) -> None:
        # Attributes stay ordinary instance attributes (fast to read in forward);
        # the registries only remember which names are parameters, buffers and children.
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__(): call super().__init__() first"
            )
        if name in self._buffers and (value is None or isinstance(value, np.ndarray)):
            self._buffers[name] = value  # a buffer stays one when its array is replaced
        else:
            kind = (
                self._parameters
                if isinstance(value, Parameter)
                else self._modules
                if isinstance(value, Module)
                else None
            )
            for registry in (self._parameters, self._buffers, self._modules):
                if registry is not kind:
                    registry.pop(name, None)
            if kind is not None:
                kind[name] = value  # a replaced entry keeps its place (Sequential's order)
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Reached only when ordinary lookup fails, so it costs nothing in forward.
        if name in ("_parameters", "_buffers", "_modules", "training"):
            raise AttributeError(
                f"{type(self).__name__} has no {name!r}: its __init__ must call "
                "super().__init__() before anything else"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, value: np.ndarray | None) -> None:
        """Register an array that is state but not learned (saved in ``state_dict``)."""
        if value is not None and not isinstance(value, np.ndarray):
            raise TypeError(f"buffer {name!r} must be a NumPy array or None, got {type(value)}")
        self.__setattr__(name, value)
        self._buffers[name] = value

    def register_parameter(self, name: str, value: Parameter | None) -> None:
        """Register a parameter (or ``None``, which keeps the name with no value)."""
        if value is not None and not isinstance(value, Parameter):
            raise TypeError(f"{name!r} must be a Parameter or None, got {type(value).__name__}")
        self.__setattr__(name, value)
        self._parameters[name] = value

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{name!r} must be a Module, got {type(module).__name__}")
        self.__setattr__(name, module)
        self._modules[name] = module

    # ------------------------------------------------------------- traversal
    def _walk(self) -> list[tuple[str, Module]]:
        """(dotted name, module) for this module and all below, depth first, each once."""
        found: list[tuple[str, Module]] = []
        seen: set[int] = set()

        def visit(name: str, module: Module) -> None:
            if id(module) in seen:
                return
            seen.add(id(module))
            found.append((name, module))
            for child_name, child in module._modules.items():
                if child is not None:
                    visit(f"{name}.{child_name}" if name else child_name, child)

        visit("", self)
        return found

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and all below it, depth first, each once, with dotted names."""
        for name, module in self._walk():
            yield (f"{prefix}.{name}" if prefix and name else prefix or name), module

    def modules(self) -> Iterator[Module]:
        for _, module in self._walk():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)`` pairs; a parameter shared by two layers appears once."""
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        seen: set[int] = set()
        for module_name, module in modules:
            for name, parameter in module._parameters.items():
                if parameter is None or id(parameter) in seen:
                    continue
                seen.add(id(parameter))
                yield (f"{module_name}.{name}" if module_name else name), parameter

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once, in registration order (what an optimizer takes)."""
        return iter(
            self._parameter_list()
            if recurse
            else [p for p in self._parameters.values() if p is not None]
        )

    def _parameter_list(self) -> list[Parameter]:
        found: list[Parameter] = []
        seen: set[int] = set()
        for _, module in self._walk():
            for parameter in module._parameters.values():
                if parameter is not None and id(parameter) not in seen:
                    seen.add(id(parameter))
                    found.append(parameter)
        return found

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for module_name, module in self.named_modules(prefix):
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    yield (f"{module_name}.{name}" if module_name else name), buffer

    def buffers(self) -> Iterator[np.ndarray]:
        for _, buffer in self.named_buffers():
            yield buffer

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule and then on this module, each once.

        Children come before their parent and in registration order, as in
        PyTorch, so an ``fn`` drawing from one ``Generator`` initializes the
        layers first to last.
        """
        seen: set[int] = set()

        def visit(module: Module) -> None:
            seen.add(id(module))
            for child in module.children():
                if id(child) not in seen:
                    visit(child)
            fn(module)

        visit(self)
        return self

    # ------------------------------------------------------------------ mode
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout drops, batch norm uses batch statistics)."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Set prediction mode; the same as ``train(False)``."""
        return self.train(False)

    @contextlib.contextmanager
    def training_mode(self, mode: bool) -> Iterator[Module]:
        """Run a block in training (True) or prediction (False) mode, then restore every module.

        Each submodule gets back the mode it had, so predicting in the middle
        of training (a validation pass, a plot) changes nothing.

        >>> from numnet import nn
        >>> model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Dropout(0.5))
        >>> with model.training_mode(False):
        ...     model[1].training
        False
        >>> model[1].training
        True
        """
        modes = [(module, module.training) for module in self.modules()]
        self.train(mode)
        try:
            yield self
        finally:
            for module, training in modes:
                object.__setattr__(module, "training", training)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (``None``, or zeros in place)."""
        for parameter in self._parameter_list():
            if set_to_none or parameter.grad is None:
                parameter.grad = None
            else:
                parameter.grad[...] = 0

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (``False``) or unfreeze every parameter."""
        for parameter in self.parameters():
            parameter.requires_grad = requires_grad
        return self

    def astype(self, dtype: Any) -> Module:
        """Convert every floating-point parameter and buffer to ``dtype``, in place."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"astype needs a floating-point dtype, got {dtype}")
        for parameter in self.parameters():
            parameter.data = parameter.data.astype(dtype)
            parameter.grad = None
        for module in self.modules():
            for name, buffer in module._buffers.items():
                if buffer is not None and buffer.dtype.kind == "f":
                    module.register_buffer(name, buffer.astype(dtype))
        return self

    def double(self) -> Module:
        return self.astype(np.float64)

    def float(self) -> Module:
        return self.astype(np.float32)

    # ----------------------------------------------------------------- state
    def state_dict(self) -> dict[str, np.ndarray]:
        """Every parameter and buffer by dotted name, as copies.

        Copies, so that a state kept aside (the best weights so far) does not
        change as training goes on.
        """
        return {name: array.copy() for name, array in self._named_state()}

    def _named_state(self) -> Iterator[tuple[str, np.ndarray]]:
        """``(dotted name, array)`` of each parameter and buffer, module by module.

        Each module's parameters, then its buffers (PyTorch's key order); a
        parameter shared by two modules appears once, under its first name, as
        in ``named_parameters()``, so ``state_dict`` and ``load_state_dict`` agree.
        """
        seen: set[int] = set()
        for module_name, module in self.named_modules():
            prefix = f"{module_name}." if module_name else ""
            for name, parameter in module._parameters.items():
                if parameter is not None and id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield prefix + name, parameter.data
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    yield prefix + name, buffer

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values into the parameters and buffers of the same names, in place.

        Shapes must match exactly; values are cast to each parameter's dtype.
        With ``strict=True`` (default) a missing or unexpected name is an error
        listing them all; otherwise the unmatched names are returned.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"state_dict must be a mapping of name to array, got {type(state_dict)}"
            )
        targets = dict(self._named_state())
        missing = [name for name in targets if name not in state_dict]
        unexpected = [name for name in state_dict if name not in targets]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict into {type(self).__name__}: missing keys {missing}, "
                f"unexpected keys {unexpected}"
            )
        problems = []
        arrays = {}
        for full, current in targets.items():
            if full not in state_dict:
                continue
            value = np.asarray(state_dict[full])
            if value.shape != current.shape:
                problems.append(
                    f"{full}: shape {value.shape} in the state, {current.shape} in the model"
                )
            arrays[full] = (current, value)
        if problems:
            raise ValueError("load_state_dict: size mismatch for " + "; ".join(problems))
        for current, value in arrays.values():
            current[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ describing
    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of ``repr``."""
        return ""

    def __repr__(self) -> str:
        # PyTorch's layout: a one-line extra_repr of a leaf stays inline, otherwise
        # the extra lines and then the children go one per line, indented by two.
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self._modules.items()
        ]
        if len(extra_lines) == 1 and not child_lines:
            return f"{type(self).__name__}({extra})"
        if not extra_lines and not child_lines:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(\n  " + "\n  ".join(extra_lines + child_lines) + "\n)"

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module (JSON values), for ``numnet.save``.

        Built-in modules define it; a custom module saved with ``numnet.save``
        can only be loaded back through ``load_state_dict``.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not describe its architecture (no get_config); "
            "save and restore it with state_dict() and load_state_dict()"
        )


def default_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as a float dtype, or numnet's default when ``None``."""
    if dtype is None:
        return get_default_dtype()
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"a layer's dtype must be float32 or float64, got {dtype}")
    return dtype


def float_dtype(module: Module) -> str:
    """The dtype of a module's floating-point state, for its config (numnet's default if none)."""
    arrays = [p.data for p in module.parameters()] + list(module.buffers())
    for array in arrays:
        if array.dtype.kind == "f":
            return str(array.dtype)
    return str(get_default_dtype())
