"""`check --format sarif` and `--format github`: what a consumer reads from them.

The SARIF log is checked the way a consumer uses it (a region sliced out of the file in
UTF-16 units names the key the finding is about; applying a result's fix gives what
`skaffold-ls fix` writes); Microsoft's validator runs in test_sarif_validator.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from skaffold_ls.actions import ACTION_NAMES
from skaffold_ls.core.findings import Finding, Range, Severity
from skaffold_ls.reports import rules as code_docs
from skaffold_ls.reports.formats import (
    FileReport,
    SarifTool,
    escape_data,
    escape_property,
    github_command,
    sarif_log,
)

from ..actions.helpers import PROJECTS
from ..tooling import REPO, doc_snippet

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"
EMOJI = HEAD + 'metadata: {name: "😀 shop", lables: {team: web}}\nbuild:\n  artifacts:\n  - image: app\n'


def check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skaffold_ls", "check", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def sarif_of(cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    r = check(cwd, "--format", "sarif", *args)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout)


def utf16_slice(line: str, start_col: int, end_col: int) -> str:
    """What a consumer that counts columns in UTF-16 units (SARIF's default) shows."""
    units = line.encode("utf-16-le")
    return units[(start_col - 1) * 2:(end_col - 1) * 2].decode("utf-16-le")


def apply_sarif_fix(text: str, fix: dict[str, Any]) -> str:
    """Apply one artifactChange's replacements the way a SARIF consumer does."""
    (change,) = fix["artifactChanges"]
    lines = text.split("\n")

    def offset(line: int, col: int) -> int:
        before = sum(len(x) + 1 for x in lines[:line - 1])
        return before + len(lines[line - 1].encode("utf-16-le")[:(col - 1) * 2].decode("utf-16-le"))

    spans = sorted(((offset(r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
                     offset(r["deletedRegion"]["endLine"], r["deletedRegion"]["endColumn"]),
                     r["insertedContent"]["text"]) for r in change["replacements"]), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def test_sarif_regions_count_utf16_units_and_fixes_apply_like_the_fix_command(tmp_path: Path):
    f = tmp_path / "skaffold.yaml"
    f.write_text(EMOJI, encoding="utf-8")
    rc, log = sarif_of(tmp_path, "skaffold.yaml")
    assert rc == 1
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    (result,) = [r for r in run["results"] if r["ruleId"] == "unknown-key"]
    assert result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "skaffold.yaml", "uriBaseId": "%SRCROOT%", "index": 0}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    region = loc["region"]
    line = EMOJI.split("\n")[region["startLine"] - 1]
    # The emoji is two UTF-16 units: a code-point column would point one character early.
    assert utf16_slice(line, region["startColumn"], region["endColumn"]) == "lables"

    by_title = {fx["description"]["text"]: fx for fx in result["fixes"]}
    assert "Rename lables to labels" in by_title, list(by_title)
    fixed = apply_sarif_fix(EMOJI, by_title["Rename lables to labels"])
    subprocess.run([sys.executable, "-m", "skaffold_ls", "fix", "--action", "rename-key", "--apply",
                    "skaffold.yaml"], cwd=tmp_path, check=True, capture_output=True)
    assert fixed == f.read_text(encoding="utf-8")
    assert "labels: {team: web}" in fixed


def test_sarif_rules_carry_the_documented_help_and_link_to_their_section(tmp_path: Path):
    (tmp_path / "skaffold.yaml").write_text(EMOJI, encoding="utf-8")
    _, log = sarif_of(tmp_path, "skaffold.yaml")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "skaffold-ls" and driver["version"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {r["ruleId"] for r in log["runs"][0]["results"]}
    doc = code_docs.load()["unknown-key"]
    rule = rules["unknown-key"]
    assert rule["fullDescription"]["text"] == doc.meaning_text
    assert rule["helpUri"].endswith("diagnostics.md#schema-of-the-documents-own-apiversion")
    assert Path(rule["helpUri"].split("#")[0].removeprefix("file://")).name == "diagnostics.md"
    assert rule["defaultConfiguration"]["level"] == "error"
    for r in log["runs"][0]["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_fix_can_change_another_file_and_lists_every_checked_file(tmp_path: Path):
    project = tmp_path / "p"
    shutil.copytree(PROJECTS / "go-argfrom", project)
    (project / "clean").mkdir()
    (project / "clean" / "skaffold.yaml").write_text(HEAD, encoding="utf-8")
    _, log = sarif_of(project, "skaffold.yaml", "clean/skaffold.yaml")
    run = log["runs"][0]
    uris = [a["location"]["uri"] for a in run["artifacts"] if a.get("roles") == ["analysisTarget"]]
    assert uris == ["skaffold.yaml", "clean/skaffold.yaml"]
    (gc,) = [r for r in run["results"] if r["ruleId"] == "go-runtime-not-detected"]
    (fix,) = gc["fixes"]
    (change,) = fix["artifactChanges"]
    target = run["artifacts"][change["artifactLocation"]["index"]]["location"]["uri"]
    assert target.endswith("Dockerfile") and (project / target).is_file()
    assert any("ENV GOTRACEBACK=single" in r["insertedContent"]["text"] for r in change["replacements"])


def test_sarif_levels_follow_our_severities() -> None:
    lines = ["a: 1"]
    findings = [Finding(f"c-{s.label}", s, "m", Range.of(0, 0, 0, 1)) for s in Severity]
    log = sarif_log([FileReport(Path("skaffold.yaml"), lines, findings)], SarifTool("skaffold-ls", "0"), {})
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error", "warning", "note", "none"]
    # an undocumented code still gets a rule a consumer can show
    assert all(r["help"]["text"] for r in log["runs"][0]["tool"]["driver"]["rules"])


def test_sarif_paths_outside_the_working_directory_are_file_uris(tmp_path: Path):
    outside = tmp_path / "other dir" / "skaffold.yaml"
    log = sarif_log([FileReport(outside, [""], [])], SarifTool("skaffold-ls", "0"), {}, root=tmp_path / "cwd")
    assert log["runs"][0]["artifacts"][0]["location"] == {"uri": outside.as_uri()}
    inside = sarif_log([FileReport(tmp_path / "a b" / "skaffold.yaml", [""], [])], SarifTool("skaffold-ls", "0"),
                       {}, root=tmp_path)
    assert inside["runs"][0]["artifacts"][0]["location"] == {"uri": "a%20b/skaffold.yaml",
                                                             "uriBaseId": "%SRCROOT%"}


# ---------------------------------------------------------------------------
# docs/diagnostics.md as the rules' source


def test_the_doc_table_gives_every_code_its_meaning_and_fix() -> None:
    docs = code_docs.load()
    assert docs["missing-kind"].section == docs["unknown-kind"].section == "apiVersion and kind"
    assert docs["ko-default-base"].fix_actions == ("add-ko-from-image",)
    assert docs["images-not-pushed"].fix_actions == ("set-local-push",)
    named = {a for d in docs.values() for a in d.fix_actions}
    assert named and named <= set(ACTION_NAMES), named - set(ACTION_NAMES)


def test_doc_parsing_handles_multi_code_rows_and_escaped_pipes() -> None:
    text = ("## Some (remark)\n| code | severity | meaning | fix |\n|---|---|---|---|\n"
            "| `a-b`, `c` | warning | x \\| y `k` | `act` |\n\nprose `not-a-code`\n")
    docs = code_docs.parse_diagnostics_doc(text)
    assert set(docs) == {"a-b", "c"}
    assert docs["c"].meaning == "x | y `k`" and docs["c"].fix_actions == ("act",)
    assert docs["c"].anchor == "some-remark" and docs["c"].topic == "Some"


# ---------------------------------------------------------------------------
# GitHub workflow commands


def test_github_format_prints_one_annotation_per_finding(tmp_path: Path):
    (tmp_path / "skaffold.yaml").write_text(EMOJI, encoding="utf-8")
    r = check(tmp_path, "--format", "github", "--no-outdated", "skaffold.yaml")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines, r.stderr
    assert all(x.startswith(("::error ", "::warning ", "::notice ")) for x in lines), lines
    (unknown,) = [x for x in lines if "title=unknown-key::" in x]
    col = EMOJI.split("\n")[2].index("lables") + 1
    assert unknown.startswith(f"::error file=skaffold.yaml,line=3,col={col},endLine=3,endColumn={col + 6},"
                              "title=unknown-key::unknown key `lables`")
    text = check(tmp_path, "--no-outdated", "skaffold.yaml").stdout.splitlines()
    assert len(text) == len(lines)


def test_github_escaping_keeps_commands_on_one_line() -> None:
    f = Finding("yaml-syntax", Severity.WARNING, "100% bad:\nnext\r", Range.of(0, 0, 2, 1))
    line = github_command("dir,x/a:b.yaml", f)
    assert "\n" not in line and "\r" not in line
    assert line == ("::warning file=dir%2Cx/a%3Ab.yaml,line=1,col=1,endLine=3,title=yaml-syntax::"
                    "100%25 bad:%0Anext%0D")
    assert escape_property("a%,:") == "a%25%2C%3A" and escape_data("a,:") == "a,:"


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_ci_formats_keep_the_exit_status(tmp_path: Path, fmt: str):
    (tmp_path / "skaffold.yaml").write_text(HEAD, encoding="utf-8")
    assert check(tmp_path, "--format", fmt, "skaffold.yaml").returncode == 0
    assert check(tmp_path, "--format", fmt, "missing.yaml").returncode == 2


def test_the_readme_github_actions_job_annotates_a_bad_config(tmp_path: Path):
    job = yaml.safe_load(doc_snippet(REPO / "README.md", "github-actions"))
    steps = job["jobs"]["check"]["steps"]
    assert any("pip install" in s.get("run", "") for s in steps)
    (check_step,) = [s for s in steps if "skaffold-ls check" in s.get("run", "")]
    assert "--format github" in check_step["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "skaffold-ls").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m skaffold_ls "$@"\n',
                                         encoding="utf-8")
    (bin_dir / "skaffold-ls").chmod(0o755)
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "deploy" / "skaffold.yaml").write_text(EMOJI, encoding="utf-8")
    (repo / "README.md").write_text("not yaml\n", encoding="utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    r = subprocess.run(["bash", "-e", "-c", check_step["run"]], cwd=repo, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr  # the step fails the job on errors
    assert "::error file=deploy/skaffold.yaml,line=3," in r.stdout, r.stdout
