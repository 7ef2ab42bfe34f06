"""`skaffold-ls config`: arguments, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skaffold_ls.cli import main

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"
CONFIG = HEAD + """\
build:
  artifacts: [{image: app}]
profiles:
- name: prod
  activation: [{env: ENV=prod}]
  build: {tagPolicy: {sha256: {}}}
- name: broken
  patches: [{op: replace, path: /build/artifacts/4/context, value: x}]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "skaffold.yaml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENV", raising=False)
    return tmp_path


def test_prints_the_effective_config_and_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config"]) == 0  # FILE defaults to ./skaffold.yaml, as skaffold's -f
    out, err = capsys.readouterr()
    assert err == ""
    data = yaml.safe_load(out)
    assert data["build"]["tagPolicy"] == {"gitCommit": {}}  # prod is not active: the default tagger
    assert "# inactive profiles: prod (env `ENV=prod` does not hold (`ENV` is unset))" in out


def test_env_activates_a_profile(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--env", "ENV=prod", str(project)]) == 0  # a folder means its skaffold.yaml
    out = capsys.readouterr().out
    assert "# active profiles: prod (env `ENV=prod` holds (`ENV=prod`))" in out
    assert "    sha256: {}  # profile prod (skaffold.yaml:8)" in out


def test_an_error_skaffold_stops_on_exits_1_and_still_prints(project: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "-p", "broken", "-f", "skaffold.yaml"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("skaffold.yaml:10:33: error patch-path-unresolved profile `broken`, patch 1: "
                          "`invalid path: /build/artifacts/4/context`")
    assert yaml.safe_load(out)["build"]["artifacts"] == [
        {"image": "app", "context": ".", "docker": {"dockerfile": "Dockerfile"}}]


def test_an_unknown_profile_exits_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "-p", "prod,nope"]) == 1
    err = capsys.readouterr().err
    assert "skaffold.yaml:1:1: error unknown-profile profile selection (nope) did not match" in err


@pytest.mark.parametrize(("args", "message"), [
    (["config", "missing.yaml"], "no such file"),
    (["config", "--env", "NOEQUALS"], "expected KEY=VALUE"),
    (["config", "--run-dir", "nowhere"], "is not a directory"),
    (["config", "a.yaml", "-f", "b.yaml"], "two files named"),
])
def test_usage_problems_exit_2(project: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                               message: str) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--format", "json", "--command", "debug", "--no-defaults"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["command"] == "debug" and data["defaults"] is False
    assert data["configs"][0]["config"]["value"]["build"]["value"]["artifacts"]["value"][0]["value"] == {
        "image": {"value": "app", "source": {"file": "skaffold.yaml", "line": 4, "column": 23, "profile": None,
                                             "patch": None, "default": False}}}


def test_a_yaml_syntax_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "skaffold.yaml").write_text(HEAD + "build: [\n", encoding="utf-8")
    assert main(["config", str(tmp_path / "skaffold.yaml")]) == 1
    assert "error yaml-syntax" in capsys.readouterr().err


def test_the_subcommand_costs_other_subcommands_nothing_at_start_up() -> None:
    # Building the parser (every subcommand's arguments) imports no configuration code.
    code = ("import sys; from skaffold_ls.cli import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('skaffold_ls.config')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_latest_api_version_is_the_schema_stores() -> None:
    # `config` reads it without building the model (start-up time); both must agree.
    from skaffold_ls.schema.location import latest_version
    from skaffold_ls.schema.store import SchemaStore

    assert latest_version() == SchemaStore().latest
