"""PDF: the HTML report printed by headless Chromium (nothing else lays it out as well)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .._errors import InputError

__all__ = ["find_chromium", "export_pdf", "chromium_command"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable on ``PATH``, or None."""
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(browser: str, profile: Path, *args: str) -> list[str]:
    """A headless, offline Chromium command line (every host name fails to resolve)."""
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", *args]


def export_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium."""
    browser = find_chromium()
    if browser is None:
        raise InputError("PDF needs Chromium: apt-get install chromium (or leave pdf out of "
                         "--format; the HTML report prints to PDF from any browser).")
    with tempfile.TemporaryDirectory(prefix="expectlab-chromium-") as profile:
        cmd = chromium_command(browser, Path(profile), "--no-pdf-header-footer",
                               f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri())
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium did not print the PDF within {timeout} s.") from None
    if done.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"Chromium could not print the PDF (exit {done.returncode}): "
                           + " | ".join(tail))
    return pdf_path
