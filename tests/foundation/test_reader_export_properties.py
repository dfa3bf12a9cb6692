"""Property tests: export-shaped CSV files (extra header rows, trailing delimiters, ragged
rows, NA-like text, codes out of scale, text in numeric items, semicolons with decimal
commas). The reader either returns every row with the values as written, or raises
InputError; never another exception, never a shifted column.
"""

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectlab import InputError, read_survey

NA_LIKE = ["NA", "N/A", "n/a", "None", "null", "NULL", "nan", "NaN", "#N/A", "-"]
cells = st.one_of(
    st.integers(-3, 120).map(str),
    st.integers(0, 99).map(lambda x: f"{x / 10:.1f}"),
    st.sampled_from(NA_LIKE + ["", "yes", "don't know", "A1", "EU"]),
)


@st.composite
def exports(draw):
    n_cols = draw(st.integers(1, 4))
    header = [f"c{j}" for j in range(n_cols)]
    rows = [draw(st.lists(cells, min_size=n_cols, max_size=n_cols))
            for _ in range(draw(st.integers(1, 6)))]
    if draw(st.booleans()):  # an extra header row of text under the names
        rows.insert(0, [f"Question {j}" for j in range(n_cols)])
    return header, rows


def _expected(cell, decimal):
    if decimal == ",":
        return cell.replace(".", ",")
    return cell


def _matches(read_value, written, numeric_column):
    if written == "":
        return pd.isna(read_value)
    if numeric_column:
        return math.isclose(float(read_value), float(written.replace(",", ".")))
    if isinstance(read_value, str):
        return read_value in (written, written.replace(",", "."))
    return math.isclose(float(read_value), float(written.replace(",", ".")))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_export_shapes_read_correctly_or_raise_input_error(tmp_path_factory, data):
    header, rows = data.draw(exports())
    # a one-column file has no delimiter in its header to detect: "0;7" is then an answer
    semicolon = data.draw(st.booleans()) and len(header) > 1
    sep, decimal = (";", ",") if semicolon else (",", ".")
    written = [[_expected(c, decimal) for c in row] for row in rows]
    trailing = data.draw(st.booleans())
    ragged = data.draw(st.one_of(st.none(), st.integers(0, len(rows) - 1)))
    lines = [sep.join(header)]
    for i, row in enumerate(written):
        fields = list(row) + (["7"] if ragged == i else []) + ([""] if trailing else [])
        lines.append(sep.join(fields))
    path = tmp_path_factory.mktemp("exports") / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codebook = None
    if data.draw(st.booleans()):
        codebook = {"variables": {"c0": {"scale": [0, 10]}}}
    try:
        survey = read_survey(path, codebook=codebook)
    except InputError as exc:
        assert str(exc)
        return
    assert ragged is None, "a ragged row must never be read"
    assert list(survey.data.columns) == header
    assert len(survey.data) == len(rows)
    for j, name in enumerate(header):
        column = survey.data[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
            column)
        for i, row in enumerate(written):
            value = column.iloc[i]
            if row[j] in ("True", "False"):
                continue
            assert _matches(value, row[j], numeric), (name, i, value, row[j])
    if codebook is not None and pd.api.types.is_numeric_dtype(survey.data["c0"]):
        assert survey.data["c0"].dropna().between(0, 10).all()
