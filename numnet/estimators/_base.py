"""What MLPClassifier and MLPRegressor share: hyperparameters, the network, the training loop.

The loop is scikit-learn's ``BaseMultilayerPerceptron`` rebuilt on numnet: the
network is an ``nn.Sequential``, gradients come from numnet's autodiff and the
updates from ``numnet.optim``. Objective, penalty scaling, batching, stopping
rules and fitted attributes follow scikit-learn, so the two agree number for
number where their optimizers do (see the class docstrings).
"""

from __future__ import annotations

import copy
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, validate_data

import numnet.functional as F
from numnet import nn
from numnet.autograd import no_grad
from numnet.optim import LBFGS, SGD, Adam
from numnet.optim.optimizer import _tiled_vector, _views

# scikit-learn's names, plus numnet's smooth activations
ACTIVATIONS: dict[str, type[nn.Module]] = {
    name: nn.ACTIVATIONS[name]
    for name in ("identity", "logistic", "tanh", "relu", "elu", "softplus", "arctan")
}
SOLVERS = ("gd", "sgd", "adam", "lbfgs")
LEARNING_RATES = ("constant", "invscaling", "adaptive")


def as_generator(random_state: Any) -> np.random.Generator:
    """A NumPy Generator from ``random_state``: None, an int, a RandomState or a Generator.

    A RandomState (scikit-learn's convention) seeds a new Generator with one draw,
    so that passing the same instance twice gives different but reproducible runs.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    if random_state is None or (
        isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)
    ):
        return np.random.default_rng(random_state)
    raise ValueError(
        f"random_state must be None, an int, a numpy RandomState or Generator, got {random_state!r}"
    )


class BaseMLP(BaseEstimator):
    """Shared code of :class:`MLPClassifier` and :class:`MLPRegressor`; not for direct use.

    Subclasses set ``_score_name`` and define ``_validate_input`` (returning
    ``X``, the training target and the labels used for validation scores),
    ``_predict_from_logits`` and ``_validation_score``.
    """

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 1e-4,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 1e-3,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dropout: float = 0.0,
        batch_norm: bool = False,
        l1: float = 0.0,
        dtype: Any = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.l1 = l1
        self.dtype = dtype

    # ------------------------------------------------------------ validation
    def _check_params(self) -> list[int]:
        """Raise ValueError naming any bad hyperparameter; return the hidden sizes as a list."""
        name = type(self).__name__
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in sizes
        ):
            raise ValueError(
                f"{name}: hidden_layer_sizes must be positive integers, got "
                f"{self.hidden_layer_sizes!r}"
            )
        for key, options in (
            ("activation", tuple(ACTIVATIONS)),
            ("solver", SOLVERS),
            ("learning_rate", LEARNING_RATES),
        ):
            if getattr(self, key) not in options:
                raise ValueError(
                    f"{name}: unknown {key} {getattr(self, key)!r}; expected one of {options}"
                )
        _real(name, "alpha", self.alpha, low=0.0)
        _real(name, "l1", self.l1, low=0.0)
        _real(name, "tol", self.tol, low=0.0)
        _real(name, "power_t", self.power_t, low=0.0)
        _real(name, "learning_rate_init", self.learning_rate_init, low=0.0, low_open=True)
        _real(name, "epsilon", self.epsilon, low=0.0, low_open=True)
        _real(name, "momentum", self.momentum, low=0.0, high=1.0)
        _real(name, "beta_1", self.beta_1, low=0.0, high=1.0, high_open=True)
        _real(name, "beta_2", self.beta_2, low=0.0, high=1.0, high_open=True)
        _real(name, "dropout", self.dropout, low=0.0, high=1.0, high_open=True)
        _real(name, "validation_fraction", self.validation_fraction, 0.0, 1.0, True, high_open=True)
        for key in ("max_iter", "n_iter_no_change", "max_fun"):
            value = getattr(self, key)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name}: {key} must be a positive integer, got {value!r}")
        batch = self.batch_size
        if not (
            (isinstance(batch, str) and batch == "auto")
            or (isinstance(batch, numbers.Integral) and not isinstance(batch, bool) and batch > 0)
        ):
            raise ValueError(f"{name}: batch_size must be 'auto' or a positive int, got {batch!r}")
        if self.dtype is not None and np.dtype(self.dtype) not in (np.float32, np.float64):
            raise ValueError(f"{name}: dtype must be None, float32 or float64, got {self.dtype!r}")
        return [int(s) for s in sizes]

    def _resolve_dtype(self, X: np.ndarray) -> np.dtype:
        """float32 input stays float32 (as scikit-learn); everything else is float64."""
        if self.dtype is not None:
            return np.dtype(self.dtype)
        return X.dtype if X.dtype == np.float32 else np.dtype(np.float64)

    def _check_solver(self) -> bool:
        """``partial_fit`` exists for the solvers gd, sgd and adam, without early stopping.

        scikit-learn offers it with ``early_stopping=True`` and then raises; here
        ``hasattr(est, "partial_fit")`` tells the truth instead.
        """
        if self.solver not in ("gd", "sgd", "adam"):
            raise AttributeError(
                f"partial_fit is only available for the solvers gd, sgd and adam; "
                f"{self.solver!r} is not one of them"
            )
        if self.early_stopping:
            raise AttributeError("partial_fit is not available with early_stopping=True")
        return True

    # ---------------------------------------------------------------- network
    def _build(self, sizes: list[int], n_in: int, n_out: int, dtype, rng) -> nn.Sequential:
        """Linear [→ BatchNorm1d] → activation [→ Dropout] per hidden layer, then a Linear.

        Weights and biases start as scikit-learn's: Glorot uniform
        U(−b, b), b = √(6 / (fan_in + fan_out)) (√(2 / ...) for ``logistic``).
        """
        factor = 2.0 if self.activation == "logistic" else 6.0
        activation = ACTIVATIONS[self.activation]
        units = [n_in, *sizes, n_out]
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(units[:-1], units[1:])):
            layer = nn.Linear(fan_in, fan_out, rng=0, dtype=dtype)
            bound = np.sqrt(factor / (fan_in + fan_out))
            layer.weight.data[...] = rng.uniform(-bound, bound, (fan_in, fan_out)).T
            layer.bias.data[...] = rng.uniform(-bound, bound, fan_out)
            layers.append(layer)
            if i == len(sizes):
                break
            if self.batch_norm:
                layers.append(nn.BatchNorm1d(fan_out, dtype=dtype))
            layers.append(activation())
            if self.dropout > 0:
                layers.append(nn.Dropout(float(self.dropout), rng=rng.spawn(1)[0]))
        model = nn.Sequential(*layers)
        _pack_parameters(_parameter_order(model))
        return model

    @property
    def _linears(self) -> list[nn.Linear]:
        return [m for m in self.model_ if isinstance(m, nn.Linear)]

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices in scikit-learn's (fan_in, fan_out) orientation (copies)."""
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet")
        return [layer.weight.data.T.copy() for layer in self._linears]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors, one per layer (copies)."""
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet")
        return [layer.bias.data.copy() for layer in self._linears]

    def _logits(self, X: Any) -> np.ndarray:
        """The network's output before the output activation, in evaluation mode."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        return self._forward(X).astype(np.float64, copy=False)

    def _forward(self, X: np.ndarray) -> np.ndarray:
        model = self.model_
        if self._linears[0].weight.dtype != np.float64:
            # float32 products depend on how BLAS blocks the rows, so a row's prediction
            # would change with the batch around it; float64 from the same weights does not.
            model = copy.deepcopy(model).double()
        with model.training_mode(False), no_grad():
            return model(X).data

    # ------------------------------------------------------------- objective
    def _data_loss(self, X: np.ndarray, Y: np.ndarray, n_total: int) -> float:
        """Backpropagate one chunk's share of the data loss; return its summed reported loss.

        The gradient added is that of Σᵢ ℓᵢ / n_total, with scikit-learn's ℓ:
        −ln softmax(z)_y, the binary log-loss summed over outputs, or ½ ‖z − y‖².
        The reported value divides the squared error by the number of outputs,
        as scikit-learn's ``squared_loss`` does (its gradient does not).
        """
        z = self.model_(X)
        if self.out_activation_ == "softmax":
            loss = F.cross_entropy(z, Y, reduction="sum")
        elif self.out_activation_ == "logistic":
            loss = F.binary_cross_entropy_with_logits(z, Y, reduction="sum")
        else:
            loss = F.mse_loss(z, Y, reduction="sum")
            # an ndarray, not a Python float: Tensor.backward would round a float to float32
            loss.backward(np.asarray(0.5 / n_total, loss.dtype))
            return float(loss.data) / (2 * Y.shape[1])
        loss.backward(np.asarray(1.0 / n_total, loss.dtype))
        return float(loss.data)

    def _seed_l2(self, n: int) -> float:
        """Set each weight's gradient to α W / n before backward adds the data loss's; return
        the penalty α/2 ‖W‖² / n.

        The same gradient as :meth:`_penalize` bit for bit (backward's ``W.grad += ∇``
        and the penalty's ``W.grad += α W / n`` commute), computed for all weights
        at once: with the weights packed in one vector (see ``_pack_parameters``),
        one product and one dot product instead of two calls and a temporary per
        weight matrix. The gradients are views of one buffer reused every step.
        """
        w = self._weight_vector
        np.multiply(w, self._alpha / n, out=self._l2_grad)
        for W, view in zip(self._weights, self._l2_grad_views):
            W.grad = view
        return float(np.vdot(w, w) * (0.5 * self._alpha)) / n

    def _penalize(self, n: int) -> float:
        """Add ∇ of (α/2 ‖W‖² + l1 ‖W‖₁) / n to the weights' gradients; return the penalty.

        Weight matrices only, never biases or batch-norm parameters; n is the
        batch size, as scikit-learn scales ``alpha``.
        """
        alpha, l1 = self._alpha, self._l1
        if alpha == 0 and l1 == 0:
            return 0.0
        value = 0.0
        for W in self._weights:
            w = W.data
            if alpha:
                value += np.vdot(w, w) * (0.5 * alpha)
                W.grad += w * (alpha / n)
            if l1:
                value += np.abs(w).sum() * l1
                W.grad += np.sign(w) * (l1 / n)
        return float(value) / n

    # -------------------------------------------------------------------- fit
    def _fit(self, X: Any, y: Any, incremental: bool) -> BaseMLP:
        sizes = self._check_params()
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        first = not hasattr(self, "model_") or (not self.warm_start and not incremental)
        X, Y, labels = self._validate_input(X, y, incremental, reset=first)
        if first:
            dtype = self._resolve_dtype(X)
            self._rng = as_generator(self.random_state)
            self.n_outputs_ = Y.shape[1] if Y.ndim == 2 else len(self.classes_)
            self.n_layers_ = len(sizes) + 2
            self.model_ = self._build(sizes, X.shape[1], self.n_outputs_, dtype, self._rng)
            self._initialize()
        else:
            dtype = self._linears[0].weight.dtype
            if not incremental:
                self._rng = as_generator(self.random_state)
        X = X.astype(dtype, copy=False)
        Y = Y.astype(dtype if Y.dtype.kind == "f" else np.intp, copy=False)
        self._weights = [layer.weight for layer in self._linears]
        self._alpha, self._l1 = float(self.alpha), float(self.l1)
        self._weight_vector = _tiled_vector([W.data for W in self._weights])
        if self._weight_vector is not None:
            self._l2_grad = np.empty_like(self._weight_vector)
            self._l2_grad_views = _views(self._l2_grad, self._weights)
        if not incremental or getattr(self, "_optimizer", None) is None:
            self._optimizer = self._make_optimizer(incremental)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, Y)
        else:
            self._fit_iterative(X, Y, labels, incremental)
        self._optimizer.zero_grad()
        if not all(np.isfinite(p.data).all() for p in self.model_.parameters()):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain large "
                "values and need to be preprocessed."
            )
        return self

    def _initialize(self) -> None:
        self.n_iter_ = 0
        self.t_ = 0
        self._best_state = self.model_.state_dict()
        self._optimizer = None
        if self.solver != "lbfgs":
            self._initialize_tracking()

    def _initialize_tracking(self) -> None:
        """The loss curve and stopping state of the iterative solvers (not kept by lbfgs)."""
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _make_optimizer(self, incremental: bool):
        params = list(self.model_.parameters())
        if self.solver == "lbfgs":
            return LBFGS(params, max_iter=self.max_iter, max_eval=self.max_fun, gtol=self.tol)
        params = _parameter_order(self.model_)  # the order they are packed in
        if self.solver == "adam":
            optimizer = Adam(
                params, self.learning_rate_init, (self.beta_1, self.beta_2), self.epsilon
            )
        else:
            momentum = float(self.momentum)
            nesterov = bool(self.nesterovs_momentum) and momentum > 0
            optimizer = SGD(params, self.learning_rate_init, momentum, nesterov=nesterov)
        saved = self.__dict__.pop("_optimizer_state", None)
        if incremental and saved is not None:  # an unpickled estimator continues as it was
            optimizer.load_state_dict(saved)
        return optimizer

    def _batch_size(self, n: int) -> int:
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped",
                stacklevel=3,
            )
        return int(np.clip(self.batch_size, 1, n))

    def _split(self, X, Y, labels):
        """Hold out ``validation_fraction`` for early stopping, stratified for one-label classes."""
        n = len(X)
        # At least 2 validation samples (scikit-learn raises below 2 instead).
        size = max(int(np.ceil(self.validation_fraction * n)), 2)
        if n - size < 1:
            raise ValueError(
                f"The validation set is too small: {n} samples leave none for training after "
                f"holding out {size} for early stopping. Use more data or early_stopping=False."
            )
        index = np.arange(n)
        seed = int(self._rng.integers(np.iinfo(np.int32).max))
        stratify = labels if self._stratify(labels) else None
        try:
            train, val = train_test_split(
                index, test_size=size, random_state=seed, stratify=stratify
            )
        except ValueError:  # a class too small to be split in proportion
            train, val = train_test_split(index, test_size=size, random_state=seed)
        return X[train], Y[train], X[val], labels[val]

    def _stratify(self, labels) -> bool:
        return False

    def _fit_iterative(self, X, Y, labels, incremental: bool) -> None:
        """Epochs of mini-batch steps (sgd, adam) or of full-batch steps (gd), with
        scikit-learn's stopping rules: stop after more than ``n_iter_no_change``
        epochs without improving the training loss (or, with early stopping, the
        validation score) by ``tol``."""
        early_stopping = self.early_stopping
        if not hasattr(self, "loss_curve_") or (
            (self.validation_scores_ is None) if early_stopping else (self.best_loss_ is None)
        ):  # a warm start from lbfgs, or one that switched early stopping on or off
            self._initialize_tracking()
        if early_stopping:
            X, Y, X_val, y_val = self._split(X, Y, labels)
        n = len(X)
        batch = self._batch_size(n)
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            if self.solver == "gd":
                self.loss_ = self._gd_epoch(X, Y, batch)
            else:
                self.loss_ = self._sgd_epoch(X, Y, batch)
            self.n_iter_ += 1
            self.t_ += n
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
            if early_stopping:
                self._track_validation(X_val, y_val)
            else:
                self._track_loss()
            if self.learning_rate == "invscaling" and self.solver != "adam":
                self._set_lr(self.learning_rate_init / (self.t_ + 1) ** self.power_t)
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                msg = (
                    f"{what} did not improve more than tol={self.tol:f} for "
                    f"{self.n_iter_no_change} consecutive epochs."
                )
                if self._trigger_stopping(msg):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                    "optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
        if early_stopping:
            self.model_.load_state_dict(self._best_state)

    def _sgd_epoch(self, X, Y, batch: int) -> float:
        """One pass of mini-batch steps; returns the sample-weighted mean batch loss."""
        n = len(X)
        if self.shuffle:
            order = self._rng.permutation(n)
            # take() gathers the same rows as X[order], about 2x faster (no fancy-index setup)
            X, Y = X.take(order, axis=0), Y.take(order, axis=0)
        optimizer = self._optimizer
        # L2 alone on packed weights: seed the gradients with the penalty's (same numbers)
        seed = self._alpha != 0 and self._l1 == 0 and self._weight_vector is not None
        total = 0.0
        for start in range(0, n, batch):
            stop = min(start + batch, n)
            optimizer.zero_grad()
            if seed:  # before backward, which then adds the data loss's gradient
                penalty = self._seed_l2(stop - start)
            total += self._data_loss(X[start:stop], Y[start:stop], stop - start)
            if not seed:
                penalty = self._penalize(stop - start)
            total += penalty * (stop - start)
            optimizer.step()
        return total / n

    def _full_gradient(self, X, Y, chunk: int) -> float:
        """∇ of the full-batch objective accumulated chunk by chunk; returns the objective."""
        n = len(X)
        total = 0.0
        for start in range(0, n, chunk):
            total += self._data_loss(X[start : start + chunk], Y[start : start + chunk], n)
        return total / n + self._penalize(n)

    def _gd_epoch(self, X, Y, chunk: int) -> float:
        self._optimizer.zero_grad()
        loss = self._full_gradient(X, Y, chunk)
        self._optimizer.step()
        return loss

    def _fit_lbfgs(self, X, Y) -> None:
        optimizer = self._optimizer
        chunk = self._batch_size(len(X)) if self.batch_size != "auto" else len(X)

        def closure() -> float:
            optimizer.zero_grad()
            return self._full_gradient(X, Y, chunk)

        optimizer.step(closure)
        result = optimizer.last_result
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.loss_ = float(result.fun)
        if result.status != 0:
            message = result.message
            message = message.decode() if isinstance(message, bytes) else message
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iteration(s) (status="
                f"{result.status}): {message}. Increase max_iter or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _track_loss(self) -> None:
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if self.loss_curve_[-1] < self.best_loss_:
            self.best_loss_ = self.loss_curve_[-1]

    def _track_validation(self, X_val, y_val) -> None:
        score = self._validation_score(X_val, y_val)
        self.validation_scores_.append(score)
        if self.verbose:
            print(f"Validation score: {score:f}")
        if score < self.best_validation_score_ + self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            self._best_state = self.model_.state_dict()

    def _set_lr(self, lr: float) -> None:
        """Change the SGD learning rate and keep scikit-learn's velocity v = −η b unchanged.

        scikit-learn keeps the velocity vₜ = μ vₜ₋₁ − ηₜ gₜ; ``optim.SGD`` keeps
        bₜ = μ bₜ₋₁ + gₜ and steps −ηₜ bₜ, so b is rescaled by η_old / η_new.
        """
        group = self._optimizer.param_groups[0]
        old = group["lr"]
        if lr != old and lr > 0:
            for entry in self._optimizer.state.values():
                if "momentum_buffer" in entry:
                    entry["momentum_buffer"] *= old / lr
        group["lr"] = lr

    def _trigger_stopping(self, msg: str) -> bool:
        """True to stop; the adaptive SGD schedule divides η by 5 instead, down to 1e-6."""
        if self.solver == "adam" or self.learning_rate != "adaptive":
            if self.verbose:
                print(msg + " Stopping.")
            return True
        lr = self._optimizer.param_groups[0]["lr"]
        if lr <= 1e-6:
            if self.verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self._set_lr(lr / 5.0)
        if self.verbose:
            print(msg + f" Setting learning rate to {lr / 5.0:f}")
        return False

    # ----------------------------------------------------------------- pickle
    def __getstate__(self) -> dict:
        # The optimizer's flat fast path keeps state as views of shared arrays, which
        # pickle would split apart: keep its state dict instead and rebuild on demand.
        state = super().__getstate__()
        optimizer = state.get("_optimizer")
        if optimizer is not None and not isinstance(optimizer, LBFGS):
            state = dict(state)
            state["_optimizer_state"] = optimizer.state_dict()
        state["_optimizer"] = None
        return state


def _parameter_order(model: nn.Module) -> list:
    """The weight matrices of the Linear layers first, then every other parameter."""
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    ids = {id(W) for W in weights}
    return weights + [p for p in model.parameters() if id(p) not in ids]


def _pack_parameters(params: list) -> None:
    """Make the parameters' ``.data`` consecutive views of one vector, in the order given.

    Same tensors, same values. The optimizer then applies each step to the whole
    network in one NumPy call instead of one per parameter (see
    ``numnet.optim.FlatGroup``), and the weights, packed first, are one slice
    for the L2 penalty.
    """
    vector = np.empty(sum(p.size for p in params), params[0].dtype)
    for p, view in zip(params, _views(vector, params)):
        view[...] = p.data
        p.data = view


def _real(
    where: str,
    name: str,
    value: Any,
    low: float,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Check low ≤ value ≤ high (strict where open) and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{where}: {name} must be a real number, got {value!r}")
    bad_low = value <= low if low_open else value < low
    bad_high = high is not None and (value >= high if high_open else value > high)
    if np.isnan(value) or bad_low or bad_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        upper = "inf" if high is None else high
        raise ValueError(f"{where}: {name} must be in {left}{low}, {upper}{right}, got {value!r}")
    return float(value)
