"""One file, all findings: parse, pick each document's schema, validate, run the checks.

This is what both the language server and `skaffold-ls check` call. The checks beyond the
schema see the file through a `ConfigView` (the config package): the same model of what
skaffold loads that the editor features and the debug bridge use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from skaffold_ls import checks as checks_package
from skaffold_ls.checks.context import Check, CheckContext
from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.paths import globs_remembered
from skaffold_ls.config.sources import ConfigFile, Sources, config_file
from skaffold_ls.config.view import ConfigView
from skaffold_ls.core.findings import Finding, Pos, Range, Severity
from skaffold_ls.core.validate import DocumentInfo, ValidationOptions, validate_document
from skaffold_ls.core.yamldoc import MAX_FILE_BYTES, ParsedFile, check_alias_budget, parse
from skaffold_ls.schema.store import SchemaStore


@dataclass(slots=True)
class AnalysisOptions:
    outdated_api_version: bool = True
    schema_only: bool = False  # skip the checks beyond the schema (files, debug readiness...)
    max_file_bytes: int = MAX_FILE_BYTES


@dataclass(slots=True)
class Workspace:
    """Where the file lives and how skaffold is run there (what checks beyond the schema need)."""

    root: Path | None = None  # the workspace folder (editor) or repository (CLI)
    run_dir: Path | None = None  # explicit run directory (`--run-dir`, `skaffold.runDirectory`)
    sources: Sources | None = None  # config files (with the editor's open buffers)
    run: RunContext = field(default_factory=RunContext)


@dataclass
class Analysis:
    path: Path | None
    parsed: ParsedFile
    documents: list[DocumentInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Set when every document names a non-skaffold apiVersion (a Kubernetes
    # manifest called skaffold-rbac.yaml, say): such files get no findings.
    not_skaffold: str | None = None

    @cached_property
    def config_file(self) -> ConfigFile:
        """The file's configs as the config package reads them (built once, when first asked)."""
        return config_file(self.parsed, self.path)


def analyze(text: str, path: Path | None, store: SchemaStore, options: AnalysisOptions | None = None,
            workspace: Workspace | None = None, checks: Sequence[Check] = checks_package.ALL) -> Analysis:
    options = options or AnalysisOptions()
    parsed = parse(text, max_bytes=options.max_file_bytes)
    analysis = Analysis(path=path, parsed=parsed, findings=list(parsed.findings))
    if not parsed.analysable:
        analysis.findings = clamp_findings(analysis.findings, parsed.lines)
        return analysis
    foreign = _foreign_api_version(parsed)
    if foreign is not None:
        analysis.not_skaffold = foreign
        analysis.findings = []
        return analysis
    vopts = ValidationOptions(outdated_api_version=options.outdated_api_version)
    for doc in parsed.documents:
        bomb = check_alias_budget(doc)
        if bomb is not None:
            analysis.findings.append(bomb)
        ds, findings = validate_document(doc, store, vopts, follow_aliases=bomb is None)
        analysis.documents.append(DocumentInfo(doc, ds, aliases_refused=bomb is not None))
        analysis.findings.extend(findings)
    if not options.schema_only:
        analysis.findings.extend(run_checks(analysis, store, workspace or Workspace(), checks))
    analysis.findings.sort(key=lambda f: (f.range.start, f.severity))
    analysis.findings = clamp_findings(analysis.findings, parsed.lines)
    return analysis


def check_context(analysis: Analysis, store: SchemaStore, workspace: Workspace) -> CheckContext:
    view = ConfigView(analysis.config_file, workspace.sources, workspace.root,
                      workspace.run_dir, workspace.run)
    return CheckContext(analysis.parsed, analysis.documents, view, store)


def run_checks(analysis: Analysis, store: SchemaStore, workspace: Workspace, checks: Sequence[Check],
               should_stop: Callable[[], bool] | None = None) -> list[Finding]:
    """The checks beyond the schema on an analysis (which already holds the schema findings).

    The language server runs them apart from (and after) schema validation, so slow
    file-system checks never delay the schema diagnostics; `should_stop` lets it give
    up between checks when the document changed meanwhile.
    """
    if not analysis.parsed.analysable or analysis.not_skaffold:
        return []
    with globs_remembered():
        return _run_checks(analysis, store, workspace, checks, should_stop)


def _run_checks(analysis: Analysis, store: SchemaStore, workspace: Workspace, checks: Sequence[Check],
                should_stop: Callable[[], bool] | None) -> list[Finding]:
    ctx = check_context(analysis, store, workspace)
    out: list[Finding] = []
    seen: set[tuple[str, Range, str]] = set()  # a node reached twice (YAML aliases) is reported once
    for check in checks:
        if should_stop is not None and should_stop():
            break
        try:
            for finding in check(ctx):
                key = (finding.code, finding.range, finding.message)
                if key not in seen:
                    seen.add(key)
                    out.append(finding)
        except Exception as e:  # a broken check must never take the others down
            out.append(Finding(
                "internal-error", Severity.WARNING,
                f"skaffold-ls check {getattr(check, '__name__', check)!s} failed: {e!r}",
                Range.of(0, 0, 0, 1)))
    return clamp_findings(out, analysis.parsed.lines)


def clamp_findings(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """Every range inside the document and start <= end. libyaml's end marks can sit
    after the last line, and nodes cut short by a syntax error have no real end."""
    last = max(len(lines) - 1, 0)

    def inside(p: Pos) -> Pos:
        if p.line > last:
            return Pos(last, len(lines[last]) if lines else 0)
        line = max(p.line, 0)
        return Pos(line, min(max(p.col, 0), len(lines[line]) if lines else 0))

    out = []
    for f in findings:
        start, end = inside(f.range.start), inside(f.range.end)
        if end < start:
            end = start
        out.append(f if (start, end) == tuple(f.range) else replace(f, range=Range(start, end)))
    return out


def _foreign_api_version(parsed: ParsedFile) -> str | None:
    """The apiVersion of a file that is clearly not a skaffold config, else None."""
    foreign = None
    for doc in parsed.documents:
        value = doc.scalar_at("apiVersion")
        if value is None or not value.value:
            continue
        if value.value.startswith("skaffold/"):
            return None
        foreign = foreign or value.value
    return foreign
