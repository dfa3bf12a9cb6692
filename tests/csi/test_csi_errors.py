"""Bad input: every error names what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from expectlab import InputError, NotFittedError
from expectlab.csi import PLSPathModel, SatisfactionIndex, build_specification

from .conftest import SMALL_MEASUREMENT, small_design

PATHS = [("A", "B"), ("B", "C"), ("A", "C")]


@pytest.fixture(scope="module")
def data():
    return small_design(120, 3).data


def fit(data, measurement=SMALL_MEASUREMENT, structural=PATHS, **kw):
    return PLSPathModel(measurement, structural, **kw).fit(data)


def test_cycle_is_named(data):
    with pytest.raises(InputError, match=r"cycle: A -> B -> C -> A"):
        fit(data, structural=[("A", "B"), ("B", "C"), ("C", "A")])
    with pytest.raises(InputError, match=r"cycle: B -> B"):
        fit(data, structural=[("A", "B"), ("B", "B"), ("B", "C")])


def test_unknown_item_column(data):
    with pytest.raises(InputError, match=r"'a4' not found"):
        fit(data, measurement={**SMALL_MEASUREMENT, "A": ["a1", "a4"]})


def test_item_in_two_constructs(data):
    with pytest.raises(InputError, match=r"Item 'b1' is used by two constructs, 'A' and 'B'"):
        fit(data, measurement={**SMALL_MEASUREMENT, "A": ["a1", "b1"]})


def test_construct_without_items(data):
    with pytest.raises(InputError, match=r"Construct 'C' has no items"):
        fit(data, measurement={**SMALL_MEASUREMENT, "C": []})


def test_construct_without_path(data):
    with pytest.raises(InputError, match=r"\['C'\] take part in no structural path"):
        fit(data, structural=[("A", "B")])


def test_path_to_unknown_construct(data):
    with pytest.raises(InputError, match=r"construct\(s\) \['D'\] that measurement"):
        fit(data, structural=PATHS + [("C", "D")])


def test_text_in_items(data):
    bad = data.copy()
    bad["b2"] = bad["b2"].astype(object)
    bad.loc[7, "b2"] = "n/a?"
    with pytest.raises(InputError, match=r"'b2'.*must hold numbers.*row 7 = 'n/a\?'"):
        fit(bad)


def test_constant_item(data):
    bad = data.copy()
    bad["c2"] = 4.0
    with pytest.raises(InputError, match=r"\['c2'\].*same answer.*'c2' = 4"):
        fit(bad)


def test_too_few_rows(data):
    with pytest.raises(InputError, match=r"Only 3 usable rows of 3.*at least 4"):
        fit(data.iloc[:3])


def test_too_few_rows_after_exclusions_names_them(data):
    bad = data.iloc[:10].copy()
    bad.loc[bad.index[:8], "a1"] = np.nan
    with pytest.raises(InputError, match=r"Only 2 usable rows of 10 \(excluded: 8 missing "
                                         r"item 'a1'\)"):
        fit(bad)


def test_bad_parameters(data):
    with pytest.raises(InputError, match="weighting must be one of path, factor, centroid"):
        fit(data, weighting="pathway")
    with pytest.raises(InputError, match="ci must be 'percentile' or 'bca'"):
        fit(data, ci="basic")
    with pytest.raises(InputError, match="missing must be 'exclude'"):
        fit(data, missing="drop")
    with pytest.raises(InputError, match="Unknown measurement mode"):
        fit(data, modes={"A": "C"})
    with pytest.raises(InputError, match="n_boot=1 gives no standard error"):
        fit(data, n_boot=1)
    with pytest.raises(InputError, match="model must be 'ECSI' or 'ACSI'"):
        SatisfactionIndex("NCSI").fit(data)


def test_structural_shape():
    with pytest.raises(InputError, match="pair"):
        build_specification(SMALL_MEASUREMENT, [("A", "B", "C")])
    with pytest.raises(InputError, match="listed twice"):
        build_specification(SMALL_MEASUREMENT, PATHS + [("A", "B")])
    with pytest.raises(InputError, match="non-empty dict"):
        build_specification({}, PATHS)


def test_not_a_frame():
    with pytest.raises(InputError, match="Expected a pandas DataFrame"):
        PLSPathModel(SMALL_MEASUREMENT, PATHS).fit(np.zeros((5, 8)))


def test_index_without_scale_explains(data):
    model = fit(data)
    with pytest.raises(InputError, match=r"answer scale.*scale=\(min, max\)"):
        _ = model.index_scores_
    assert "indices" not in model.to_dict()


def test_out_of_scale_values(data):
    bad = data.copy()
    bad.loc[4, "a1"] = 99
    with pytest.raises(InputError, match=r"outside the declared scale 1-10.*row 4 = 99"):
        fit(bad, scale=(1, 10))


def test_collinear_formative_block(data):
    bad = data.copy()
    bad["a3"] = bad["a1"] + bad["a2"]
    with pytest.raises(InputError, match=r"formative \(Mode B\) construct 'A'"):
        fit(bad, modes={"A": "B"})


def test_not_fitted():
    model = PLSPathModel(SMALL_MEASUREMENT, PATHS)
    with pytest.raises(NotFittedError):
        _ = model.summary
    assert not hasattr(model, "summary")


def test_weights_checked(data):
    with pytest.raises(InputError, match="non-negative"):
        PLSPathModel(SMALL_MEASUREMENT, PATHS).fit(data.assign(w=-1.0), weights="w")


def test_missing_model_parts_are_input_errors(data):
    # PLSPathModel's parameters may be None after set_params (SatisfactionIndex stores
    # None for its defaults); the specification check names the fix
    with pytest.raises(InputError, match=r"structural must be a list of \(from, to\) pairs"):
        PLSPathModel(SMALL_MEASUREMENT, PATHS).set_params(structural=None).fit(data)
    with pytest.raises(InputError, match="measurement must be a non-empty dict"):
        PLSPathModel(SMALL_MEASUREMENT, PATHS).set_params(measurement=None).fit(data)


def test_satisfaction_index_keeps_none_parameters():
    model = SatisfactionIndex("ACSI", n_boot=0)
    params = model.get_params()
    assert params["measurement"] is None and params["structural"] is None
    assert params["model"] == "ACSI" and params["weighting"] == "path"
