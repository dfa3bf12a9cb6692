"""Property tests: random, often malformed tables thrown at read_survey.

The reader either returns a valid result that keeps every row of the file, or raises
InputError; it never raises anything else and never drops a row silently.
"""

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectlab import InputError, read_survey

cells = st.one_of(
    st.integers(-100, 100).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3g}"),
    st.sampled_from(["", "99", "-99", "don't know", "Don\u2019t know", "n/a", "x", " 3 ",
                     "1,5", "\"", "<script>", "NaN", "inf", "True", "\u00e9t\u00e9"]),
    st.text(max_size=6),
)
names = st.one_of(st.sampled_from(["id", "q1", "q2", "seg", "w", ""]),
                  st.text(min_size=1, max_size=5))


@st.composite
def tables(draw):
    n_cols = draw(st.integers(0, 5))
    header = draw(st.lists(names, min_size=n_cols, max_size=n_cols))
    n_rows = draw(st.integers(0, 8))
    rows = [draw(st.lists(cells, min_size=n_cols, max_size=n_cols)) for _ in range(n_rows)]
    return header, rows


@st.composite
def codebooks(draw, header):
    spec = {}
    for name in draw(st.lists(st.sampled_from(header or ["q1"]), max_size=3, unique=True)):
        item = {}
        if draw(st.booleans()):
            lo = draw(st.integers(-5, 5))
            item["scale"] = [lo, lo + draw(st.integers(1, 10))]
        if draw(st.booleans()):
            item["missing"] = draw(st.lists(st.sampled_from([99, -99, "don't know", "x"]),
                                            max_size=2))
        if draw(st.booleans()):
            item["type"] = draw(st.sampled_from(["numeric", "text", "categorical"]))
        spec[name] = item
    return {"variables": spec}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_tables_give_valid_result_or_input_error(tmp_path_factory, data):
    header, rows = data.draw(tables())
    buffer = io.StringIO()
    # RFC 4180 line ends, so fields holding \r or \n are quoted as a real export would
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("prop") / "survey.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    codebook = data.draw(codebooks(header))
    id_column = data.draw(st.one_of(st.none(), st.sampled_from(header or ["id"])))
    missing = data.draw(st.one_of(st.none(), st.lists(st.sampled_from([99, "n/a", "x"]))))
    try:
        result = read_survey(path, codebook=codebook, id_column=id_column,
                             missing_codes=missing)
    except InputError as exc:
        assert str(exc)  # a message, never an empty error
        return
    # a valid result keeps every data row of the file, in order
    assert len(result.data) == len(rows)
    assert list(result.data.columns) == [h.strip() for h in header]
    report = result.missing_report
    assert (report["missing"] == result.data.isna().sum()).all()
    assert (report["declared_missing"] >= 0).all() and (report["blank"] >= 0).all()
    for name, var in codebook["variables"].items():
        if "scale" in var and pd.api.types.is_numeric_dtype(result.data[name.strip()]):
            col = result.data[name.strip()].dropna()
            assert ((col >= var["scale"][0]) & (col <= var["scale"][1])).all()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([".sav", ".dta", ".parquet", ".xlsx", ".csv"]))
def test_random_bytes_never_crash_the_reader(tmp_path_factory, blob, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"junk{suffix}"
    path.write_bytes(blob)
    try:
        result = read_survey(path)
    except InputError:
        return
    assert len(result.data) > 0
