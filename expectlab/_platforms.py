"""Survey-platform exports: Qualtrics, SurveyMonkey and LimeSurvey.

Platforms put more than column names above the answers: Qualtrics writes the question
text and a row of ``{"ImportId": ...}`` JSON under the variable names, SurveyMonkey writes
the question text and then the answer option of each column. Read naively, those rows
become respondents and every answer column becomes text. :func:`detect_platform` looks at
the header and the first two rows of a table (as strings) and says how many rows are
header, what the columns should be called and which texts are their labels.

Column names for SurveyMonkey (whose header holds question text, not variable names) are
built by one deterministic rule, see :func:`surveymonkey_columns`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["PlatformLayout", "detect_platform", "surveymonkey_columns", "slug",
           "qualtrics_notes", "ANSWER_CODE"]

# LimeSurvey (and other tools) export answer codes instead of values: A1, A2, AO01, SQ001.
ANSWER_CODE = re.compile(r"[A-Za-z]{1,3}\d{1,3}")

_SURVEYMONKEY_META = {
    "respondent id", "collector id", "start date", "end date", "ip address", "email address",
    "first name", "last name", "custom data 1", "custom data", "custom data 2",
}
_SURVEYMONKEY_SINGLE = {"", "response", "open-ended response"}
_LIMESURVEY_COLUMNS = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
                       "datestamp", "token", "refurl", "ipaddr"}
# Qualtrics Status codes in numeric exports: 1 Survey Preview, 2 Survey Test,
# 9 Preview Spam, 17 Offline Preview.
_QUALTRICS_PREVIEW_CODES = {1, 2, 9, 17}


@dataclass
class PlatformLayout:
    """What a platform export looks like above its answers.

    Attributes
    ----------
    platform : str
        ``"qualtrics"``, ``"surveymonkey"`` or ``"limesurvey"``.
    header_rows : int
        Rows below the column-name row that are header, not respondents.
    columns : list of str
        Column names to use (the file's own names for Qualtrics and LimeSurvey).
    labels : dict
        Column -> question text (used as variable labels where the codebook has none).
    metadata : dict
        Extra facts kept on :attr:`SurveyData.metadata` (e.g. Qualtrics ImportIds).
    note : str
        What was detected, for :attr:`SurveyData.notes`.
    """

    platform: str
    header_rows: int
    columns: list[str]
    labels: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def slug(text: str, max_length: int = 30) -> str:
    """Lower-case ASCII words joined by ``_`` (``"Live chat (beta)"`` -> ``"live_chat_beta"``)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return words[:max_length].rstrip("_") or "option"


def _import_id(cell: str) -> str | None:
    text = cell.strip()
    if not text.startswith("{"):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if isinstance(parsed, dict) and isinstance(parsed.get("ImportId"), str):
        return parsed["ImportId"]
    return None


def detect_platform(header: Sequence[str], first_rows: Sequence[Sequence[str]]
                    ) -> PlatformLayout | None:
    """Recognise a platform export from its header and first two rows (as strings).

    Returns ``None`` for a plain table (one header row of variable names).
    """
    header = [str(h).strip() for h in header]
    rows = [[str(c) for c in row] + [""] * (len(header) - len(row)) for row in first_rows[:2]]
    lowered = {h.casefold() for h in header}

    # Qualtrics: variable names, question text, ImportId JSON.
    if len(rows) >= 2:
        ids = [_import_id(c) for c in rows[1][:len(header)]]
        filled = [c for c in rows[1][:len(header)] if c.strip()]
        n_ids = sum(i is not None for i in ids)
        if n_ids and n_ids >= 0.5 * len(filled):
            labels = {h: rows[0][j].strip() for j, h in enumerate(header) if rows[0][j].strip()}
            import_ids = {h: i for h, i in zip(header, ids, strict=True) if i is not None}
            return PlatformLayout(
                "qualtrics", 2, list(header), labels,
                {"import_ids": import_ids, "question_text": dict(labels)},
                "Qualtrics export detected: the question-text row and the ImportId row "
                "under the column names are header, not respondents (question texts kept "
                "as labels, ImportIds in metadata['import_ids']).",
            )
    # Qualtrics without the ImportId row: "ResponseId" above "Response ID".
    if rows and "ResponseId" in header:
        j = header.index("ResponseId")
        if rows[0][j].strip().casefold() == "response id":
            labels = {h: rows[0][k].strip() for k, h in enumerate(header) if rows[0][k].strip()}
            return PlatformLayout(
                "qualtrics", 1, list(header), labels, {"question_text": dict(labels)},
                "Qualtrics export detected: the question-text row under the column names "
                "is header, not a respondent (question texts kept as labels).",
            )
    # SurveyMonkey: question text, then answer option / "Response".
    if rows and "respondent id" in lowered:
        second = {c.strip().casefold() for c in rows[0]}
        if second & {"response", "open-ended response"} or any(
                not h and rows[0][j].strip() for j, h in enumerate(header)):
            columns, labels = surveymonkey_columns(header, rows[0])
            return PlatformLayout(
                "surveymonkey", 1, columns, labels,
                {"question_text": dict(labels),
                 "original_header": [list(header), list(rows[0][:len(header)])]},
                "SurveyMonkey export detected: the two header rows (question, answer "
                "option) are combined into the column names q1, q2_<option>, ... "
                "(original texts kept as labels).",
            )
    # LimeSurvey: its fixed response-table columns.
    found = sorted(lowered & _LIMESURVEY_COLUMNS)
    if len(found) >= 3:
        return PlatformLayout(
            "limesurvey", 0, list(header), {}, {},
            f"LimeSurvey export detected (columns {', '.join(found)}). Answer codes such "
            "as A1, A2 are mapped through the codebook's recode or recode=.",
        )
    return None


def surveymonkey_columns(questions: Sequence[str], options: Sequence[str]
                         ) -> tuple[list[str], dict[str, str]]:
    """Column names and labels from SurveyMonkey's two header rows.

    The rule: the respondent columns before the questions (``Respondent ID``,
    ``Collector ID``, ``Start Date`` ...) get the slug of their header
    (``respondent_id``). Every other non-empty header cell starts a question block that
    runs over the following empty header cells; blocks are numbered from 1 in file order.
    A one-column block whose option is empty, ``Response`` or ``Open-Ended Response`` is
    ``q<k>``; otherwise each column is ``q<k>_<slug of the option>``. A name that would
    repeat gets ``_2``, ``_3``... Labels are the question text, followed by
    ``": <option>"`` for option columns.
    """
    questions = [str(q).strip() for q in questions]
    options = [str(o).strip() for o in options] + [""] * (len(questions) - len(options))
    blocks: list[tuple[int, list[int]]] = []  # (start index, member indices)
    names: list[str | None] = [None] * len(questions)
    labels: dict[str, str] = {}
    for j, question in enumerate(questions):
        if question and question.casefold() in _SURVEYMONKEY_META:
            names[j] = slug(question)
        elif question:
            blocks.append((j, [j]))
        elif blocks and blocks[-1][1][-1] == j - 1:
            blocks[-1][1].append(j)
        else:
            names[j] = ""  # an empty header outside any question: reported as unnamed
    texts: dict[int, str] = {}
    for k, (start, members) in enumerate(blocks, start=1):
        question = questions[start]
        single = len(members) == 1 and options[start].casefold() in _SURVEYMONKEY_SINGLE
        for j in members:
            if single:
                names[j] = f"q{k}"
                texts[j] = question
            else:
                names[j] = f"q{k}_{slug(options[j])}"
                texts[j] = f"{question}: {options[j]}" if options[j] else question
    seen: dict[str, int] = {}
    out: list[str] = []
    for j, name in enumerate(names):
        name = name or ""
        if name:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}_{seen[name]}"
        out.append(name)
        if j in texts:
            labels[name] = texts[j]
        elif questions[j]:
            labels[name] = questions[j]
    return out, labels


def qualtrics_notes(frame: pd.DataFrame) -> list[str]:
    """Notes on Qualtrics preview, test and unfinished responses (counted, never dropped)."""
    notes = []
    flagged = pd.Series(False, index=frame.index)
    parts = []
    if "Status" in frame.columns:
        status = frame["Status"]
        hit = status.map(_is_preview_status).astype(bool)
        if hit.any():
            counts = status[hit].astype(str).value_counts().sort_index()
            parts.append(", ".join(f"Status {k!r}: {v}" for k, v in counts.items()))
            flagged |= hit
    if "DistributionChannel" in frame.columns:
        channel = frame["DistributionChannel"]
        hit = channel.map(lambda v: isinstance(v, str)
                          and v.strip().casefold() in ("preview", "test")).astype(bool)
        if hit.any():
            counts = channel[hit].astype(str).value_counts().sort_index()
            parts.append(", ".join(f"DistributionChannel {k!r}: {v}" for k, v in counts.items()))
            flagged |= hit
    if flagged.any():
        rows = list(frame.index[flagged][:5])
        notes.append(
            f"Qualtrics: {int(flagged.sum())} preview/test response(s) ({'; '.join(parts)}; "
            f"first rows: {rows}) are kept in the data. Remove them before the analysis if "
            "they are not real respondents."
        )
    if "Finished" in frame.columns:
        finished = frame["Finished"]
        unfinished = finished.map(
            lambda v: v is False or (isinstance(v, str) and v.strip().casefold() in
                                     ("false", "0")) or (not isinstance(v, (bool, str))
                                                        and v == 0)).astype(bool)
        if unfinished.any():
            notes.append(
                f"Qualtrics: {int(unfinished.sum())} unfinished response(s) (Finished = "
                f"False; first rows: {list(frame.index[unfinished][:5])}) are kept in the "
                "data."
            )
    return notes


def _is_preview_status(value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip().casefold()
        return "preview" in text or "test" in text
    if isinstance(value, bool):
        return False
    try:
        return int(value) in _QUALTRICS_PREVIEW_CODES and float(value).is_integer()
    except (TypeError, ValueError, OverflowError):
        return False
