"""The report templates bundled with the package: listing, finding and copying them.

Templates live in ``expectlab/templates/<name>.ipynb`` inside the installed package (they
are package data), so ``expectlab report client_study`` works without a source checkout.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .._errors import InputError

__all__ = ["bundled_templates", "resolve_template", "copy_template", "TEMPLATE_DIR"]

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"

# One line per template for `expectlab report --list`; a template may override it with
# `metadata.expectlab.description` in the notebook itself.
_DESCRIPTIONS = {
    "client_study": "Client study: executive summary, data profile, Kano, satisfaction, "
                    "loyalty, NPS and purchase behaviour, with methods and data-quality "
                    "appendices.",
}


def _description(path: Path) -> str:
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        text = (meta.get("expectlab") or {}).get("description")
    except (OSError, ValueError, AttributeError):
        text = None
    return str(text or _DESCRIPTIONS.get(path.stem, "Report template."))


def bundled_templates() -> dict[str, tuple[Path, str]]:
    """Bundled templates: name -> (path, one-line description), sorted by name."""
    if not TEMPLATE_DIR.is_dir():
        return {}
    return {p.stem: (p, _description(p)) for p in sorted(TEMPLATE_DIR.glob("*.ipynb"))}


def resolve_template(name: str | Path) -> Path:
    """The template notebook for ``name``: an existing ``.ipynb`` path or a bundled name."""
    path = Path(name).expanduser()
    if path.is_file():
        if path.suffix != ".ipynb":
            raise InputError(f"Template {str(path)!r} is not a notebook (.ipynb).")
        return path.resolve()
    if path.exists():
        raise InputError(f"Template {str(path)!r} is a folder; give a template notebook.")
    bundled = bundled_templates()
    if str(name) in bundled:
        return bundled[str(name)][0]
    names = ", ".join(bundled) or "none installed"
    raise InputError(
        f"Template {str(name)!r} not found. Give the path of a template notebook or the "
        f"name of a bundled template ({names}); `expectlab report --list` shows them."
    )


def copy_template(name: str, destination: str | Path) -> Path:
    """Copy bundled template ``name`` to ``destination`` (never overwriting a file)."""
    bundled = bundled_templates()
    if name not in bundled:
        names = ", ".join(bundled) or "none installed"
        raise InputError(f"No bundled template {name!r}; bundled templates: {names}.")
    dest = Path(destination).expanduser()
    if dest.is_dir():
        dest = dest / f"{name}.ipynb"
    if dest.suffix != ".ipynb":
        raise InputError(f"Copy the template to a .ipynb file, got {str(dest)!r}.")
    if dest.exists():
        raise InputError(f"{str(dest)!r} already exists; choose another name or remove it "
                         "first (a copy never overwrites a file).")
    if not dest.parent.is_dir():
        raise InputError(f"Folder {str(dest.parent)!r} does not exist.")
    with bundled[name][0].open("rb") as src, dest.open("xb") as out:
        shutil.copyfileobj(src, out)
    return dest
