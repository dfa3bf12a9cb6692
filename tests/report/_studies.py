"""Small client files for the report-content tests (written to a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

EVIL_SEGMENTS = ("Biz $5 to $10", "<script>alert(1)</script>")


def satisfaction_only(folder: Path, n: int = 240, seed: int = 5) -> Path:
    """Only expectation / experience / satisfaction items, and every text field hostile:
    a ``$`` and ``<script>`` in segment values, question labels, scale names, title."""
    rng = np.random.default_rng(seed)
    e = rng.normal(3.2, 0.8, n)
    p = e + rng.normal(0.2, 0.8, n)
    s = 1 + 0.5 * p - 0.25 * np.abs(p - e) + rng.normal(0, 0.4, n)

    def item(x):
        return np.clip(np.rint(x + rng.normal(0, 0.5, n)), 1, 5).astype(int)

    frame = pd.DataFrame({"rid": np.arange(1, n + 1),
                          "seg $": np.where(rng.random(n) < 0.4, *EVIL_SEGMENTS),
                          "e1": item(e), "e2": item(e), "p1": item(p), "p2": item(p),
                          "s1": item(s), "s2": item(s), "v1": item(p), "v2": item(p)})
    path = folder / "satonly.csv"
    frame.to_csv(path, index=False)
    (folder / "satonly.codebook.yaml").write_text(
        "scales:\n  'Value $ <script>alert(4)</script>': [v1, v2]\n"
        "variables:\n"
        "  e1: {label: 'Expected price under $10 <script>alert(2)</script>', scale: [1, 5]}\n"
        "  e2: {label: 'Expected quick help', scale: [1, 5]}\n"
        "  p1: {label: 'Price felt like $5 <b>bold</b>', scale: [1, 5]}\n"
        "  p2: {label: 'Help was quick', scale: [1, 5]}\n"
        "  s1: {label: 'Overall satisfied <script>alert(3)</script>', scale: [1, 5]}\n"
        "  s2: {label: 'Would choose again', scale: [1, 5]}\n"
        "  v1: {label: 'Good value $$', scale: [1, 5]}\n"
        "  v2: {label: 'Fair price', scale: [1, 5]}\n", encoding="utf-8")
    return path


SAT_PARAMS = ["--param", "id_column=rid", "--param", "segment_column=seg $",
              "--param", "expectation_items=[\"e1\", \"e2\"]",
              "--param", "experience_items=[\"p1\", \"p2\"]",
              "--param", "satisfaction_items=[\"s1\", \"s2\"]",
              "--param", "scale_min=1", "--param", "scale_max=5", "--param", "n_boot=60"]


def chinese(folder: Path, n: int = 300, seed: int = 11) -> tuple[Path, list[str]]:
    """A Chinese study: Chinese labels, segment values, Kano answers and feature names."""
    rng = np.random.default_rng(seed)
    answers = ("我很喜欢", "理所当然", "无所谓", "能忍受", "我很不喜欢")
    sat = rng.normal(4.5, 1.0, n)
    frame = pd.DataFrame({
        "编号": np.arange(1, n + 1),
        "群体": np.where(rng.random(n) < 0.5, "企业客户", "个人客户"),
        "推荐": np.clip(np.rint(sat + rng.normal(2.5, 2.0, n)), 0, 10).astype(int),
        "留存": (rng.random(n) < 1 / (1 + np.exp(-(sat - 4.5)))).astype(int),
        "满意1": np.clip(np.rint(sat + rng.normal(0, 0.6, n)), 1, 7).astype(int),
        "满意2": np.clip(np.rint(sat + rng.normal(0, 0.6, n)), 1, 7).astype(int),
        # one attractive feature (like it / neutral when absent), one must-be
        "应用_正": rng.choice(answers, n, p=[0.7, 0.1, 0.15, 0.03, 0.02]),
        "应用_反": rng.choice(answers, n, p=[0.02, 0.05, 0.75, 0.13, 0.05]),
        "热线_正": rng.choice(answers, n, p=[0.1, 0.65, 0.2, 0.03, 0.02]),
        "热线_反": rng.choice(answers, n, p=[0.02, 0.03, 0.1, 0.15, 0.7]),
    })
    path = folder / "中文.csv"
    frame.to_csv(path, index=False)
    (folder / "中文.codebook.yaml").write_text(
        "scales:\n  满意度: [满意1, 满意2]\n"
        "variables:\n"
        "  满意1: {label: 总体而言我对服务商满意, scale: [1, 7]}\n"
        "  满意2: {label: 服务商满足我的需求, scale: [1, 7]}\n"
        "  推荐: {label: 您向朋友推荐我们的可能性有多大？}\n"
        "  留存: {label: 调查后十二个月内续约}\n", encoding="utf-8")
    params = ["--param", "language=zh", "--param", "id_column=编号",
              "--param", "segment_column=群体", "--param", "nps_column=推荐",
              "--param", "loyalty_outcome=留存", "--param", "loyalty_drivers=[\"满意度\"]",
              "--param", 'kano_pairs={"手机应用": ["应用_正", "应用_反"], '
              '"24 小时热线": ["热线_正", "热线_反"]}',
              "--param", "expectation_items=[]", "--param", "experience_items=[]",
              "--param", "satisfaction_items=[]", "--param", "n_boot=60",
              "--param", "study_title=客户满意度研究 2025"]
    return path, params


def optional_sections(folder: Path, n: int = 300, seed: int = 3) -> tuple[Path, list[str]]:
    """SERVQUAL batteries, ECSI items and service-failure flags in one file, made by the
    simulators, with a codebook declaring the answer scales; and the parameters that
    switch the three optional sections on."""
    import json

    from expectlab.simulate.csi import simulate_csi
    from expectlab.simulate.dynamics import simulate_recovery
    from expectlab.simulate.servqual import simulate_servqual

    sq = simulate_servqual(n=n, random_state=seed)
    csi = simulate_csi(n=n, random_state=seed)
    rec = simulate_recovery(n=n, random_state=seed)
    frame = pd.concat([sq.data.reset_index(drop=True),
                       csi.data.drop(columns="respondent_id").reset_index(drop=True),
                       rec.data.drop(columns="respondent").reset_index(drop=True)], axis=1)
    path = folder / "optional.csv"
    frame.to_csv(path, index=False)
    servqual_cols = [c for pair in sq.items.values() for c in pair] + ["overall_quality"]
    lines = ["variables:"]
    lines += [f"  {c}: {{scale: [1, 7]}}" for c in servqual_cols]
    lines += [f"  {c}: {{scale: [1, 10]}}" for c in csi.data.columns if c != "respondent_id"]
    lines += ["  satisfaction: {label: Satisfaction after the contact}",
              "  loyal: {label: Stayed a customer}"]
    (folder / "optional.codebook.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    params = ["--param", f"servqual_items={json.dumps({k: list(v) for k, v in sq.items.items()})}",
              "--param", f"servqual_dimensions={json.dumps(sq.dimensions)}",
              "--param", "servqual_overall=overall_quality",
              "--param", f"servqual_importance={json.dumps(sq.importance)}",
              "--param", "csi_model=ECSI",
              "--param", "recovery_failure=failure", "--param", "recovery_recovered=recovered",
              "--param", "recovery_handling=handling",
              "--param", 'recovery_outcomes=["satisfaction", "loyal"]',
              "--param", "n_boot=60", "--param", "random_state=7"]
    return path, params


def cli_params(args: list[str]) -> dict:
    """The ``--param`` arguments as a parameter dict (as the command reads them)."""
    from expectlab.report import parse_parameter

    return dict(parse_parameter(a) for a in args[1::2])


def prepared(frame: pd.DataFrame, folder: Path, codebook: str | None = None, **params):
    """``frame`` written to ``folder`` as a CSV (with an optional YAML codebook) and read
    by :func:`~expectlab.report.prepare_study` with ``params`` over the defaults."""
    from expectlab.report import DEFAULT_PARAMETERS, prepare_study

    path = folder / "study.csv"
    frame.to_csv(path, index=False)
    extra = {}
    if codebook is not None:
        (folder / "study.codebook.yaml").write_text(codebook, encoding="utf-8")
        extra["codebook_path"] = str(folder / "study.codebook.yaml")
    return prepare_study({**DEFAULT_PARAMETERS, "data_path": str(path), **extra, **params})


def shown_text(monkeypatch) -> list[str]:
    """Collect the HTML the report's blocks display (figures as a marker)."""
    import expectlab._display as display
    from expectlab.report import blocks

    out: list[str] = []
    monkeypatch.setattr(display, "_display_html", lambda markup: out.append(str(markup)))
    monkeypatch.setattr(blocks, "_show", out.append)
    monkeypatch.setattr(blocks, "figure", lambda fig, caption, alt=None: out.append(
        f"<figure>{caption}</figure>"))
    return out
