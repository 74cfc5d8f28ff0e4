"""Plots of training: learning curves, decision boundaries, 1-D fits and gradient norms.

Every function builds a :class:`matplotlib.figure.Figure` directly (no
``pyplot``), so nothing here picks a backend, opens a window or touches a
user's notebook state: it works the same on a headless server and in Jupyter
(where a returned Figure displays itself). Each one

* returns the Figure it drew on,
* draws into an existing Axes when given ``ax=...`` (then returns that Axes' figure),
* saves a PNG when given ``path=...``, atomically: the image is written to a
  temporary file in the same folder and moved over ``path`` with ``os.replace``,
  so a reader never sees half a file and a failed save leaves no debris.

>>> from numnet.plot import plot_history
>>> fig = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]})
>>> [ax.get_title() for ax in fig.axes]
['loss']
"""

from __future__ import annotations

from numnet.plot._figures import class_colors, save_figure
from numnet.plot.boundary import plot_decision_boundary
from numnet.plot.gradients import gradient_norms, plot_gradient_norms
from numnet.plot.history import plot_history
from numnet.plot.regression import plot_regression_1d

__all__ = [
    "plot_history",
    "plot_decision_boundary",
    "plot_regression_1d",
    "gradient_norms",
    "plot_gradient_norms",
    "save_figure",
    "class_colors",
]
