"""Dockerfile and go.mod analysis (skaffold_ls.buildfiles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.buildfiles import (
    DockerfileError,
    find_go_mod,
    parse_dockerfile,
    parse_dockerfile_text,
    parse_go_mod,
)
from skaffold_ls.buildfiles.dockerfile import substitute
from tests.debug.conftest import FIXTURES


def test_users_guide_dockerfile() -> None:
    df = parse_dockerfile(FIXTURES / "guide" / "Dockerfile", build_args={"SKAFFOLD_GO_GCFLAGS": "all=-N -l"})
    assert [s.name for s in df.stages] == ["builder", None]
    builder, final = df.stages
    assert builder.base_image == "golang:1.18" and builder.workdir == "/go" and not builder.workdir_explicit
    assert builder.context_copies[0].sources == ["main.go"] and builder.context_copies[0].dest == "/go"
    assert builder.context_copies[0].context_roots() == [(".", "/go")]
    b = df.go_build_for()
    assert b is not None and b.stage_index == 0 and b.line == 5
    assert b.output == "/app" and b.packages == ["main.go"] and b.gcflags == ["all=-N -l"] and not b.trimpath
    assert final.cmd is not None and final.cmd.form == "exec" and final.cmd.argv == ["./app"]
    assert final.env == {"GOTRACEBACK": "single"}
    assert final.copies[0].from_stage == "builder" and final.copies[0].dest == "/"
    assert df.declares_arg("SKAFFOLD_GO_GCFLAGS") and not df.declares_arg("SKAFFOLD_RUN_MODE")


def test_args_platform_workdir_and_subpackage() -> None:
    df = parse_dockerfile(FIXTURES / "workdir-src" / "Dockerfile")
    build = df.stages[0]
    assert build.base_image == "golang:1.19" and build.platform == "$BUILDPLATFORM"  # set by BuildKit only
    assert build.workdir == "/src" and build.workdir_explicit
    b = df.go_build_for()
    assert b is not None and b.dir == "/src" and b.main_package == "./cmd/server" and b.output == "/out/server"
    assert b.env == {"CGO_ENABLED": "0"} and b.gcflags == [""]
    assert df.final_stage.entrypoint is not None and df.final_stage.entrypoint.argv == ["/server"]


def test_build_flags_cd_mounts_and_goflags() -> None:
    text = """\
FROM --platform=linux/arm64 golang:1.22 AS b
ENV GOFLAGS=-trimpath
WORKDIR /work
WORKDIR svc
RUN --mount=type=cache,target=/root/.cache/go-build cd ./api && \\
    GOOS=linux go build -tags "a b" -ldflags="-s -w" -o=../bin/ ./cmd/api
FROM scratch
COPY --from=0 /work/svc/bin/api /api
ENTRYPOINT /api --flag
"""
    df = parse_dockerfile_text(text)
    st = df.stages[0]
    assert st.platform == "linux/arm64" and st.workdir == "/work/svc"
    b = df.go_build_for()
    assert b is not None
    assert b.dir == "/work/svc/api" and b.output == "/work/svc/bin/" and b.trimpath
    assert b.tags == ["a", "b"] and b.ldflags == ["-s -w"] and b.env["GOOS"] == "linux"
    ep = df.final_stage.entrypoint
    assert ep is not None and ep.form == "shell" and ep.shell_text == "/api --flag"


def test_stage_inheritance_and_target() -> None:
    df = parse_dockerfile_text("FROM python:3.12 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS dev\nCMD python app.py\n"
                               "FROM base AS prod\nCMD gunicorn app\n")
    dev = df.target_stage("dev")
    assert dev.parent_stage == 0 and dev.workdir == "/app" and dev.cmd is not None
    assert df.target_stage(None).name == "prod"
    assert df.stage(1) is dev and df.stage("DEV") is dev


def test_substitution_forms() -> None:
    v = {"A": "x", "E": ""}
    assert substitute("$A ${A} ${A:-d} ${E:-d} ${N:-d} ${A:+y} ${E:+y} \\$A", v) == "x x x d d y  $A"


def test_no_from_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DockerfileError):
        parse_dockerfile_text("RUN echo hi\n")
    with pytest.raises(DockerfileError, match="cannot read"):
        parse_dockerfile(tmp_path / "missing")


def test_go_mod(tmp_path: Path) -> None:
    m = parse_go_mod('// c\nmodule "example.com/x/v2" // trailing\n\ngo 1.21\n', tmp_path / "go.mod")
    assert m is not None and m.module == "example.com/x/v2" and m.go_version == "1.21"
    (tmp_path / "go.mod").write_text("module example.com/root\n")
    (tmp_path / "a" / "b").mkdir(parents=True)
    found = find_go_mod(tmp_path / "a" / "b")
    assert found is not None and found.module == "example.com/root" and found.root == tmp_path.resolve()
    assert find_go_mod(tmp_path / "a" / "b", stop_at=tmp_path / "a") is None
