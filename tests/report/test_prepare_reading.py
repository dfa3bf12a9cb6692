"""prepare_study reads the client file once, also when missing codes are given."""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

import expectlab.io as io_module
from expectlab import InputError, read_survey
from expectlab.report.parameters import DEFAULT_PARAMETERS, validate_parameters
from expectlab.report.study import prepare_study
from tests.conftest import DATA


def _prepare(data_path, **extra):
    params = {**DEFAULT_PARAMETERS, "language": "en", "style": None, "report_info": None,
              "data_path": str(data_path), **extra}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return prepare_study(validate_parameters(params, allowed=list(params)),
                             explicit=["data_path", *extra])


def test_missing_codes_read_the_file_once(monkeypatch):
    calls = []
    real = io_module._read_readstat

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(io_module, "_read_readstat", counting)
    study = _prepare(DATA / "client_survey.sav", missing_codes=[7, "don't know"])
    assert len(calls) == 1
    # the same survey as reading with the mapped items the file has
    items = [*DEFAULT_PARAMETERS["expectation_items"], *DEFAULT_PARAMETERS["experience_items"],
             *DEFAULT_PARAMETERS["satisfaction_items"],
             *[c for pair in DEFAULT_PARAMETERS["kano_pairs"].values() for c in pair], "nps"]
    direct = read_survey(DATA / "client_survey.sav", missing_codes=[7, "don't know"],
                         items=items, id_column="respondent_id")
    pd.testing.assert_frame_equal(study.survey.data, direct.data)
    pd.testing.assert_frame_equal(study.survey.missing_report, direct.missing_report)
    # 7 is now "no answer" on the mapped items only (not on ids, weights, segments)
    base = read_survey(DATA / "client_survey.sav")
    sevens = int((base.data["exp_1"] == 7).sum())
    assert sevens > 0
    assert study.survey.missing_report.loc["exp_1", "declared_missing"] == (
        base.missing_report.loc["exp_1", "declared_missing"] + sevens)
    assert study.survey.missing_report.loc["respondent_id", "declared_missing"] == 0


@pytest.fixture
def text_codes(tmp_path):
    """The example survey with "don't know" written as text in two expectation answers."""
    raw = pd.read_csv(DATA / "client_survey.csv")
    raw["exp_1"] = raw["exp_1"].astype(object)
    raw.loc[[3, 5], "exp_1"] = "don't know"
    raw.to_csv(tmp_path / "client_survey.csv", index=False)
    shutil.copy(DATA / "client_survey.codebook.yaml", tmp_path / "client_survey.codebook.yaml")
    return tmp_path / "client_survey.csv"


def test_text_missing_code_given_as_parameter_is_honoured(text_codes):
    # Regression: the report used to read the file a first time without the missing codes
    # (to learn its columns) and stopped on the very answers the user declared missing.
    study = _prepare(text_codes, missing_codes=["don't know"])
    assert study.survey.data["exp_1"].isna().iloc[[3, 5]].all()
    assert study.survey.missing_report.loc["exp_1", "declared_missing"] == 2 + (
        pd.read_csv(DATA / "client_survey.csv")["exp_1"] == 99).sum()


def test_undeclared_text_answer_still_stops_the_report(text_codes):
    with pytest.raises(InputError) as err:
        _prepare(text_codes)
    assert str(err.value).startswith(
        "client_survey.csv, column 'exp_1' (Before joining, I expected excellent network "
        "coverage): expected numbers on the scale 1-7, found non-numeric answers: 2 values, "
        "first: row 3 = \"don't know\", row 5 = \"don't know\". Declare these answers as "
        "missing codes")
