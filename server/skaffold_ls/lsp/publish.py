"""A document's diagnostics as LSP's JSON, without pygls or lsprotocol.

The server publishes every diagnostic through `publish_params`, and the fast start
(which answers before pygls is imported) calls the same function for the first
document; so the two cannot disagree, and the server's repeat of the fast start's
publication is recognised byte for byte and dropped (fast_start.DropResponseWriter).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skaffold_ls.analysis import Analysis, analyze
from skaffold_ls.core.findings import Finding, Pos, Range, Severity
from skaffold_ls.core.positions import to_units
from skaffold_ls.lsp.jsonsafe import clean_text, json_safe
from skaffold_ls.lsp.settings import Settings
from skaffold_ls.schema.store import SchemaStore

SOURCE = "skaffold-ls"


def line_text(lines: Sequence[str], n: int) -> str:
    """Line `n` without a trailing "\\r" (a "\\r\\n" document's lines keep it; it is not a column)."""
    line = lines[n]
    return line[:-1] if line.endswith("\r") else line


def clamp(lines: Sequence[str], pos: Pos) -> Pos:
    """`pos` moved into the document: a range past the end ends at the last character."""
    lines = lines if lines else [""]
    last = len(lines) - 1
    if pos.line > last:
        return Pos(last, len(line_text(lines, last)))
    line = max(pos.line, 0)
    return Pos(line, min(max(pos.col, 0), len(line_text(lines, line))))


def clamp_range(lines: Sequence[str], r: Range) -> Range:
    start, end = clamp(lines, r.start), clamp(lines, r.end)
    return Range(start, max(start, end))


def position(lines: Sequence[str], pos: Pos, encoding: str) -> dict[str, int]:
    """A clamped position in the client's units."""
    p = clamp(lines, pos)
    return {"line": p.line, "character": to_units(line_text(lines or [""], p.line), p.col, encoding)}


def diagnostic(f: Finding, lines: Sequence[str], encoding: str, outdated: Severity | None = None) -> dict[str, Any]:
    """One finding as an LSP Diagnostic; `outdated` overrides the severity of outdated-api-version
    (the `validation.outdatedApiVersion` setting)."""
    r = clamp_range(lines, f.range)
    sev = outdated if (f.code == "outdated-api-version" and outdated is not None) else f.severity
    d: dict[str, Any] = {"range": {"start": position(lines, r.start, encoding), "end": position(lines, r.end, encoding)},
                         "message": clean_text(f.message), "severity": int(sev), "code": f.code, "source": SOURCE}
    if f.data is not None:
        data = json_safe(f.data)
        if data is not None:
            d["data"] = data
    return d


def publish_params(uri: str, version: int | None, findings: list[Finding], lines: Sequence[str], encoding: str,
                   outdated: Severity | None) -> dict[str, Any]:
    """textDocument/publishDiagnostics params: the findings in document order, errors first on a position."""
    ordered = sorted(findings, key=lambda f: (f.range.start, f.severity))
    return {"uri": uri, "version": version,
            "diagnostics": [diagnostic(f, lines, encoding, outdated) for f in ordered]}


def schema_phase(text: str, path: Path | None, store: SchemaStore, settings: Settings) -> Analysis:
    """The analysis diagnostics are published from first: the schema, without the checks
    that read other files (they come after, when the document is quiet)."""
    return analyze(text, path, store, settings.analysis_options(schema_only=True))


def analysis_failed(error: BaseException) -> Finding:
    """What a document shows when analysing it raised: a bug of ours, said on line 1."""
    return Finding("internal-error", Severity.WARNING,
                   f"skaffold-ls could not analyse this file ({type(error).__name__}: {error}); see the server log",
                   Range.of(0, 0, 0, 1))
