"""scikit-learn estimators built on numnet: :class:`MLPClassifier` and :class:`MLPRegressor`.

They take scikit-learn's ``MLPClassifier``/``MLPRegressor`` parameters with the
same meanings (plus ``dropout``, ``batch_norm``, ``l1`` and ``dtype``), pass
``sklearn.utils.estimator_checks``, and train a ``numnet.nn.Sequential``
(fitted as ``model_``) with numnet's autodiff and optimizers, in a lean loop of
their own. They drop into ``Pipeline``, ``GridSearchCV`` and ``clone``.

>>> from sklearn.datasets import load_iris
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from numnet.estimators import MLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> mlp = MLPClassifier((32,), learning_rate_init=0.01, random_state=0)
>>> pipe = make_pipeline(StandardScaler(), mlp)
>>> pipe.fit(X, y).score(X, y) > 0.95
True
>>> mlp.n_iter_ < 200  # stopped by tol: the loss no longer improves
True
"""

from numnet.estimators._classifier import MLPClassifier
from numnet.estimators._regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
