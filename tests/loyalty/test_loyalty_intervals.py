"""LoyaltyModel's bootstrap intervals (issue 14): every fast path against the slow one.

Exact paths (sort once for the AUCs, the shared first Newton step, pooled cells, the
batched subset fits) must give the numbers of the direct computation to rounding; the
approximate path (linear expansion of the permutation AUCs) is checked replicate by
replicate against the exact replicates and, in a slow test, for coverage. Values captured
from the implementation before issue 14 pin the results of a whole fit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn import metrics as skm

import expectlab.loyalty.importance as imp
from expectlab import FragileResultWarning, LoyaltyModel
from expectlab._resample import bootstrap_weights
from expectlab.loyalty._design import design_matrix, prepare
from expectlab.loyalty.engines import batched_logit
from expectlab.loyalty.metrics import _Ranking, calibration, metric_table
from expectlab.simulate.loyalty import simulate_loyalty

D7 = ["satisfaction", "trust", "switching_costs", "complaint", "recovery", "ad_recall",
      "segment"]
FIT = {"outcome": "stayed", "drivers": D7, "categorical": ["segment"]}


def _fit(model, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return model.fit(data, **FIT)


def _design(n, seed=3, drivers=D7):
    data = simulate_loyalty(n, random_state=seed, nps=False).data
    used, _, spec, _ = prepare(data, outcome="stayed", drivers=drivers, weights=None,
                               interactions=None, missing_codes=None,
                               categorical=["segment"], scale=None, study=None)
    return design_matrix(used, spec), used["stayed"].to_numpy(float), spec


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(8)
    n = 700
    p = np.round(rng.uniform(0.02, 0.98, n), 2)  # ties within and across the classes
    y = (rng.random(n) < p).astype(float)
    w = rng.uniform(0.3, 3.0, n)
    return y, p, w


# ------------------------------------------------------------------ metrics, exact paths
@pytest.mark.parametrize("rounded", [True, False])
def test_ranking_equals_sklearn_for_every_replicate(scored, rounded):
    y, p, w = scored
    if not rounded:  # no ties at all: the single-gather path
        p = p + np.random.default_rng(1).uniform(0, 1e-3, len(p))
    W = bootstrap_weights(len(y), 6, 4, base_weights=w)
    ranking = _Ranking(y, p)
    roc, pr = ranking.roc_auc(W), ranking.pr_auc(W)
    assert ranking.tied is rounded
    for b in range(len(W)):
        assert roc[b] == pytest.approx(skm.roc_auc_score(y, p, sample_weight=W[b]),
                                       rel=1e-12)
        assert pr[b] == pytest.approx(skm.average_precision_score(y, p, sample_weight=W[b]),
                                      rel=1e-12)
    # the exact permutation path uses the numerator: AUC x positive x negative weight
    np.testing.assert_allclose(ranking.numerator(W),
                               roc * (W @ y) * (W @ (1 - y)), rtol=1e-12)


def test_shared_first_step_gives_the_separate_fits(scored):
    y, p, _ = scored
    lp = np.log(p / (1 - p))
    X = np.column_stack([np.ones(len(y)), lp])
    W = bootstrap_weights(len(y), 5, 2)
    start = np.array([0.1, 0.9])
    together, ll, conv = batched_logit(X, y, W, start=start)
    assert conv.all()
    for b in range(len(W)):
        alone, ll_b, _ = batched_logit(X, y, W[b][None, :])  # from zero, no shared step
        np.testing.assert_allclose(together[b], alone[0], rtol=1e-9, atol=1e-11)
        assert ll[b] == pytest.approx(ll_b[0], rel=1e-12)


def test_intercept_with_offset_without_exponentials_equals_statsmodels(scored):
    y, p, w = scored
    lp = np.log(p / (1 - p))
    W = bootstrap_weights(len(y), 3, 5, base_weights=w)
    inter, _, _ = batched_logit(np.ones((len(y), 1)), y, W, offset=lp, start=np.array([0.2]))
    for b in range(len(W)):
        ref = sm.GLM(y, np.ones_like(y), family=sm.families.Binomial(), var_weights=W[b],
                     offset=lp).fit()
        assert inter[b, 0] == pytest.approx(ref.params[0], abs=1e-8)


def test_replicate_calibration_stops_early_but_agrees_to_1e8(scored):
    y, p, w = scored
    W = bootstrap_weights(len(y), 40, 6, base_weights=w)
    slope, inter = calibration(y, p, W, start=(1.0, 0.0))  # replicate fits, step < 1e-5
    for b in range(0, 40, 8):
        s_ref, i_ref = calibration(y, p, W[b][None, :])  # from zero to 1e-8
        assert slope[b] == pytest.approx(s_ref[0], abs=1e-8)
        assert inter[b] == pytest.approx(i_ref[0], abs=1e-8)


def test_metric_table_interval_is_the_percentile_of_direct_replicates(scored):
    y, p, w = scored
    n_boot, seed = 30, 9
    tab = metric_table(y, p, w, n_boot=n_boot, random_state=seed)
    # the same replicates (one generator, row by row), computed one by one with sklearn
    W = bootstrap_weights(len(y), n_boot, seed, base_weights=w)
    reps = {"roc_auc": [skm.roc_auc_score(y, p, sample_weight=Wb) for Wb in W],
            "pr_auc": [skm.average_precision_score(y, p, sample_weight=Wb) for Wb in W],
            "brier": [skm.brier_score_loss(y, p, sample_weight=Wb) for Wb in W],
            "log_loss": [skm.log_loss(y, p, sample_weight=Wb) for Wb in W]}
    for k, v in reps.items():
        lo, hi = np.percentile(v, [2.5, 97.5])
        assert tab.loc[k, "lower"] == pytest.approx(lo, rel=1e-10), k
        assert tab.loc[k, "upper"] == pytest.approx(hi, rel=1e-10), k


# ------------------------------------------------------------------ dominance, exact paths
def test_cells_pool_the_same_sums():
    X, y, _ = _design(2000)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    cells = imp._Cells(X, y, w)
    assert cells.k < len(y)  # answer scales repeat rows
    # every respondent's row is its cell's row
    np.testing.assert_array_equal(cells.X[cells.index], X)
    np.testing.assert_array_equal(cells.y[cells.index], y)
    W = bootstrap_weights(len(y), 7, 1, base_weights=w)

    def h(X, y):  # any per-row function of (x, y), e.g. a log-likelihood term
        return np.sin(X @ np.arange(1.0, X.shape[1] + 1)) + y * X[:, 0]

    np.testing.assert_allclose(cells.pool(W) @ h(cells.X, cells.y), W @ h(X, y), rtol=1e-11)
    np.testing.assert_allclose(cells.pool(W).sum(axis=1), W.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(cells.w @ h(cells.X, cells.y), w @ h(X, y), rtol=1e-11)


def test_batched_warm_started_subset_fits_equal_separate_fits():
    X, y, spec = _design(1500, drivers=["satisfaction", "trust", "complaint", "segment"])
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    coefs, lls, _ = imp._subset_coefficients(X, y, w, spec.groups)
    for mask, cols in enumerate(imp._masks_columns(spec.groups)):
        Xs = np.column_stack([np.ones(len(y)), X[:, cols]])
        beta, ll, _ = batched_logit(Xs, y, w[None, :])  # from zero, tolerance 1e-8
        np.testing.assert_allclose(coefs[mask], beta[0], rtol=1e-7, atol=1e-9)
        assert lls[mask] == pytest.approx(ll[0], rel=1e-13)


@pytest.mark.parametrize(("weighted", "n_boot", "path", "drivers"),
                         [(False, 150, "one-step", D7), (True, 150, "one-step", D7),
                          (True, 40, "refit", ["satisfaction", "trust", "segment"])])
def test_pooled_dominance_equals_unpooled(monkeypatch, weighted, n_boot, path, drivers):
    X, y, spec = _design(3000, drivers=drivers)
    w = np.random.default_rng(4).uniform(0.5, 2.0, len(y)) if weighted else None
    kw = {"n_boot": n_boot, "random_state": 5}
    pooled, total = imp.dominance_analysis(X, y, w, spec.groups, **kw)
    assert total["bootstrap"] == path

    class NoPooling(imp._Cells):
        def __init__(self, X, y, w):
            super().__init__(X, y, w)
            self.k = len(y) + 1  # never worth pooling

    monkeypatch.setattr(imp, "_Cells", NoPooling)
    plain, total_plain = imp.dominance_analysis(X, y, w, spec.groups, **kw)
    pd.testing.assert_frame_equal(pooled, plain, rtol=1e-9)
    assert total["fit"] == pytest.approx(total_plain["fit"], rel=1e-12)
    assert total["lower"] == pytest.approx(total_plain["lower"], rel=1e-9)


def test_one_step_on_cells_equals_one_step_on_respondents():
    X, y, spec = _design(2500)
    w = np.ones(len(y))
    cells = imp._Cells(X, y, w)
    W = bootstrap_weights(len(y), 20, 3, base_weights=w)
    starts = imp.subset_coefficients(X, y, w, spec.groups)
    rows = imp.one_step_subset_fits(X, y, w, W, spec.groups, starts)
    pooled = imp.one_step_subset_fits(cells.X, cells.y, cells.w, cells.pool(W), spec.groups,
                                      starts)
    np.testing.assert_allclose(pooled, rows, rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ permutation bootstrap
def _stored(n, seed=6):
    """Fold predictions of a fitted model (captured from LoyaltyModel)."""
    captured = {}
    original = imp._permutation_table

    def spy(stored, weights, drivers, **kw):
        captured.update(stored=stored, weights=weights, drivers=drivers)
        return original(stored, weights, drivers, **kw)

    import expectlab.loyalty.model as model_module

    model_module._permutation_table = spy
    try:
        _fit(LoyaltyModel(n_boot=0, random_state=seed, progress=False),
             simulate_loyalty(n, random_state=seed, nps=False).data)
    finally:
        model_module._permutation_table = original
    return captured["stored"], captured["weights"], captured["drivers"]


def _replicates(stored, weights, W, exact):
    sizes = np.r_[0, np.cumsum([len(y) for y, _, _ in stored])]
    out = 0.0
    for f, ((y, base, perm), w) in enumerate(zip(stored, weights, strict=True)):
        fold = imp._FoldDrops(y, base, perm, w, exact=exact)
        out = out + fold.replicates(W[:, sizes[f]:sizes[f + 1]] * w)
    return out / len(stored)


def test_linear_permutation_replicates_track_the_exact_ones():
    stored, weights, drivers = _stored(6000)
    n = sum(len(y) for y, _, _ in stored)
    W = bootstrap_weights(n, 150, 2)
    exact = _replicates(stored, weights, W, exact=True)
    linear = _replicates(stored, weights, W, exact=False)
    spread = exact.std(axis=0)
    main = [drivers.index(d) for d in ("satisfaction", "trust", "switching_costs",
                                       "complaint", "recovery")]
    # replicate by replicate: the dropped second-order term is of relative order n^-1/2
    assert np.all((linear - exact)[:, main].std(axis=0) < 0.12 * spread[main])
    assert np.all(np.abs(linear - exact)[:, main].max(axis=0) < 0.5 * spread[main])
    # interval ends move far less than their own Monte Carlo error (~0.2 spread at B=150)
    for q in (2.5, 97.5):
        moved = np.percentile(linear, q, axis=0) - np.percentile(exact, q, axis=0)
        assert np.all(np.abs(moved[main]) < 0.15 * spread[main])
    # a driver that barely matters: tiny drops, still within a third of their spread
    assert np.all((linear - exact).std(axis=0) < 0.35 * spread)


def test_permutation_table_chooses_the_path_by_size(monkeypatch):
    stored, weights, drivers = _stored(1500)
    rng = np.random.default_rng
    small, how = imp._permutation_table(stored, weights, drivers, n_boot=40, alpha=0.05,
                                        rng=rng(1))
    assert how == "exact"
    monkeypatch.setattr(imp, "_EXACT_AUC_LIMIT", 0)
    large, how = imp._permutation_table(stored, weights, drivers, n_boot=40, alpha=0.05,
                                        rng=rng(1))
    assert how == "linear"
    # the estimate never depends on the path; the interval only slightly
    pd.testing.assert_series_equal(small["permutation"], large["permutation"], rtol=1e-12)
    assert np.all(np.abs(large["permutation_lower"] - small["permutation_lower"])
                  < 0.5 * small["permutation_se"] + 1e-12)
    none, how = imp._permutation_table(stored, weights, drivers, n_boot=0, alpha=0.05,
                                       rng=rng(1))
    assert how == "" and none["permutation_lower"].isna().all()


@pytest.mark.slow
def test_linear_permutation_interval_covers_the_population_drop():
    """Coverage of the linear-expansion interval for a fixed model (the fold models and
    shuffles are what the interval conditions on): simulated evaluation sets of 1,500
    respondents, the population drop from 400,000."""
    coef = np.array([1.2, 0.4, 0.0])  # x0 strong, x1 weak, x2 ignored by the model

    def draw(n, rng):
        X = rng.normal(size=(n, 3))
        y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [1.0, 0.5, 0.0])))).astype(float)
        return X, y

    def drops(X, y, rng, n_boot):
        base = X @ coef
        perm = np.empty((3, 2, len(y)))
        for j in range(3):
            for r in range(2):
                Xp = X.copy()
                Xp[:, j] = X[rng.permutation(len(y)), j]
                perm[j, r] = Xp @ coef
        return imp._permutation_table([(y, base, perm)], [np.ones(len(y))], ["a", "b", "c"],
                                      n_boot=n_boot, alpha=0.1, rng=rng, exact=False)[0]

    rng = np.random.default_rng(12)
    truth = drops(*draw(400_000, rng), rng, 0)["permutation"].to_numpy()
    hits = np.zeros(2)
    runs = 150
    for _ in range(runs):
        tab = drops(*draw(1500, rng), rng, 200)
        hits += ((tab["permutation_lower"] <= truth) & (truth <= tab["permutation_upper"])
                 ).to_numpy()[:2]
    # nominal 90%; 150 runs give a standard error of 2.4 points
    assert np.all(hits / runs > 0.82), hits / runs


# ------------------------------------------------------------------ whole fits, pinned
def test_fit_equals_the_implementation_before_issue_14_small_sample():
    """Values of LoyaltyModel before issue 14 (refitted dominance replicates, exact
    permutation replicates): the same seed gives the same intervals."""
    model = _fit(LoyaltyModel(n_boot=50, random_state=3, progress=False),
                 simulate_loyalty(600, random_state=4).data)
    m = model.metrics_
    np.testing.assert_allclose(
        m.loc[["roc_auc", "pr_auc", "calibration_slope", "calibration_intercept"],
              ["estimate", "lower", "upper"]].to_numpy(),
        [[0.7180622009569378, 0.6876448448530994, 0.7592367055066881],
         [0.8064349792533867, 0.7657058473343555, 0.8407760599942506],
         [0.9086546222675472, 0.796196112280114, 1.138929373812637],
         [0.0032962394961816403, -0.19008826927092656, 0.10182551805150906]],
        rtol=1e-8, atol=1e-10)
    i = model.importance_
    np.testing.assert_allclose(
        i.loc[["satisfaction", "ad_recall", "segment"],
              ["permutation", "permutation_se", "permutation_lower", "permutation_upper"]
              ].to_numpy(),
        [[0.08453947368421053, 0.01362414036622583, 0.057542447347824134, 0.10772814317244991],
         [0.00022129186602870554, 0.0025506448714938627, -0.004536273630429946,
          0.005923804881870966],
         [0.007428229665071795, 0.004493595989576481, -0.0008990810314399311,
          0.015576466608499217]], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(
        i.loc[["satisfaction", "segment"],
              ["dominance_lower", "dominance_upper", "share_lower", "share_upper"]].to_numpy(),
        [[0.031794183274464254, 0.08034011439513296, 0.25483193922574965, 0.5632995235972585],
         [0.0001589606725072822, 0.01077912360276692, 0.0011801176098713893,
          0.07905464886886984]], rtol=1e-8)
    assert model.dominance_total_["bootstrap"] == "refit"
    assert not any(note.startswith("Bootstrap") for note in model._summary_notes())


def test_fit_equals_the_implementation_before_issue_14_one_step_dominance():
    """3,000 respondents: metrics and the one-step dominance replicates as before issue 14
    (the permutation interval now comes from the linear expansion, said in the notes)."""
    model = _fit(LoyaltyModel(random_state=1, progress=False),
                 simulate_loyalty(3000, random_state=3).data)
    np.testing.assert_allclose(
        model.metrics_.loc[["roc_auc", "calibration_slope", "brier"],
                           ["estimate", "lower", "upper"]].to_numpy(),
        [[0.7165202706836843, 0.7010793346791541, 0.7346602490901963],
         [0.975066547705253, 0.8820579688962871, 1.0795441260130398],
         [0.19644611730945266, 0.18908989216317557, 0.20253714683044904]], rtol=1e-8)
    i = model.importance_
    np.testing.assert_allclose(
        i.loc[["satisfaction", "complaint", "segment"],
              ["dominance_lower", "dominance_upper", "share_lower", "share_upper"]].to_numpy(),
        [[0.0293330629096634, 0.04953655216494338, 0.27058346615109236, 0.42387230223248207],
         [0.004044235619550527, 0.016702761853969673, 0.0413425125349744, 0.14499488327410587],
         [0.00016410825701542196, 0.005276984561334318, 0.0016210710052313947,
          0.04509205486714934]], rtol=1e-8)
    np.testing.assert_allclose(i.loc[["satisfaction", "ad_recall"], "permutation"],
                               [0.05625178966947704, -0.0005785680196771948], rtol=1e-10)
    total = model.dominance_total_
    assert (total["fit"], total["lower"], total["upper"]) == pytest.approx(
        (0.11267225618675292, 0.09317726393983253, 0.13214998883264223), rel=1e-9)
    assert total["bootstrap"] == "one-step"
    notes = [note for note in model._summary_notes() if note.startswith("Bootstrap")]
    assert len(notes) == 1 and "linear expansion" in notes[0] and "one-step" in notes[0]


def test_one_step_with_the_fits_equals_one_step_afterwards():
    X, y, spec = _design(2000)
    w = np.random.default_rng(7).uniform(0.5, 2.0, len(y))
    W = bootstrap_weights(len(y), 30, 8, base_weights=w)
    ticks = []
    starts, ll, together = imp._subset_coefficients(X, y, w, spec.groups, W,
                                                    tick=ticks.append)
    assert sum(ticks) == 1 << len(spec.groups)  # one step per subset model
    after = imp.one_step_subset_fits(X, y, w, W, spec.groups, starts)
    np.testing.assert_allclose(imp._pseudo_r2(together), after, rtol=1e-12, atol=1e-15)


def test_progress_steps_on_the_large_sample_paths(monkeypatch):
    """The one-step dominance bootstrap ticks per chunk of replicates drawn and per subset
    model; the linear permutation bootstrap and the metric bootstrap per replicate."""
    import expectlab._resample as resample

    seen = {}

    class Bar:
        def __init__(self, total, desc):
            self.total, self.n = total, 0
            seen[desc] = self

        def update(self, k=1):
            self.n += k

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    folds = []
    monkeypatch.setattr(resample, "progress_bar",
                        lambda total, enabled=True, desc=None: Bar(total, desc))
    monkeypatch.setattr(resample, "progress",
                        lambda items, enabled=True, total=None, desc=None:
                        folds.append((desc, total)) or items)
    monkeypatch.setattr(imp, "_EXACT_AUC_LIMIT", 0)
    model = _fit(LoyaltyModel(n_boot=150, random_state=2, progress=True),
                 simulate_loyalty(3000, random_state=2, nps=False).data)
    assert model.dominance_total_["bootstrap"] == "one-step"
    dom = seen["dominance bootstrap"]
    assert dom.n == dom.total == 1 + 128  # one chunk of replicates, 2^7 subset models
    assert seen["permutation bootstrap"].n == seen["metric bootstrap"].n == 150
    assert ("cross-validation folds", 5) in folds and ("permutation importance", 5) in folds


@pytest.mark.parametrize("values", [
    pd.Series(["a", "b", None, "a"]),
    pd.Series([1.0, 2.0, np.nan, 1.0]),
    pd.Series([True, 1, "a", None], dtype=object),  # equal as keys, different as text
    pd.Series(pd.Categorical(["u", "v", None])),
    pd.Series([True, False]),
    pd.Series([3, 1, 3], index=[7, 8, 9], name="segment"),
    pd.Series([np.nan, np.nan]),
])
def test_level_texts_equal_level_text_value_by_value(values):
    from expectlab.loyalty._design import level_text, level_texts

    expected = values.astype("object").map(level_text)
    got = level_texts(values)
    pd.testing.assert_series_equal(got, expected)
    if values.dtype == object and len(values) == 4:
        assert got.tolist()[:2] == ["True", "1"]
