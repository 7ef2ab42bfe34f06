"""Real `check --format sarif` output through Microsoft's own validator.

`sarif-multitool validate` (npm `@microsoft/sarif-multitool`, pinned by tests/reports/package-lock.json)
runs the SARIF 2.1.0 schema, its SARIF rules and GitHub code scanning's ingestion rules (`Gh`).
Any error or warning fails the test; notes (suggestions such as "add a code snippet") are allowed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ..actions.helpers import PROJECTS
from ..tooling import missing, npm_ci

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
REPO = HERE.parents[1]


@pytest.fixture(scope="module")
def multitool() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        missing("node and npm", "Debian: apt-get install -y nodejs npm")
    npm_ci(HERE)
    r = subprocess.run(["node", "-p", "require('@microsoft/sarif-multitool')"], cwd=HERE, capture_output=True,
                       text=True, timeout=60)
    exe = Path(r.stdout.strip())
    if r.returncode != 0 or not exe.is_file():
        missing("the SARIF multitool binary for this platform", f"node said: {r.stderr[-500:]}")
    return exe


def validate(multitool: Path, sarif: Path) -> list[str]:
    """The validator's errors and warnings about `sarif` (empty: it passes)."""
    out = sarif.with_suffix(".validation.sarif")
    r = subprocess.run([str(multitool), "validate", str(sarif), "--output", str(out), "--log", "ForceOverwrite",
                        "--rule-kind", "Sarif;Gh", "--level", "Error;Warning;Note"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and out.is_file(), r.stdout + r.stderr
    results: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    found = [f"{x['ruleId']} {x.get('level', 'warning')}: {x['message'].get('arguments')}" for x in results
             if x.get("level", "warning") in ("error", "warning")]
    # The multitool says nothing at all about a log it cannot deserialize (an unknown enum value,
    # say), while it always has notes (suggestions) for one it read: silence is a failure too.
    if not results:
        found.append("the validator reported nothing: it did not read the log")
    # Its own copy of the SARIF 2.1.0 JSON schema, checked with jsonschema, catches what it skips.
    schema = json.loads((multitool.parent / "sarif-2.1.0.json").read_text(encoding="utf-8-sig"))
    log = json.loads(sarif.read_text(encoding="utf-8"))
    found += [f"schema: {e.message} at {list(e.absolute_path)}"
              for e in jsonschema.Draft7Validator(schema).iter_errors(log)]
    return found


def check_sarif(cwd: Path, out: Path, *paths: str) -> dict[str, Any]:
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "check", "--format", "sarif", *paths], cwd=cwd,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    out.write_text(r.stdout, encoding="utf-8")
    log: dict[str, Any] = json.loads(r.stdout)
    return log


def test_sarif_of_the_example_and_of_fixes_across_files_passes_the_validator(multitool: Path, tmp_path: Path):
    project = tmp_path / "go-argfrom"
    shutil.copytree(PROJECTS / "go-argfrom", project)
    shutil.copytree(REPO / "examples" / "go-ko-helm", project / "example")
    (project / "emoji.skaffold.yaml").write_text(
        'apiVersion: skaffold/v4beta14\nkind: Config\nmetadata: {name: "😀", lables: {a: b}}\n', encoding="utf-8")
    sarif = tmp_path / "check.sarif"
    log = check_sarif(project, sarif, "skaffold.yaml", "example/skaffold.yaml", "emoji.skaffold.yaml")
    results = log["runs"][0]["results"]
    # The log is worth validating: errors, notes, fixes in the file itself and in a Dockerfile.
    assert {r["level"] for r in results} >= {"error", "note"}
    changed = {c["artifactLocation"]["uri"] for r in results for fx in r.get("fixes", [])
               for c in fx["artifactChanges"]}
    assert "example/skaffold.yaml" in changed and any(u.endswith("Dockerfile") for u in changed), changed
    assert validate(multitool, sarif) == []


def test_sarif_of_a_clean_run_passes_the_validator(multitool: Path, tmp_path: Path):
    (tmp_path / "skaffold.yaml").write_text("apiVersion: skaffold/v4beta14\nkind: Config\n", encoding="utf-8")
    sarif = tmp_path / "clean.sarif"
    log = check_sarif(tmp_path, sarif, "skaffold.yaml")
    assert log["runs"][0]["results"] == []
    assert validate(multitool, sarif) == []


def test_the_validator_does_reject_broken_logs(multitool: Path, tmp_path: Path):
    # Guards the tests above against a validation that passes everything (wrong flags, say).
    (tmp_path / "skaffold.yaml").write_text("kind: Config\n", encoding="utf-8")
    sarif = tmp_path / "broken.sarif"
    good = check_sarif(tmp_path, sarif, "skaffold.yaml")
    assert validate(multitool, sarif) == []

    log = json.loads(json.dumps(good))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del log["runs"][0]["tool"]["driver"]["rules"]
    sarif.write_text(json.dumps(log), encoding="utf-8")
    found = validate(multitool, sarif)
    assert any(p.startswith("JSON1008 error") for p in found), found  # startLine < 1
    assert any(p.startswith("GH1018 error") for p in found), found  # code scanning needs rules

    log = json.loads(json.dumps(good))
    log["runs"][0]["results"][0]["level"] = "fatal"
    sarif.write_text(json.dumps(log), encoding="utf-8")
    found = validate(multitool, sarif)
    assert "the validator reported nothing: it did not read the log" in found
    assert any(p.startswith("schema: 'fatal' is not one of") for p in found), found
