"""The example data regenerate byte for byte, and the simulator's truth is recoverable."""

import filecmp

import numpy as np

from expectlab.simulate.client import simulate_client_survey
from expectlab.simulate.examples import write_all
from tests.conftest import DATA


def test_examples_regenerate_byte_identically(tmp_path):
    written = write_all(tmp_path)
    assert written, "no example files were written"
    for path in written:
        shipped = DATA / path.name
        assert shipped.exists(), f"{path.name} is generated but not shipped in data/"
        assert filecmp.cmp(path, shipped, shallow=False), f"{path.name} differs from data/"


def test_every_example_file_has_a_codebook():
    for path in DATA.iterdir():
        if path.suffix in (".csv", ".sav", ".parquet") and ".codebook" not in path.name \
                and not path.name.endswith(".truth.csv"):
            stem = path.name.split(".")[0]
            assert (DATA / f"{stem}.codebook.yaml").exists(), f"no codebook for {path.name}"


def test_client_simulator_truth_shows_in_the_data():
    sim = simulate_client_survey(3000, random_state=5)
    data, truth = sim.data, sim.truth["respondents"]
    sat = data[["sat_1", "sat_2"]].where(data[["sat_1", "sat_2"]] < 90).mean(axis=1)
    assert np.corrcoef(sat.fillna(sat.mean()), truth["satisfaction"])[0, 1] > 0.8
    # renewal rate follows the true probabilities
    assert abs(data["stayed"].mean() - truth["p_stay"].mean()) < 0.03
    # weights restore the population share of business customers
    w = data["weight"]
    assert abs((w * (data["segment"] == "Business")).sum() / w.sum() - 0.20) < 0.001


def test_every_example_file_reads_with_its_codebook():
    """The shipped codebooks pass the codebook schema (no unknown types, no YAML aliases)."""
    from expectlab import read_survey

    books = sorted(DATA.glob("*.codebook.yaml"))
    assert len(books) >= 4
    for book in books:
        data = book.with_name(book.name.replace(".codebook.yaml", ".csv"))
        survey = read_survey(data)
        assert survey.n_rows > 0 and len(survey.codebook.variables) >= 3
        assert "&id" not in book.read_text(encoding="utf-8")
