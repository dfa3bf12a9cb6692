"""Start-up cost: what importing expectlab pulls in (issue 14, Dask/Spark workers and CLI).

Every Dask/Spark worker process and every ``expectlab`` command pays for the modules the
package imports eagerly. These tests run a fresh interpreter and check which heavy
packages end up in ``sys.modules``; they assert on module names, never on times.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "statsmodels", "sklearn", "pyspark", "dask", "duckdb")


def _heavy_after(statement: str) -> list[str]:
    """Top-level heavy packages imported by ``statement`` in a fresh interpreter."""
    code = (f"{statement}\nimport sys; print(sorted(m for m in sys.modules "
            f"if m.split('.')[0] in {set(HEAVY)!r}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return sorted({m.split(".")[0] for m in eval(out)})  # noqa: S307 - our own print


def test_subprocess_imports_this_worktree() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", "import expectlab; print(expectlab.__file__)"],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    assert Path(out.strip()).resolve() == ROOT / "expectlab" / "__init__.py"


@pytest.mark.parametrize("statement", [
    "import expectlab",
    "import expectlab.cli",
    "import expectlab.repeat",
    "import expectlab._partitions",
    "import expectlab.engines",
    "import expectlab.study",
    "import expectlab.scales",
    "import expectlab.kano._distributed",
    "import expectlab.satisfaction._distributed",
    "import expectlab.report.render",
])
def test_light_imports_pull_in_no_heavy_package(statement: str) -> None:
    # before issue 14 every one of these imported scikit-learn (about 2 s) through
    # expectlab._errors.NotFittedError and the eager expectlab.repeat package
    assert _heavy_after(statement) == []


def test_satisfaction_public_names_unchanged() -> None:
    import expectlab.satisfaction as satisfaction

    assert set(satisfaction.__all__) == {"DEFAULT_CUTS", "MODELS", "ZONES",
                                         "SatisfactionRegression", "Verdict"}
    for name in satisfaction.__all__:
        assert name in dir(satisfaction)
        getattr(satisfaction, name)
    assert satisfaction.SatisfactionRegression.__module__ == "expectlab.satisfaction.regression"
    assert satisfaction.regression.SatisfactionRegression is satisfaction.SatisfactionRegression
    with pytest.raises(AttributeError):
        satisfaction.nope  # noqa: B018


def test_a_fitted_repeat_model_needs_scikit_learn_only() -> None:
    # a worker unpickling a fitted model imports its class, a scikit-learn estimator;
    # plots, statsmodels and the engines themselves stay out
    assert _heavy_after("from expectlab.repeat import BetaGeo, GammaGamma, ParetoNBD") == [
        "sklearn"]


def test_public_names_unchanged() -> None:
    import expectlab
    import expectlab.repeat as repeat

    assert expectlab.__all__[:4] == ["InputError", "NotFittedError", "FragileResultWarning",
                                     "__version__"]
    assert expectlab.__all__.count("NotFittedError") == 1
    for name in expectlab.__all__:
        assert getattr(expectlab, name) is not None
    for name in ["NotFittedError", "InputError", "repeat", "BetaGeo", "kano"]:
        assert name in dir(expectlab)
    assert repeat.__all__ == sorted(repeat.__all__)
    assert len(repeat.__all__) == 15
    for name in repeat.__all__:
        assert name in dir(repeat)
        assert getattr(repeat, name).__module__.startswith("expectlab.repeat.")
    assert repeat.summaries.summarise_transactions is repeat.summarise_transactions
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        repeat.nope  # noqa: B018
    namespace: dict[str, object] = {}
    exec("from expectlab.repeat import *", namespace)  # noqa: S102
    assert namespace["BetaGeo"] is repeat.BetaGeo


def test_not_fitted_error_is_still_scikit_learns() -> None:
    import sklearn.exceptions

    import expectlab
    from expectlab import NotFittedError
    from expectlab._errors import NotFittedError as from_errors
    from expectlab.repeat import BetaGeo

    assert NotFittedError is from_errors is expectlab.NotFittedError
    assert issubclass(NotFittedError, sklearn.exceptions.NotFittedError)
    assert issubclass(NotFittedError, expectlab.InputError)
    assert [c.__name__ for c in NotFittedError.__mro__[:3]] == [
        "NotFittedError", "InputError", "NotFittedError"]
    assert (NotFittedError.__module__, NotFittedError.__qualname__) == (
        "expectlab._errors", "NotFittedError")
    with pytest.raises(sklearn.exceptions.NotFittedError) as info:
        BetaGeo().summary  # noqa: B018
    assert isinstance(info.value, NotFittedError)
    assert not hasattr(BetaGeo(), "summary")
    again = pickle.loads(pickle.dumps(NotFittedError("not yet")))
    assert type(again) is NotFittedError and str(again) == "not yet"


def test_not_fitted_error_is_one_class_across_threads() -> None:
    # built on first use: threads asking at once must all get the same class, or an
    # except clause written with one would miss errors raised with the other
    code = """
import threading, expectlab._errors as e
seen = []
barrier = threading.Barrier(8)
def ask():
    barrier.wait()
    seen.append(e.NotFittedError)
threads = [threading.Thread(target=ask) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print(len(seen), len({id(c) for c in seen}), seen[0] is e.NotFittedError)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out == ["8", "1", "True"]


def test_loyalty_imports_statsmodels_only_for_the_ordinal_engine() -> None:
    # statsmodels (~1 s) was imported by expectlab.loyalty.engines at module level
    assert "statsmodels" not in _heavy_after("import expectlab.loyalty")
    assert "matplotlib" not in _heavy_after("import expectlab.loyalty")


def test_weighted_ordinal_model_class_is_importable_and_pickles() -> None:
    import numpy as np
    import pandas as pd
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    from expectlab import LoyaltyModel
    from expectlab.loyalty import engines

    cls = engines._WeightedOrderedModel
    assert cls is engines._WeightedOrderedModel and issubclass(cls, OrderedModel)
    assert (cls.__module__, cls.__qualname__) == ("expectlab.loyalty.engines",
                                                  "_WeightedOrderedModel")
    rng = np.random.default_rng(2)
    x = rng.normal(size=300)
    data = pd.DataFrame({"loyalty": 1 + np.searchsorted([-1.0, 0.0, 1.0],
                                                        x + rng.logistic(size=300)),
                         "x": x, "w": rng.uniform(0.5, 2.0, 300)})
    model = LoyaltyModel("ordinal", cv=None, n_boot=0, importance=False, progress=False).fit(
        data, outcome="loyalty", drivers=["x"], weights="w")
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(again.summary, model.summary)
    np.testing.assert_array_equal(again.predict_proba(data.head(4)),
                                  model.predict_proba(data.head(4)))


def test_estimator_base_is_built_once_and_stays_scikit_learns() -> None:
    from sklearn.base import BaseEstimator, clone

    import expectlab._results as results
    from expectlab import KanoAnalysis
    from expectlab.repeat import BetaGeo

    assert results.Estimator is results.Estimator
    assert (results.Estimator.__module__, results.Estimator.__qualname__) == (
        "expectlab._results", "Estimator")
    assert [c.__name__ for c in results.Estimator.__mro__[:3]] == [
        "Estimator", "FittedModelMixin", "BaseEstimator"]
    for cls in (BetaGeo, KanoAnalysis):
        assert issubclass(cls, results.Estimator) and issubclass(cls, BaseEstimator)
    model = BetaGeo(max_iter=50)
    assert repr(clone(model)) == "BetaGeo(max_iter=50)"
    assert model.set_params(max_iter=60) is model and model.max_iter == 60
    with pytest.raises(results.InputError, match="Unknown parameter"):
        model.set_params(nope=1)
    assert pickle.loads(pickle.dumps(model)).get_params() == model.get_params()
    assert "not fitted" in model._repr_html_()
