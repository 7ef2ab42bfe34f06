"""`check` output for CI: SARIF 2.1.0 and GitHub Actions workflow commands.

Pure functions of findings (plus each file's lines, to count columns the way the format
wants them); nothing here reads files or runs checks.

- SARIF: one run, rules for the codes that fired (help text and a link to their section of
  docs/diagnostics.md), results with 1-based regions in UTF-16 code units (SARIF's default
  `columnKind`, stated explicitly), and `fixes` built from the code actions that fix a finding.
  Levels: error → error, warning → warning, information → note, hint → none.
- GitHub: `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=CODE::MESSAGE`, one line per
  finding, escaped as the runner expects; information and hints become `::notice`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from skaffold_ls.core.findings import Finding, Pos, Range, Severity, TextEdit
from skaffold_ls.core.positions import UTF16, to_units
from skaffold_ls.reports.rules import CodeDoc

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "note",
                Severity.HINT: "none"}
GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "notice",
                   Severity.HINT: "notice"}


@dataclass(frozen=True, slots=True)
class FileEdits:
    """Edits to one file, with that file's lines (positions are code points into them)."""

    path: Path
    lines: Sequence[str]
    edits: Sequence[TextEdit]


@dataclass(frozen=True, slots=True)
class Fix:
    description: str
    files: Sequence[FileEdits]


@dataclass(frozen=True, slots=True)
class FileReport:
    path: Path  # as the user named it (relative paths stay relative)
    lines: Sequence[str]
    findings: Sequence[Finding]
    fixes: Mapping[int, Sequence[Fix]] = field(default_factory=dict)  # index into findings -> fixes


@dataclass(frozen=True, slots=True)
class SarifTool:
    name: str
    version: str
    information_uri: str | None = None
    docs_uri: str | None = None  # docs/diagnostics.md: rules link to its sections


# ---------------------------------------------------------------------------
# SARIF


def sarif_log(reports: Iterable[FileReport], tool: SarifTool, docs: Mapping[str, CodeDoc],
              root: Path | None = None) -> dict[str, Any]:
    """The SARIF log of one `check` run. Relative artifact URIs are relative to `root`
    (the working directory, named `%SRCROOT%`), the way code scanning wants them."""
    root = (root or Path.cwd()).resolve()
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    results: list[dict[str, Any]] = []

    def artifact(path: Path, analysed: bool = False) -> dict[str, Any]:
        loc = artifact_location(path, root)
        key = loc["uri"]
        if key not in artifact_index:
            artifact_index[key] = len(artifacts)
            artifacts.append({"location": dict(loc)})
        if analysed:
            artifacts[artifact_index[key]]["roles"] = ["analysisTarget"]
        return {**loc, "index": artifact_index[key]}

    for report in reports:
        artifact(report.path, analysed=True)  # every file checked, with findings or not
        for i, f in enumerate(report.findings):
            if f.code not in rule_index:
                rule_index[f.code] = len(rules)
                rules.append(sarif_rule(f.code, docs.get(f.code), tool.docs_uri, f.severity))
            result: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": rule_index[f.code],
                "level": SARIF_LEVELS[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact(report.path),
                    "region": sarif_region(f.range, report.lines),
                }}],
            }
            fixes = [sarif_fix(fix, artifact) for fix in report.fixes.get(i, ())]
            if fixes:
                result["fixes"] = fixes
            results.append(result)

    driver: dict[str, Any] = {"name": tool.name, "version": tool.version, "semanticVersion": tool.version,
                              "rules": rules}
    if tool.information_uri:
        driver["informationUri"] = tool.information_uri
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
        "artifacts": artifacts,
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def artifact_location(path: Path, root: Path) -> dict[str, str]:
    """A path under `root` as a relative URI with `uriBaseId`, anything else as a file URI."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(rel.as_posix()), "uriBaseId": SRCROOT}


def sarif_region(rng: Range, lines: Sequence[str]) -> dict[str, int]:
    start, end = _clamp(rng.start, lines), _clamp(rng.end, lines)
    return {
        "startLine": start.line + 1,
        "startColumn": _col(start, lines) + 1,
        "endLine": end.line + 1,
        "endColumn": _col(end, lines) + 1,
    }


def _clamp(pos: Pos, lines: Sequence[str]) -> Pos:
    if not lines:
        return Pos(0, 0)
    line = min(max(pos.line, 0), len(lines) - 1)
    return Pos(line, min(max(pos.col, 0), len(lines[line])))


def _col(pos: Pos, lines: Sequence[str]) -> int:
    return to_units(lines[pos.line], pos.col, UTF16) if lines else 0


def sarif_rule(code: str, doc: CodeDoc | None, docs_uri: str | None, seen: Severity) -> dict[str, Any]:
    if doc is None:
        text = f"skaffold-ls diagnostic `{code}` (not described in docs/diagnostics.md yet)."
        rule: dict[str, Any] = {"id": code, "name": _rule_name(code),
                                "shortDescription": {"text": text.replace("`", "")},
                                "help": {"text": text.replace("`", ""), "markdown": text}}
        if docs_uri:
            rule["helpUri"] = docs_uri
        rule["defaultConfiguration"] = {"level": SARIF_LEVELS[seen]}
        return rule
    short = _first_sentence(doc.meaning_text)
    fix_md = ""
    if doc.fix_actions:
        fix_md = "\n\nQuick fix: " + ", ".join(f"`skaffold-ls fix --action {a}`" for a in doc.fix_actions)
    help_md = f"**{code}** ({doc.severity}): {doc.meaning}{fix_md}"
    if docs_uri:
        help_md += f"\n\nSee [{doc.topic}]({docs_uri}#{doc.anchor}) in docs/diagnostics.md."
    rule = {
        "id": code,
        "name": _rule_name(code),
        "shortDescription": {"text": short},
        "fullDescription": {"text": doc.meaning_text},
        "help": {"text": doc.meaning_text + fix_md.replace("`", ""), "markdown": help_md},
        "defaultConfiguration": {"level": _default_level(doc.severity, seen)},
        "properties": {"tags": [doc.topic]},
    }
    if docs_uri:
        rule["helpUri"] = f"{docs_uri}#{doc.anchor}"
    return rule


def _rule_name(code: str) -> str:
    """SARIF's `name` is an identifier-like form of the id: `unknown-key` -> `UnknownKey`."""
    return "".join(part[:1].upper() + part[1:] for part in code.split("-"))


def _first_sentence(text: str) -> str:
    for sep in ("; ", ": ", ". "):
        head, found, _ = text.partition(sep)
        if found and len(head) >= 12:
            return head.rstrip(".")
    return text


def _default_level(severity: str, seen: Severity) -> str:
    words = severity.replace("/", " ").split()
    for word, level in (("error", "error"), ("warning", "warning"), ("information", "note"),
                        ("info", "note"), ("hint", "none")):
        if word in words:
            return level
    return SARIF_LEVELS[seen]


def sarif_fix(fix: Fix, artifact: Any) -> dict[str, Any]:
    return {
        "description": {"text": fix.description.replace("`", "")},
        "artifactChanges": [
            {
                "artifactLocation": artifact(fe.path),
                "replacements": [
                    {"deletedRegion": sarif_region(e.range, fe.lines), "insertedContent": {"text": e.new_text}}
                    for e in fe.edits
                ],
            }
            for fe in fix.files
        ],
    }


# ---------------------------------------------------------------------------
# GitHub Actions workflow commands


def github_command(path: str | Path, f: Finding) -> str:
    """One finding as a workflow command; GitHub shows it as an annotation on the line.

    Lines and columns are 1-based code points, as `check` prints them."""
    start, end = f.range
    props = [
        ("file", str(path)),
        ("line", str(start.line + 1)),
        ("col", str(start.col + 1)),
        ("endLine", str(end.line + 1)),
    ]
    if end.line == start.line:
        props.append(("endColumn", str(end.col + 1)))
    props.append(("title", f.code))
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{GITHUB_COMMANDS[f.severity]} {rendered}::{escape_data(f.message)}"


def escape_data(text: str) -> str:
    """The runner's escaping of a command's message (`%`, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """The runner's escaping of a property value (also `:` and `,`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
