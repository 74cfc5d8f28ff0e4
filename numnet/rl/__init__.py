"""numnet.rl: the cross-entropy method on Gymnasium, vectorized, scalable with Ray.

- :class:`CEM` (alias :class:`DeepCEM`): Deep CEM with a numnet policy network for
  ``Discrete`` and ``Box`` actions (seed 000, SPEC section 10).
- :class:`TabularCEM`: tabular CEM with Laplace and policy smoothing, and its
  variant for stochastic environments.
- :func:`select_elites`, :mod:`numnet.rl.rollout` (vectorized sessions),
  :mod:`numnet.rl.ray_backend`, and the ``numnet cem`` / ``numnet cem-eval`` commands.

Gymnasium (``pip install "numnet[rl]"``) and Ray (``pip install "numnet[ray]"``)
are imported only when an environment is created or a Ray backend is started.

>>> from numnet.rl import select_elites
>>> select_elites([1.0, 2.0, 3.0, 4.0], 50)[0].tolist()
[False, False, True, True]
"""

from numnet.rl.cem import CEM, DeepCEM
from numnet.rl.elites import select_elites
from numnet.rl.tabular import TabularCEM

__all__ = ["CEM", "DeepCEM", "TabularCEM", "select_elites"]
