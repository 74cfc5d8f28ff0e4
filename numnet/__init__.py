"""numnet: neural networks from first principles on NumPy.

The engine is :class:`Tensor` (reverse-mode autodiff, :mod:`numnet.tensor`),
its operations (:mod:`numnet.ops`), activations and losses
(:mod:`numnet.functional`), and :func:`gradcheck` to verify any gradient
against finite differences.

>>> import numnet
>>> import numnet.functional as F
>>> x = numnet.Tensor([[1.0, 2.0]])
>>> W = numnet.Tensor([[0.5], [-0.25]], requires_grad=True)
>>> loss = F.mse_loss(x @ W, numnet.Tensor([[1.0]]))
>>> loss.backward()
>>> W.grad.ravel().tolist()
[-2.0, -4.0]
"""

__version__ = "0.1.0"

from numnet import (
    data,  # noqa: E402
    functional,  # noqa: E402
    metrics,  # noqa: E402
    nn,  # noqa: E402
    ops,  # noqa: E402  (binds operators to Tensor)
    optim,  # noqa: E402
    train,  # noqa: E402
)
from numnet.autograd import (  # noqa: E402
    AnomalyError,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
)
from numnet.creation import ones, ones_like, rand, randn, tensor, zeros, zeros_like  # noqa: E402
from numnet.explain import explain  # noqa: E402
from numnet.gradcheck import GradcheckError, gradcheck  # noqa: E402
from numnet.ops import (  # noqa: E402
    abs,
    clip,
    concatenate,
    exp,
    log,
    matmul,
    maximum,
    minimum,
    sqrt,
    stack,
    where,
)
from numnet.serialization import (  # noqa: E402
    SerializationError,
    load,
    load_checkpoint,
    load_state_dict,
    save,
    save_checkpoint,
)
from numnet.tensor import Tensor, get_default_dtype, set_default_dtype  # noqa: E402

__all__ = [
    "__version__", "Tensor", "tensor", "zeros", "ones", "zeros_like", "ones_like", "randn", "rand",
    "get_default_dtype", "set_default_dtype", "no_grad", "enable_grad", "is_grad_enabled",
    "detect_anomaly", "AnomalyError", "gradcheck", "GradcheckError", "explain",
    "data", "functional", "metrics", "nn", "ops", "optim", "train",
    "abs", "clip", "concatenate", "exp", "log", "matmul", "maximum", "minimum", "sqrt", "stack",
    "where", "save", "load", "load_state_dict", "save_checkpoint", "load_checkpoint",
    "SerializationError",
]  # fmt: skip
