"""The package type-checks cleanly with mypy (configured in ``[tool.mypy]`` of pyproject)."""

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_finds_no_errors_in_the_package():
    # Run from the repository root so pyproject's [tool.mypy] applies; the cache there
    # (.mypy_cache, git-ignored) makes repeated runs take seconds instead of a minute.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "expectlab", "--cache-dir", str(ROOT / ".mypy_cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    report = result.stdout + result.stderr
    assert "No module named mypy" not in report, (
        "mypy is not installed: pip install 'expectlab[test]'")
    errors = [line for line in report.splitlines() if ": error:" in line]
    assert result.returncode == 0 and not errors, (
        f"mypy found {len(errors)} error(s):\n" + "\n".join(errors[:50]) + f"\n{report[-500:]}"
    )
    assert "Success: no issues found" in result.stdout
