"""Linear models (seed 003, SPEC §6) with scikit-learn's estimator API.

Least squares (:class:`LinearRegression`), ridge (:class:`Ridge`), lasso and
elastic net (:class:`Lasso`, :class:`ElasticNet`), logistic and softmax
regression (:class:`LogisticRegression`), the perceptron (:class:`Perceptron`),
the linear SVM (:class:`LinearSVC`), Poisson regression (:class:`PoissonRegressor`)
and the one-vs-rest / one-vs-one reductions. Each class docstring states the
objective it minimizes and how its α or C compares with scikit-learn's.

>>> import numpy as np
>>> from numnet.linear_model import LinearRegression
>>> X = np.array([[1.0], [2.0], [3.0]])
>>> LinearRegression().fit(X, 2 * X[:, 0] + 1).predict([[4.0]]).round(6).tolist()
[9.0]
"""

from numnet.linear_model._coordinate_descent import ElasticNet, Lasso
from numnet.linear_model._glm import PoissonRegressor
from numnet.linear_model._least_squares import LinearRegression
from numnet.linear_model._logistic import LogisticRegression, SoftmaxRegression
from numnet.linear_model._multiclass import OneVsOneClassifier, OneVsRestClassifier
from numnet.linear_model._perceptron import Perceptron
from numnet.linear_model._ridge import Ridge
from numnet.linear_model._svm import LinearSVC

__all__ = [
    "LinearRegression", "Ridge", "Lasso", "ElasticNet", "LogisticRegression",
    "SoftmaxRegression", "Perceptron", "LinearSVC", "PoissonRegressor",
    "OneVsRestClassifier", "OneVsOneClassifier",
]  # fmt: skip
