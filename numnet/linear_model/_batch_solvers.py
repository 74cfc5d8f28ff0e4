"""Full-batch solvers for :class:`~numnet.linear_model._objective.Objective`.

Both take the starting point θ₀ and return ``(θ, n_iter, converged)``; both stop
when the ∞-norm of the (proximal) gradient falls to ``tol``, so ``tol`` means
the same thing for either.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize

from numnet.linear_model._objective import Objective


def gradient_descent(obj: Objective, theta: np.ndarray, *, lr: float, max_iter: int, tol: float):
    """Accelerated proximal gradient descent (FISTA) with backtracking and restarts.

    Each step is seed 003's update w ← w − lr·∇f, taken from the extrapolated
    point y = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1}) (Nesterov; Beck & Teboulle,
    2009) and followed by the proximal step of the L1 term:

        x_{k+1} = prox_{lr·l1}(y − lr·∇f(y)).

    ``lr`` starts at the given value and is halved until the sufficient-decrease
    test f(x⁺) ≤ f(y) + ∇f(y)·(x⁺ − y) + ‖x⁺ − y‖²/(2·lr) holds, so any starting
    step is safe. Momentum restarts whenever F goes up (O'Donoghue & Candès, 2015).
    """
    step = 1.0 if lr == "auto" else float(lr)
    x, y, t = theta, theta, 1.0
    F_x = obj.smooth_value(x) + obj.l1_value(x)
    for n_iter in range(1, max_iter + 1):
        f_y, g_y = obj.smooth(y)
        slack = 1e-12 * abs(f_y)  # rounding must not read as a failed decrease near the optimum
        while True:
            x_new = obj.prox(y - step * g_y, step)
            d = x_new - y
            f_new = obj.smooth_value(x_new)
            if f_new <= f_y + g_y @ d + (d @ d) / (2 * step) + slack:
                break
            step /= 2
        if np.max(np.abs(d), initial=0.0) <= tol * step:
            return x_new, n_iter, True
        F_new = f_new + obj.l1_value(x_new)
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        if F_new > F_x:
            momentum, t_next = 0.0, 1.0
        else:
            momentum = (t - 1) / t_next
        y = x_new + momentum * (x_new - x)
        x, F_x, t = x_new, F_new, t_next
    return x, max_iter, False


def lbfgs(obj: Objective, theta: np.ndarray, *, lr, max_iter: int, tol: float):
    """Limited-memory BFGS (SciPy's L-BFGS-B) on the smooth objective; ``lr`` is unused.

    The options are scikit-learn's, so the two libraries stop at comparable points.
    """
    if obj.l1:
        raise ValueError("lbfgs needs a differentiable objective; the L1 penalty is not")
    result = minimize(
        obj.smooth,
        theta,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": tol, "ftol": 64 * np.finfo(float).eps, "maxls": 50},
    )
    # status 1 is the iteration limit; 2 (a line search stalled at rounding level) is not a
    # failure to converge but the end of what float64 can resolve
    return result.x, int(result.nit), result.status != 1


BATCH_SOLVERS = {"gd": gradient_descent, "lbfgs": lbfgs}
