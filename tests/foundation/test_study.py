"""The measurement layer: expectlab.Study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import InputError, Study
from expectlab._validate import as_frame
from tests.conftest import DATA


def _frame():
    return pd.DataFrame({"rid": [1, 2, 3, 4], "s1": [5, 6, 7, 2], "s2": [4, 6, 7, 1],
                         "w": [1.0, 2.0, 1.0, 0.5], "region": ["NA", "EU", "EU", "NA"]})


def test_study_roles_items_and_scales():
    study = Study.from_frame(_frame(), id="rid", weights="w", segments=["region"],
                             scales={"satisfaction": ["s1", "s2"]}, item_scale=(1, 7))
    assert study.items("satisfaction") == ["s1", "s2"]
    assert study.items(["s1"]) == ["s1"]
    assert study.scale_of("s2") == (1.0, 7.0)
    assert list(study.roles["role"]) == ["id", "weights", "segment", "scale"]
    frame, same = as_frame(study)
    assert same is study and frame is study.data
    with pytest.raises(InputError, match="neither a column"):
        study.items("loyalty")


def test_study_refuses_bad_roles():
    df = _frame()
    with pytest.raises(InputError, match="segment: 'regoin' \\(did you mean 'region'\\?\\)"):
        Study.from_frame(df, segments=["regoin"])
    with pytest.raises(InputError, match="ids repeat"):
        Study.from_frame(df.assign(rid=[1, 1, 2, 3]), id="rid")
    with pytest.raises(InputError, match="every weight is zero"):
        Study.from_frame(df.assign(w=0.0), weights="w")
    with pytest.raises(InputError, match="outside the declared scale 1-7.*row 1 = 99"):
        Study.from_frame(df.assign(s1=[5, 99, 7, 2]), scales={"sat": ["s1", "s2"]},
                         item_scale=(1, 7))
    with pytest.raises(InputError, match="has text"):
        Study.from_frame(df.assign(s1=[5, "n/a?", 7, 2]), scales={"sat": ["s1"]})
    with pytest.raises(InputError, match="Unknown study role"):
        Study.from_frame(df, weight="w")
    with pytest.raises(InputError, match="mixes numbers and text"):
        Study.from_frame(df.assign(wave=[1, "W2", 1, "W2"]), wave="wave")


def test_study_from_the_example_survey():
    survey = expectlab.read_survey(DATA / "client_survey.sav")
    study = Study.from_survey(survey)
    assert study.id == "respondent_id"
    assert study.weights == "weight"           # the one variable typed 'weight'
    assert set(study.scales) >= {"expectation", "experience", "satisfaction"}
    rev = study.reverse_coded()
    for item in survey.codebook.reverse_items:
        lo, hi = survey.codebook.get(item).scale
        expected = lo + hi - survey.data[item]
        pd.testing.assert_series_equal(rev.data[item], expected, check_names=False)
    assert not rev.reverse_items() or all(not rev.codebook.get(c).reverse
                                          for c in rev.reverse_items())
    assert np.isfinite(study.data[list(study.scales["satisfaction"])].to_numpy(float)).any()
