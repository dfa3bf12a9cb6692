"""The README's Python examples run as written (from the repository root)."""

import re

from tests.conftest import ROOT


def test_readme_python_blocks_run(monkeypatch):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) >= 2
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile("\n".join(blocks), "README.md", "exec"), namespace)
    assert namespace["survey"].n_rows == 600
    assert "difference" in namespace["sat"].comparison_.index
