"""Small seeded survey-platform exports, with the table the reader should make of them.

Clients bring Qualtrics, SurveyMonkey and LimeSurvey exports and semicolon-separated files
with decimal commas. Each generator here returns an :class:`ExportFixture`: the file as
the platform writes it (header rows, quoting, line ends, byte-order mark) and the
``expected`` DataFrame that :func:`expectlab.read_survey` must return, built from the
same draws, not by reading the file. ``python -m expectlab.simulate.exports --out DIR``
writes ``<name>.csv``, ``<name>.expected.csv`` and, where the read needs one,
``<name>.codebook.yaml``; the output is byte-identical from run to run.
"""

from __future__ import annotations

import argparse
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._resample import check_random_state

__all__ = ["ExportFixture", "qualtrics_export", "surveymonkey_export", "limesurvey_export",
           "semicolon_export", "all_exports", "write_exports"]


@dataclass
class ExportFixture:
    """A platform export and what reading it must give.

    Attributes
    ----------
    name : str
        File stem (``qualtrics`` -> ``qualtrics.csv``).
    text : str
        The file's text.
    encoding : str
        How the text is written (``"utf-8-sig"`` adds the byte-order mark Qualtrics and
        Excel write).
    expected : pandas.DataFrame
        The data :func:`expectlab.read_survey` must return.
    labels : dict
        Column -> label the read codebook must carry.
    metadata : dict
        Entries the read :attr:`SurveyData.metadata` must hold.
    codebook : dict, optional
        A codebook (YAML layout) written next to the file.
    """

    name: str
    text: str
    encoding: str
    expected: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    codebook: dict[str, Any] | None = None


def _csv_text(rows: list[list[Any]], *, sep: str = ",", line_end: str = "\n",
              quote_all: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=line_end,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def _dates(rng: np.random.Generator, n: int) -> list[str]:
    minutes = np.sort(rng.integers(0, 60 * 24 * 14, size=n))
    start = pd.Timestamp("2025-03-03 08:00:00")
    return [str(start + pd.Timedelta(minutes=int(m))) for m in minutes]


_REGIONS = ["NA", "EU", "APAC"]  # "NA" is North America: it must survive the read
_COMMENTS = ["", "None", "n/a", "Fast delivery", "null", "Too expensive, honestly", "NA"]


def qualtrics_export(n: int = 10, random_state: int = 2026) -> ExportFixture:
    """A Qualtrics CSV: names, question texts and ImportId rows; a preview and a test.

    Respondent 2 is a survey preview, respondent 4 came through the test channel and
    respondent 5 did not finish.
    """
    rng = check_random_state(random_state)
    status = ["IP Address"] * n
    channel = ["anonymous"] * n
    finished = [True] * n
    status[1] = "Survey Preview"
    channel[1] = "preview"
    channel[3] = "test"
    finished[4] = False
    starts = _dates(rng, n)
    columns: dict[str, list[Any]] = {
        "StartDate": starts,
        "Status": status,
        "Progress": [100 if f else 40 for f in finished],
        "Duration (in seconds)": [int(d) for d in rng.integers(60, 900, size=n)],
        "Finished": finished,
        "ResponseId": [f"R_{i:04d}{rng.integers(1000, 9999)}" for i in range(1, n + 1)],
        "DistributionChannel": channel,
        "Q1": [int(v) for v in rng.integers(1, 8, size=n)],
        "Q2_1": [int(v) for v in rng.integers(1, 6, size=n)],
        "Q2_2": [int(v) for v in rng.integers(1, 6, size=n)],
        "Q3": [_REGIONS[int(i)] for i in rng.integers(0, 3, size=n)],
        "Q4": [_COMMENTS[int(i)] for i in rng.integers(0, len(_COMMENTS), size=n)],
    }
    texts = {
        "StartDate": "Start Date", "Status": "Response Type", "Progress": "Progress",
        "Duration (in seconds)": "Duration (in seconds)", "Finished": "Finished",
        "ResponseId": "Response ID", "DistributionChannel": "Distribution Channel",
        "Q1": "Overall, how satisfied are you with our service?",
        "Q2_1": "How much do you agree? - The app is easy to use",
        "Q2_2": "How much do you agree? - Staff are friendly",
        "Q3": "Where do you live?",
        "Q4": "Anything else you would like to tell us?",
    }
    import_ids = {
        "StartDate": '{"ImportId":"startDate","timeZone":"Europe/Berlin"}',
        "Status": '{"ImportId":"status"}', "Progress": '{"ImportId":"progress"}',
        "Duration (in seconds)": '{"ImportId":"duration"}',
        "Finished": '{"ImportId":"finished"}', "ResponseId": '{"ImportId":"_recordId"}',
        "DistributionChannel": '{"ImportId":"distributionChannel"}',
        "Q1": '{"ImportId":"QID1"}', "Q2_1": '{"ImportId":"QID2_1"}',
        "Q2_2": '{"ImportId":"QID2_2"}', "Q3": '{"ImportId":"QID3"}',
        "Q4": '{"ImportId":"QID4_TEXT"}',
    }
    names = list(columns)
    rows: list[list[Any]] = [names, [texts[c] for c in names], [import_ids[c] for c in names]]
    rows += [[columns[c][i] for c in names] for i in range(n)]
    text = _csv_text(rows, line_end="\r\n", quote_all=True)
    expected = pd.DataFrame(columns)
    expected["Q4"] = expected["Q4"].replace("", np.nan)
    ids = {c: v.split('"ImportId":"')[1].split('"')[0] for c, v in import_ids.items()}
    return ExportFixture("qualtrics", text, "utf-8-sig", expected, texts,
                         {"platform": "qualtrics", "import_ids": ids})


def surveymonkey_export(n: int = 8, random_state: int = 2027) -> ExportFixture:
    """A SurveyMonkey CSV: question row, answer-option row, multi-option questions."""
    rng = check_random_state(random_state)
    features = ["App", "Hotline", "Live chat (beta)"]
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    header = meta + ["How satisfied are you overall?", "Which services do you use?", "", "",
                     "How likely are you to recommend us?", "What could we improve?"]
    options = [""] * len(meta) + ["Response"] + features + ["Response",
                                                            "Open-Ended Response"]
    starts = _dates(rng, n)
    data: dict[str, list[Any]] = {
        "respondent_id": [int(v) for v in 114000000000 + rng.integers(0, 10**6, size=n)],
        "collector_id": [431000001] * n,
        "start_date": starts,
        "end_date": starts,
        "ip_address": [f"192.0.2.{i}" for i in range(1, n + 1)],
        "q1": [int(v) for v in rng.integers(1, 6, size=n)],
    }
    for feature in features:
        used = rng.random(n) < 0.5
        data[f"q2_{feature.lower().replace(' (beta)', '_beta').replace(' ', '_')}"] = [
            feature if u else "" for u in used]
    data["q3"] = [int(v) for v in rng.integers(0, 11, size=n)]
    data["q4"] = [_COMMENTS[int(i)] for i in rng.integers(0, len(_COMMENTS), size=n)]
    names = list(data)
    rows: list[list[Any]] = [header, options]
    rows += [[data[c][i] for c in names] for i in range(n)]
    text = _csv_text(rows, line_end="\r\n")
    expected = pd.DataFrame(data)
    for c in names:
        if expected[c].dtype == object or pd.api.types.is_string_dtype(expected[c]):
            expected[c] = expected[c].replace("", np.nan)
    labels = {
        "respondent_id": "Respondent ID", "q1": "How satisfied are you overall?",
        "q2_app": "Which services do you use?: App",
        "q2_live_chat_beta": "Which services do you use?: Live chat (beta)",
        "q3": "How likely are you to recommend us?", "q4": "What could we improve?",
    }
    return ExportFixture("surveymonkey", text, "utf-8", expected, labels,
                         {"platform": "surveymonkey"})


def limesurvey_export(n: int = 8, random_state: int = 2028) -> ExportFixture:
    """A LimeSurvey CSV with answer codes A1-A5, mapped by its codebook's value labels."""
    rng = check_random_state(random_state)
    answers = {f"q{k}": [int(v) for v in rng.integers(1, 6, size=n)] for k in (1, 2, 3)}
    data: dict[str, list[Any]] = {
        "id": list(range(1, n + 1)),
        "submitdate": _dates(rng, n),
        "lastpage": [3] * n,
        "startlanguage": ["en"] * n,
        "seed": [int(v) for v in rng.integers(10**6, 10**7, size=n)],
        "region": [_REGIONS[int(i)] for i in rng.integers(0, 3, size=n)],
    }
    codes = {f"q{k}": [f"A{v}" for v in answers[f"q{k}"]] for k in (1, 2, 3)}
    names = list(data) + list(codes)
    rows: list[list[Any]] = [names]
    rows += [[(data | codes)[c][i] for c in names] for i in range(n)]
    text = _csv_text(rows, quote_all=True)
    expected = pd.DataFrame(data | answers)
    recode = {f"A{v}": v for v in range(1, 6)}
    labels = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree",
              5: "Strongly agree"}
    codebook: dict[str, Any] = {
        "id": "id",
        "variables": {f"q{k}": {"label": f"Statement {k}", "scale": [1, 5],
                                "recode": dict(recode), "value_labels": dict(labels)}
                      for k in (1, 2, 3)},
    }
    return ExportFixture("limesurvey", text, "utf-8", expected,
                         {"q1": "Statement 1"}, {"platform": "limesurvey"}, codebook)


def semicolon_export(n: int = 8, random_state: int = 2029) -> ExportFixture:
    """A German-Excel CSV: semicolons, decimal commas, text that looks like NA."""
    rng = check_random_state(random_state)
    weights = np.round(rng.uniform(0.5, 1.5, size=n), 2)
    weights[0] = 1.25
    data: dict[str, list[Any]] = {
        "respondent_id": list(range(1, n + 1)),
        "segment": [_REGIONS[int(i)] for i in rng.integers(0, 3, size=n)],
        "weight": [float(w) for w in weights],
        "spend": [float(v) for v in np.round(rng.uniform(10, 200, size=n), 1)],
        "sat": [int(v) for v in rng.integers(1, 8, size=n)],
    }
    names = list(data)
    rows: list[list[Any]] = [names]
    for i in range(n):
        rows.append([(f"{data[c][i]:.10g}".replace(".", ",")
                      if isinstance(data[c][i], float) else data[c][i]) for c in names])
    text = _csv_text(rows, sep=";", line_end="\r\n")
    return ExportFixture("semicolon", text, "utf-8", pd.DataFrame(data), {},
                         {"sep": ";", "decimal": ","})


def all_exports() -> list[ExportFixture]:
    """Every fixture, with its default seed."""
    return [qualtrics_export(), surveymonkey_export(), limesurvey_export(), semicolon_export()]


def write_exports(directory: str | Path) -> list[Path]:
    """Write every fixture's export, expected read and codebook into ``directory``."""
    import yaml

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for fixture in all_exports():
        path = directory / f"{fixture.name}.csv"
        path.write_bytes(fixture.text.encode(fixture.encoding))
        expected = directory / f"{fixture.name}.expected.csv"
        expected.write_bytes(fixture.expected.to_csv(index=False, lineterminator="\n")
                             .encode("utf-8"))
        written += [path, expected]
        if fixture.codebook is not None:
            book = directory / f"{fixture.name}.codebook.yaml"
            book.write_bytes(yaml.safe_dump(fixture.codebook, sort_keys=False,
                                            allow_unicode=True).encode("utf-8"))
            written.append(book)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the files")
    for path in write_exports(parser.parse_args(argv).out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
