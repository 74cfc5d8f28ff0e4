"""Containers: ``Sequential`` (a chain of modules) and ``ModuleList``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from numnet.nn.activation import ArcTan, Identity, ReLU, Sigmoid, Softplus, Tanh
from numnet.nn.linear import Linear
from numnet.nn.module import Module
from numnet.tensor import Tensor

__all__ = ["Sequential", "ModuleList"]

# Exactly these classes: F.dense computes their function itself, so a subclass
# that overrides forward must run on its own.
_FUSABLE = (Identity, Sigmoid, Tanh, ArcTan, ReLU, Softplus)


class _Indexed(Module):
    """Children named "0", "1", ... that read like a list."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for module in modules:
            self.append(module)

    def _index(self, index: int) -> int:
        n = len(self._modules)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for {type(self).__name__} of {n}")
        return index % n

    def _items(self) -> list[Module]:
        return list(self._modules.values())

    def _reset(self, modules: list[Module]) -> None:
        for name in list(self._modules):
            delattr(self, name)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._items())

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return type(self)(self._items()[index])
        return self._items()[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(self._index(index)), module)

    def __delitem__(self, index: int | slice) -> None:
        items = self._items()
        del items[index if isinstance(index, slice) else self._index(index)]
        self._reset(items)

    def _check(self, module: Any) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__} holds Modules, got {type(module).__name__}")

    def append(self, module: Module) -> _Indexed:
        """Add ``module`` at the end."""
        self._check(module)
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> _Indexed:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        self._check(module)  # before _reset, which empties the container first
        items = self._items()
        items.insert(index, module)
        self._reset(items)

    def get_config(self) -> dict[str, Any]:
        return {}


class Sequential(_Indexed):
    """Modules applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    A ``Linear`` followed by ``Identity``, ``Sigmoid``, ``Tanh``, ``ArcTan``,
    ``ReLU`` or ``Softplus()`` runs as one fused node (``F.dense``): the same
    numbers, one graph node fewer.

    Examples
    --------
    >>> import numnet
    >>> from numnet import nn
    >>> model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 1, rng=1))
    >>> len(model), type(model[1]).__name__
    (3, 'Tanh')
    >>> model(numnet.zeros((5, 2))).shape
    (5, 1)
    >>> model
    Sequential(
      (0): Linear(in_features=2, out_features=8, bias=True)
      (1): Tanh()
      (2): Linear(in_features=8, out_features=1, bias=True)
    )
    """

    def __init__(self, *modules: Module) -> None:
        object.__setattr__(self, "_plan", None)
        super().__init__(modules)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, "_plan", None)  # children may have changed
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        object.__setattr__(self, "_plan", None)
        super().__delattr__(name)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return type(self)(*self._items()[index])
        return super().__getitem__(index)

    def _make_plan(self) -> list[tuple[Module, Module | None]]:
        """Each step as (module, the activation to fuse into it, or None)."""
        plan: list[tuple[Module, Module | None]] = []
        items = self._items()
        i = 0
        while i < len(items):
            module = items[i]
            following = items[i + 1] if i + 1 < len(items) else None
            if type(module) is Linear and type(following) in _FUSABLE:
                plan.append((module, following))
                i += 2
            else:
                plan.append((module, None))
                i += 1
        object.__setattr__(self, "_plan", plan)
        return plan

    def forward(self, x: Any) -> Tensor:
        plan = self._plan if self._plan is not None else self._make_plan()
        for module, activation in plan:
            if activation is None:
                x = module(x)
                continue
            # Read at each call: an attribute such as Softplus.beta may have changed.
            fused = activation.fused
            x = module(x, fused) if fused is not None else activation(module(x))
        return x


class ModuleList(_Indexed):
    """A list of modules whose parameters the parent module sees.

    >>> from numnet import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2, rng=i) for i in range(3)])
    >>> len(list(layers.parameters()))
    6
    """

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward: iterate over it in your own")
