"""What each diagnostic code means, read from docs/diagnostics.md (the one place it is written).

`check --format sarif` turns this into SARIF rules (help text, a link to the code's section,
the code action that fixes it). The wheel carries the document as
`skaffold_ls/docs/diagnostics.md`; a checkout reads it from `docs/`.

Stdlib only, no pygls.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

DOC_NAME = "diagnostics.md"
DIST_NAME = "skaffold-ls"


@dataclass(frozen=True, slots=True)
class CodeDoc:
    code: str
    section: str  # the heading the code's table sits under
    severity: str  # as the document says it ("error", "warning / information", ...)
    meaning: str  # Markdown, as written in the table
    fix_actions: tuple[str, ...] = ()  # `skaffold-ls fix --action` names that fix it

    @property
    def anchor(self) -> str:
        return github_slug(self.section)

    @property
    def topic(self) -> str:
        """The section's heading without its parenthesised remark."""
        return self.section.split(" (", 1)[0].strip()

    @property
    def meaning_text(self) -> str:
        """The meaning without Markdown code marks (for plain-text consumers)."""
        return self.meaning.replace("`", "")


_CODE = re.compile(r"`([a-z0-9]+(?:-[a-z0-9]+)*)`")


def parse_diagnostics_doc(text: str) -> dict[str, CodeDoc]:
    """Every `| `code` | severity | meaning | [fix] |` row of the document, by code.

    A row may name several codes (`missing-kind`, `unknown-kind`); the fix column, where
    the table has one, names code actions in backticks.
    """
    out: dict[str, CodeDoc] = {}
    section = ""
    columns: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            columns = []
            continue
        if not line.startswith("|"):
            columns = []
            continue
        cells = _cells(line)
        if not columns:
            columns = [c.lower() for c in cells]
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue
        row = dict(zip(columns, cells, strict=False))
        codes = _CODE.findall(row.get("code", ""))
        if not codes:
            continue
        fixes = tuple(_CODE.findall(row.get("fix", "")))
        for code in codes:
            out[code] = CodeDoc(code, section, row.get("severity", ""), row.get("meaning", ""), fixes)
    return out


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row (`\\|` inside a cell is kept as `|`)."""
    body = line.strip().strip("|")
    parts = re.split(r"(?<!\\)\|", body)
    return [p.strip().replace("\\|", "|") for p in parts]


def github_slug(heading: str) -> str:
    """The anchor GitHub (and most Markdown renderers) give a heading."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def doc_path() -> Path | None:
    """docs/diagnostics.md inside the installed package, else in the checkout."""
    packaged = resources.files("skaffold_ls") / "docs" / DOC_NAME
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "docs" / DOC_NAME
    return checkout if checkout.is_file() else None


@functools.cache
def load() -> dict[str, CodeDoc]:
    path = doc_path()
    if path is None:
        return {}
    try:
        return parse_diagnostics_doc(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def doc_url() -> str | None:
    """Where users read the document: the project's published docs when the package
    metadata names them (`Project-URL: Documentation, ...`), else the file it was read from."""
    try:
        urls = metadata.metadata(DIST_NAME).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip().rstrip("/") + "/" + DOC_NAME
    path = doc_path()
    return path.as_uri() if path is not None else None
