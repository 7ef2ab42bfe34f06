"""docker → ko and ko → docker on real-looking projects, compared byte for byte."""

from __future__ import annotations

import pytest

from .helpers import PROJECTS, all_offers, apply_offer, errors_in, expect, offer


@pytest.mark.parametrize("project", ["go-guide", "go-argfrom", "go-monorepo"])
def test_docker_to_ko(project: str) -> None:
    path = PROJECTS / project / "skaffold.yaml"
    o = offer(path, "docker-to-ko")
    out = apply_offer(o, path)
    assert list(out) == [path]  # only the skaffold.yaml changes; the Dockerfile stays for reference
    expect(PROJECTS / project / "expected" / "docker-to-ko.yaml", out[path])
    assert errors_in(out[path], path) == []
    src = path.read_text(encoding="utf-8")
    for line in src.splitlines():
        if "#" in line:
            assert line.split("#", 1)[1] in out[path]  # comments survive


def test_docker_to_ko_derives_from_the_dockerfile() -> None:
    path = PROJECTS / "go-argfrom" / "skaffold.yaml"
    o = offer(path, "docker-to-ko")
    text = apply_offer(o, path)[path]
    # ARG-substituted final FROM, sub-package main, env, flags, ldflags, dependencies from COPY
    for want in ("fromImage: gcr.io/distroless/static-debian12:nonroot", "main: ./cmd/server",
                 "- CGO_ENABLED=0", "- -tags=netgo", "- -X example.com/shop/internal/version.Version=dev",
                 "- cmd/**"):
        assert want in text
    assert "-trimpath" not in text
    assert any("trimpath" in n for n in o.notes)
    assert "(fromImage gcr.io/distroless/static-debian12:nonroot)" in o.action.title
    # WORKDIR /src sub-package of a COPY . /src monorepo becomes ko.dir
    mono = apply_offer(offer(PROJECTS / "go-monorepo" / "skaffold.yaml", "docker-to-ko"),
                       PROJECTS / "go-monorepo" / "skaffold.yaml")
    assert "dir: services/api" in next(iter(mono.values()))


@pytest.mark.parametrize(("project", "reason"), [
    ("go-cgo", "cgo is required"),
    ("go-apk", "ko would lose: `COPY config.yaml /etc/app/config.yaml` (line 8); `RUN apk add --no-cache "
               "ca-certificates tzdata` (line 7)"),
    ("no-gomod", "no go.mod at the context"),
])
def test_docker_to_ko_refuses_with_reason(project: str, reason: str) -> None:
    o = offer(PROJECTS / project / "skaffold.yaml", "docker-to-ko")
    assert o.action.edit is None
    assert o.action.disabled_reason is not None and reason in o.action.disabled_reason


def test_ko_to_docker_generates_an_honest_dockerfile() -> None:
    path = PROJECTS / "ko-app" / "skaffold.yaml"
    o = offer(path, "ko-to-docker")
    out = apply_offer(o, path)
    dockerfile = PROJECTS / "ko-app" / "Dockerfile"
    assert set(out) == {path, dockerfile}
    expect(PROJECTS / "ko-app" / "expected" / "ko-to-docker.yaml", out[path])
    expect(PROJECTS / "ko-app" / "expected" / "ko-to-docker.Dockerfile", out[dockerfile])
    assert errors_in(out[path], path) == []
    assert "FROM cgr.dev/chainguard/static:latest" in out[dockerfile]  # the base ko used, said so
    assert any("no fromImage" in n for n in o.notes)


def test_ko_to_docker_keeps_from_image_and_refuses_templates(tmp_path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/t\n\ngo 1.21\n", encoding="utf-8")
    path = tmp_path / "skaffold.yaml"
    path.write_text("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: t\n    ko:\n"
                    "      fromImage: alpine:3.19\n      ldflags: ['-X main.v={{.VERSION}}']\n", encoding="utf-8")
    o = offer(path, "ko-to-docker")
    assert o.action.disabled_reason and "Go template" in o.action.disabled_reason
    path.write_text(path.read_text(encoding="utf-8").replace("{{.VERSION}}", "1"), encoding="utf-8")
    out = apply_offer(offer(path, "ko-to-docker"), path)
    assert "FROM alpine:3.19" in out[tmp_path / "Dockerfile"]
    assert "FROM golang:1.21 AS build" in out[tmp_path / "Dockerfile"]


def test_builder_actions_only_where_the_cursor_is() -> None:
    from skaffold_ls.core.findings import Pos, Range

    path = PROJECTS / "go-guide" / "skaffold.yaml"
    assert [o.action.name for o in all_offers(path, rng=Range(Pos(1, 0), Pos(1, 0)))] == []
    assert "docker-to-ko" in [o.action.name for o in all_offers(path, rng=Range(Pos(6, 4), Pos(6, 4)))]


def test_docker_to_ko_notes_what_it_cannot_carry(tmp_path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/v\n\ngo 1.22\n", encoding="utf-8")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nARG VERSION\n"
        'RUN go build -ldflags "-X main.version=${VERSION}" -o /app .\n'
        "FROM gcr.io/distroless/static\nCOPY --from=build /app /app\nENV LOG_LEVEL=debug\n"
        'ENTRYPOINT ["/app", "--serve"]\n', encoding="utf-8")
    path = tmp_path / "skaffold.yaml"
    path.write_text("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: v\n"
                    "    sync:\n      infer: ['**/*.go']\n", encoding="utf-8")
    o = offer(path, "docker-to-ko")
    notes = " ".join(o.notes)
    assert "`$VERSION` has no value" in notes
    assert "`ENV LOG_LEVEL=debug` is not carried over" in notes
    assert "`--serve` are not carried over" in notes
    assert "kodata" in notes
    out = apply_offer(o, path)[path]
    assert "    ko:\n      fromImage: gcr.io/distroless/static\n" in out


def _go_guide_at(tmp_path, version: str, extra: str = ""):  # type: ignore[no-untyped-def]
    import shutil

    folder = tmp_path / "guide"
    shutil.copytree(PROJECTS / "go-guide", folder, ignore=shutil.ignore_patterns("expected"))
    path = folder / "skaffold.yaml"
    text = path.read_text(encoding="utf-8").replace("skaffold/v4beta14", version) + extra
    path.write_text(text, encoding="utf-8")
    return path, text


def test_docker_to_ko_upgrades_a_config_older_than_ko_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, text = _go_guide_at(tmp_path, "skaffold/v2beta20")
    assert "rawYaml" in text  # v2beta20 has no `manifests`: the document does not validate as it is
    text = text.replace("manifests:\n  rawYaml:\n  - k8s/pod.yaml", "deploy:\n  kubectl:\n    manifests:\n    - k8s/pod.yaml")
    path.write_text(text, encoding="utf-8")
    assert errors_in(text, path) == []
    o = offer(path, "docker-to-ko")
    out = apply_offer(o, path)[path]
    assert "apiVersion: skaffold/v4beta14" in out and "    ko:\n" in out
    assert "rawYaml:" in out and "k8s/pod.yaml" in out  # skaffold's v3alpha1 move, replayed
    assert "# the hello-world app" in out  # comments survive the upgrade
    assert errors_in(out, path) == []
    assert any("predates ko (skaffold/v2beta26)" in n for n in o.notes)


def test_docker_to_ko_refuses_when_the_upgrade_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, text = _go_guide_at(tmp_path, "skaffold/v2beta20")
    text = text.replace("manifests:\n  rawYaml:\n  - k8s/pod.yaml\n", "deploy:\n  kpt:\n    dir: .\n")
    path.write_text(text, encoding="utf-8")
    o = offer(path, "docker-to-ko")
    assert o.action.edit is None and o.action.disabled_reason is not None
    assert "predates ko" in o.action.disabled_reason and "kpt" in o.action.disabled_reason
