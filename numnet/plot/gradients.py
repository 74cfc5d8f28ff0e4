"""Gradient norms by parameter: :func:`gradient_norms`, :func:`plot_gradient_norms`."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from numnet.nn.module import Module
from numnet.plot._figures import _figure_and_axes, _finish


# ------------------------------------------------------------ gradient norms
def gradient_norms(model: Module) -> dict[str, float]:
    """The L2 norm of each parameter's gradient, by dotted parameter name.

    ``‖∂L/∂θ‖₂ = sqrt(Σᵢ (∂L/∂θᵢ)²)`` over all entries of the parameter (the
    Frobenius norm of a weight matrix), read from ``.grad`` after a backward
    pass. Frozen parameters and those without a gradient are left out. Comparing
    the first layers with the last shows vanishing or exploding gradients.

    Parameters
    ----------
    model : Module

    Returns
    -------
    dict of str to float
        In ``named_parameters()`` order.

    Raises
    ------
    ValueError
        No parameter has a gradient (``backward()`` not called yet).

    Examples
    --------
    >>> import numnet
    >>> from numnet import nn
    >>> model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1))
    >>> model(numnet.ones((4, 2))).sum().backward()
    >>> list(gradient_norms(model))
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """
    if not isinstance(model, Module):
        raise TypeError(f"gradient_norms needs a numnet Module, got {type(model).__name__}")
    norms = {
        name: float(np.linalg.norm(np.asarray(parameter.grad, dtype=np.float64).ravel()))
        for name, parameter in model.named_parameters()
        if parameter.grad is not None
    }
    if not norms:
        raise ValueError(
            f"no parameter of this {type(model).__name__} has a gradient: "
            "call loss.backward() before gradient_norms"
        )
    return norms


def plot_gradient_norms(
    norms_or_model: Mapping[str, float] | Module,
    path: str | os.PathLike | None = None,
    log: bool = True,
    *,
    ax: Axes | None = None,
    title: str | None = "gradient L2 norm per layer",
    label: str | None = None,
    dpi: int = 120,
) -> Figure:
    """Gradient norm per layer: the vanishing/exploding-gradient picture.

    Parameter names ``"<layer>.<kind>"`` (``"4.weight"``) are grouped by layer
    (everything before the last dot), layers numbered 0, 1, ... from the input
    side in order of appearance. Each kind (weight, bias, ...) is one line with
    markers over the layer index, on a log y-axis by default, so a 100-layer
    tanh network's decay over orders of magnitude reads as a straight slope.
    Zero norms cannot sit on a log axis; they are left out and counted in the
    legend. With at most 16 layers each x tick also names its module.

    To compare networks, call it once per network on the same ``ax`` with a
    ``label`` each: the lines overlay, each named in one legend.

    Parameters
    ----------
    norms_or_model : dict of str to float, or Module
        Norms from :func:`gradient_norms`, or a model after ``backward()``.
    path : str or path-like, optional
        Save the figure there as a PNG, atomically.
    log : bool
        Log-scale y-axis.
    ax : Axes, optional
        Draw into this Axes instead of a new figure.
    title : str or None
    label : str, optional
        Name of these norms in the legend (e.g. the network's): the line of a
        single parameter kind is labelled ``label``, those of several kinds
        ``"label: kind"``, and the legend has no "parameter" title. Default:
        the kind alone.
    dpi : int

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> norms = {"0.weight": 1e-3, "0.bias": 2e-4, "2.weight": 0.1, "2.bias": 0.05}
    >>> fig = plot_gradient_norms(norms)
    >>> [(line.get_label(), line.get_ydata().tolist()) for line in fig.axes[0].lines]
    [('weight', [0.001, 0.1]), ('bias', [0.0002, 0.05])]

    Two networks on one Axes:

    >>> ax = fig.axes[0]
    >>> ax.clear()
    >>> for name, decay in (("tanh", 1e-2), ("relu", 0.5)):
    ...     _ = plot_gradient_norms({f"{i}.weight": decay**i for i in range(4)}, ax=ax, label=name)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['tanh', 'relu']
    """
    if isinstance(norms_or_model, Module):
        norms = gradient_norms(norms_or_model)
    elif isinstance(norms_or_model, Mapping):
        norms = dict(norms_or_model)
    else:
        raise TypeError(
            "plot_gradient_norms needs a dict of norms or a numnet Module, "
            f"got {type(norms_or_model).__name__}"
        )
    if not norms:
        raise ValueError("no gradient norms to plot (the dict is empty)")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be a str or None, got {type(label).__name__}")
    layers: list[str] = []
    kinds: dict[str, dict[int, float]] = {}
    for name, value in norms.items():
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"gradient norm of {name!r} must be finite and >= 0, got {value}")
        layer, _, kind = name.rpartition(".")
        if layer not in layers:
            layers.append(layer)
        kinds.setdefault(kind, {})[layers.index(layer)] = value

    fig, ax = _figure_and_axes(ax, (max(6.0, min(14.0, 0.12 * len(layers) + 5)), 4.2))
    markers = "os^Dv<>p"
    for number, (kind, by_layer) in enumerate(kinds.items()):
        index = np.array(sorted(by_layer))
        value = np.array([by_layer[i] for i in index])
        zeros = int(np.sum(value == 0)) if log else 0
        if zeros:
            index, value = index[value > 0], value[value > 0]
        name = kind if label is None else label if len(kinds) == 1 else f"{label}: {kind}"
        name += f" ({zeros} zero norms not shown)" if zeros else ""
        ax.plot(index, value, marker=markers[number % len(markers)], ms=4, lw=1.2, label=name)
    if log:
        ax.set_yscale("log")
    xlabel = "layer index (0 = input side)"
    if len(layers) <= 16:
        names = [name or "(root)" for name in layers]
        long = max(len(name) for name in names) > 6
        ax.set_xticks(range(len(layers)))
        ax.set_xticklabels(
            [f"{i}\n{name}" for i, name in enumerate(names)],
            rotation=30 if long else 0,
            ha="right" if long else "center",
            fontsize="small",
        )
        xlabel += ", module name below"
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("‖gradient‖₂")
    ax.grid(True, which="both" if log else "major", alpha=0.3)
    ax.legend(fontsize="small", title="parameter" if label is None else None)
    if title is not None:
        ax.set_title(title)
    return _finish(fig, path, dpi)
