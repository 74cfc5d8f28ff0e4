"""L-BFGS (seed 001 names BFGS): SciPy's L-BFGS-B on the vector of all parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from scipy.optimize import minimize

from numnet.autograd import enable_grad
from numnet.optim._utils import check_number
from numnet.optim.optimizer import Optimizer
from numnet.optim.vector import parameters_to_vector, vector_to_parameters
from numnet.tensor import Tensor

__all__ = ["LBFGS"]


class LBFGS(Optimizer):
    """Limited-memory BFGS on θ = vec(all parameters), by ``scipy.optimize.minimize``.

    Each :meth:`step` runs SciPy's L-BFGS-B from the current parameters for
    at most ``max_iter`` iterations, evaluating the loss and its gradient
    through the closure, and writes the solution back into the parameters.
    BFGS keeps an approximation Hₖ of the inverse Hessian, built from the
    last ``history_size`` pairs sₖ = θₖ₊₁ − θₖ, yₖ = ∇L(θₖ₊₁) − ∇L(θₖ)::

        θₖ₊₁ = θₖ − αₖ Hₖ ∇L(θₖ),   αₖ from a line search (Wolfe conditions)

    Meant for small, full-batch problems. The arithmetic is float64; float32
    parameters are cast for SciPy and back.

    Parameters
    ----------
    params : iterable of Tensor
        One parameter group (no per-group options).
    max_iter : int
        Iterations per :meth:`step` (SciPy's ``maxiter``).
    max_eval : int, optional
        Closure evaluations per step (``maxfun``); default ``max_iter * 5 // 4``
        as in PyTorch.
    history_size : int
        Number m of correction pairs kept (``maxcor``).
    gtol : float
        Stop when max |∂L/∂θᵢ| ≤ gtol (``gtol``).
    ftol : float
        Stop when (Lₖ − Lₖ₊₁) / max(|Lₖ|, |Lₖ₊₁|, 1) ≤ ftol (``ftol``).

    Attributes
    ----------
    last_result : scipy.optimize.OptimizeResult or None
        What SciPy returned in the last step: ``fun``, ``nit``, ``nfev``,
        ``success``, ``message``.

    Examples
    --------
    >>> import numpy as np
    >>> import numnet
    >>> from numnet.optim import LBFGS
    >>> w = numnet.Tensor(np.zeros(2), requires_grad=True)
    >>> target = numnet.Tensor(np.array([1.0, -3.0]))
    >>> opt = LBFGS([w], max_iter=50)
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((w - target) * (w - target)).sum()
    ...     loss.backward()
    ...     return loss
    >>> opt.step(closure).item()  # the loss before the step
    10.0
    >>> w.data.round(6)
    array([ 1., -3.])
    """

    # step() re-evaluates the loss itself, so numnet.train.fit passes it a closure
    requires_closure = True

    def __init__(
        self,
        params: Iterable[Tensor],
        max_iter: int = 20,
        max_eval: int | None = None,
        history_size: int = 10,
        gtol: float = 1e-5,
        ftol: float = 2.220446049250313e-09,
    ) -> None:
        defaults = dict(
            max_iter=max_iter, max_eval=max_eval, history_size=history_size, gtol=gtol, ftol=ftol
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS: per-group options are not supported; pass one list of tensors")
        self.last_result = None

    def _check_group(self, group: dict[str, Any]) -> dict[str, Any]:
        for key in ("max_iter", "history_size"):
            value = group[key]
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"LBFGS: {key} must be a positive int, got {value!r}")
        if group["max_eval"] is None:
            group["max_eval"] = group["max_iter"] * 5 // 4
        elif isinstance(group["max_eval"], bool) or group["max_eval"] < 1:
            raise ValueError(f"LBFGS: max_eval must be a positive int, got {group['max_eval']!r}")
        group["gtol"] = check_number("LBFGS", "gtol", group["gtol"])
        group["ftol"] = check_number("LBFGS", "ftol", group["ftol"])
        return group

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Minimize the closure's loss from the current parameters; return the initial loss.

        Parameters
        ----------
        closure : callable
            Zeroes the gradients (``optimizer.zero_grad()``), computes the
            loss, calls ``backward()`` and returns the loss.

        Returns
        -------
        The closure's first return value (the loss before the step), as PyTorch's LBFGS does.
        After the step the parameters hold SciPy's solution; ``.grad`` holds the
        gradient of the last evaluation.
        """
        if closure is None:
            raise ValueError(
                "LBFGS.step needs a closure that zeroes the gradients, computes the loss, "
                "calls backward() and returns the loss"
            )
        group = self.param_groups[0]
        params = group["params"]
        first: list[Any] = []

        def loss_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
            vector_to_parameters(theta, params, order="C")
            with enable_grad():
                loss = closure()
            if not first:
                first.append(loss)
            grads = [p.grad if p.grad is not None else np.zeros_like(p.data) for p in params]
            return float(loss), parameters_to_vector(grads, order="C").astype(np.float64)

        theta0 = parameters_to_vector(params, order="C").astype(np.float64)
        options = {
            "maxiter": group["max_iter"],
            "maxfun": group["max_eval"],
            "maxcor": group["history_size"],
            "gtol": group["gtol"],
            "ftol": group["ftol"],
        }
        result = minimize(loss_and_grad, theta0, jac=True, method="L-BFGS-B", options=options)
        vector_to_parameters(result.x, params, order="C")
        self.last_result = result
        return first[0]

    def _update(self, group: dict[str, Any]) -> None:  # step() is overridden
        raise NotImplementedError
