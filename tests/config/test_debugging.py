"""What `skaffold debug` will do with each artifact (`config.debugging`), checked against
skaffold's own rules (pkg/skaffold/debug/transform_*.go, /work/notes/skaffold-debug-rules.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skaffold_ls.buildfiles import local_modules, parse_dockerfile_text, read_go_mod
from skaffold_ls.buildfiles.dockerfile import dwarf_stripping_flags
from skaffold_ls.buildfiles.images import ImageRef, image_config, official_image
from skaffold_ls.config.debugging import (
    DebugModel,
    allocate_port,
    debug_targets,
    deployment_of,
    existing_debug_port,
    heuristics,
    unwrap_shell,
)
from skaffold_ls.config.project import Project, load_project
from skaffold_ls.debug.mapping import derive_mapping, order_pairs
from skaffold_ls.debug.offline import offline_configurations
from tests.actions.helpers import analysis_of

from .helpers import write

REPO = Path(__file__).resolve().parents[2]


def config(yaml: str) -> str:
    return "apiVersion: skaffold/v4beta14\nkind: Config\n" + yaml


def deployment(name: str, image: str, extra: str = "", kind: str = "Deployment") -> str:
    return (f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n  template:\n    spec:\n"
            f"      containers:\n      - name: {name}\n        image: {image}\n{extra}")


def predictions(root: Path) -> tuple[Project, DebugModel]:
    project = load_project(root, env={})
    return project, DebugModel(project.artifacts)


def targets(root: Path):  # type: ignore[no-untyped-def]
    project, model = predictions(root)
    dep = deployment_of([(c.value, c.base_dir) for c in project.configs], [a.image or "" for a in project.artifacts])
    return debug_targets(model, project.artifacts, dep)


GO_BUILD = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nARG SKAFFOLD_GO_GCFLAGS\n"
            "RUN go build -gcflags=\"${SKAFFOLD_GO_GCFLAGS}\" -o /app .\n")


# ---------------------------------------------------------------------------- base images


def test_official_base_images_give_what_skaffold_sees() -> None:
    py = official_image("python:3.14.6-alpine@sha256:abc")
    assert py is not None and py.env["PYTHON_VERSION"] == "3.14.6" and py.python_version == (3, 14)
    assert py.cmd == ["python3"] and not py.entrypoint
    node = official_image("mirror.gcr.io/library/node:20-slim")
    assert node is not None and "NODE_VERSION" in node.env and node.entrypoint == ["docker-entrypoint.sh"]
    golang = official_image("docker.io/library/golang:1.23")
    assert golang is not None and not set(golang.env) & {"GODEBUG", "GOGC", "GOMAXPROCS", "GOTRACEBACK"}
    assert golang.workdir == "/go"
    assert "JAVA_VERSION" not in (official_image("amazoncorretto:21") or official_image("x")).env  # type: ignore[union-attr]
    assert "JAVA_VERSION" in official_image("eclipse-temurin:21-jre").env  # type: ignore[union-attr]
    dotnet = official_image("mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled")
    assert dotnet is not None and dotnet.env["DOTNET_RUNNING_IN_CONTAINER"] == "true"
    assert "ASPNETCORE_HTTP_PORTS" in dotnet.env and "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT" in dotnet.env
    assert "ASPNETCORE_URLS" in official_image("mcr.microsoft.com/dotnet/runtime:6.0").env  # type: ignore[union-attr]
    distroless = official_image("gcr.io/distroless/python3-debian13")
    assert distroless is not None and distroless.entrypoint == ["/usr/bin/python3.13"]
    assert not [k for k in distroless.env if k.startswith("PYTHON")] and distroless.python_version == (3, 13)
    assert official_image("gcr.io/distroless/static:debug").entrypoint == ["/busybox/sh"]  # type: ignore[union-attr]
    assert official_image("postgres:16") is None and official_image("google/cloud-sdk") is None
    assert ImageRef.parse("localhost:5000/app:1") == ImageRef("localhost:5000/app", "1")


def test_env_entrypoint_and_cmd_inherit_as_docker_does() -> None:
    df = parse_dockerfile_text(
        "FROM python:3.11 AS base\nENV A=1\nFROM base AS mid\nENTRYPOINT [\"/run\"]\n"
        "FROM mid\nCMD [\"x\"]\nENTRYPOINT [\"/other\"]\n"
        "FROM node:20 AS n\nENTRYPOINT [\"/e\"]\n")
    final = image_config(df, "2")
    assert final.env["PYTHON_VERSION"] == "3.11" and final.env["A"] == "1"
    assert final.env_origin["A"] == "Dockerfile line 2" and final.env_origin["PYTHON_VERSION"].startswith("base image")
    n = image_config(df, None)  # the last stage
    assert n.entrypoint == ["/e"] and n.cmd == []  # ENTRYPOINT resets node's inherited CMD ["node"]
    # a CMD set in the same stage survives a later ENTRYPOINT; python's CMD was reset in `mid`
    assert final.entrypoint == ["/other"] and final.cmd == ["x"]
    assert image_config(df, "mid").cmd == []
    shell = image_config(parse_dockerfile_text("FROM alpine\nCMD exec ./app --port $PORT\n"))
    assert shell.cmd == ["/bin/sh", "-c", "exec ./app --port $PORT"]
    unknown = image_config(parse_dockerfile_text("FROM internal/base:1\nENV X=1\n"))
    assert not unknown.known and unknown.unknown_base == "internal/base:1"


# ---------------------------------------------------------------------------- skaffold's rules


def test_heuristics_follow_skaffold() -> None:
    def runtimes(env: dict[str, str], entrypoint: list[str], args: list[str]) -> list[str]:
        return [m.runtime for m in heuristics(env, entrypoint, args)]

    assert runtimes({"GOTRACEBACK": "single"}, ["/app"], []) == ["go"]
    assert runtimes({}, ["/dbg/dlv", "exec", "/app"], []) == ["go"]
    assert runtimes({}, ["/app"], []) == []
    assert runtimes({}, ["/usr/bin/python3"], ["app.py"]) == ["python"]
    assert runtimes({}, ["/usr/bin/python3.13"], ["app.py"]) == []  # suffix test only
    assert runtimes({}, ["docker-entrypoint.sh"], ["node", "x.js"]) == ["nodejs"]  # a launcher: args count
    assert runtimes({}, ["/usr/local/bin/docker-entrypoint.sh"], ["node", "x.js"]) == []  # launchers are exact
    assert runtimes({}, ["dotnet"], []) == [] and runtimes({}, ["exec", "dotnet", "a.dll"], []) == ["netcore"]
    assert runtimes({}, ["/bin/sh", "-c", "exec python app.py"], []) == []  # `exec` stays the first word
    assert runtimes({}, ["/bin/sh", "-c", "python app.py"], []) == ["python"]
    assert runtimes({}, ["sh", "-c", "python app.py"], []) == []  # only absolute /bin/sh or /bin/bash
    assert runtimes({}, [], ["/bin/bash", "-c", "java -jar a.jar"]) == ["jvm"]
    assert runtimes({"PYTHONUNBUFFERED": "1", "NODE_ENV": "production"}, [], []) == ["python", "nodejs"]
    assert unwrap_shell(["/bin/sh", "-c"], ["node $APP --port=${PORT:-80} 2>&1"]) == (
        ["node", "$APP", "--port=${PORT:-80}", "2>&1"], [])


def test_port_allocation() -> None:
    assert allocate_port(56268, set()) == 56268
    assert allocate_port(56268, {56268, 56269}) == 56270
    assert allocate_port(65534, {65534}) == 65533  # upward stops below 65535, then downward
    assert allocate_port(80, set()) == 1024


def test_a_debugger_already_in_the_command_keeps_its_port() -> None:
    port = existing_debug_port
    assert port("go", {}, ["/dlv", "exec", "--headless", "--listen=:40000", "/app", "--", "--listen=1"], []) == 40000
    assert port("go", {}, ["/app"], []) is None
    assert port("python", {}, ["python", "-m", "debugpy", "--listen", "0.0.0.0:5679", "app.py"], []) == 5679
    assert port("python", {}, ["python", "-mdebugpy", "app.py"], []) is None  # no --listen: wrapped again
    assert port("python", {}, ["python", "-m", "ptvsd", "app.py"], []) == 5678
    assert port("nodejs", {"NODE_OPTIONS": "--inspect=0.0.0.0:9300"}, ["node", "a.js"], []) == 9300
    assert port("nodejs", {"NODE_OPTIONS": "--max-old-space-size=1 --inspect"}, ["node", "a.js"], []) is None
    assert port("nodejs", {}, ["node", "--inspect-brk", "a.js"], []) == 9229
    assert port("jvm", {"JAVA_TOOL_OPTIONS": "-agentlib:jdwp=transport=dt_socket,server=y,address=*:8000"},
                ["java", "-jar", "a.jar"], []) == 8000


def test_dwarf_stripping_flags() -> None:
    assert dwarf_stripping_flags(["-s -w"]) == ["-s", "-w"]
    assert dwarf_stripping_flags(["-X main.v=1 -w"]) == ["-w"]
    assert dwarf_stripping_flags(["-s -w -s=false -w=false"]) == []
    assert dwarf_stripping_flags(["-s -w=0"]) == []  # Go >= 1.22: symbol table gone, DWARF kept
    assert dwarf_stripping_flags(["-X 'main.s=-w'"]) == []


# ---------------------------------------------------------------------------- artifacts


def test_go_image_without_runtime_env_is_not_detected(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: bare}, {image: marked, context: m}]}\n"
                                "manifests: {rawYaml: [k8s.yaml]}\n"),
        "Dockerfile": GO_BUILD + "FROM gcr.io/distroless/base\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
        "m/Dockerfile": GO_BUILD + "FROM alpine:3\nENV GOTRACEBACK=single\nCOPY --from=build /app /app\n"
                                   "CMD [\"/app\"]\n",
        "k8s.yaml": deployment("bare", "bare") + "---\n" + deployment("marked", "marked"),
    })
    project, model = predictions(tmp_path)
    bare, marked = (model.predict(a) for a in project.artifacts)
    assert bare.detection.runtime is None and bare.detection.certain and bare.language == "go"
    assert marked.detection.runtime == "go" and "GOTRACEBACK" in marked.detection.reason
    assert bare.go is not None and bare.go.optimised is None and not bare.go.stripped
    # the container's env counts (by presence, valueFrom too)
    (tmp_path / "k8s.yaml").write_text(deployment("bare", "bare", "        env:\n        - name: GODEBUG\n"
                                                                   "          valueFrom: {fieldRef: {fieldPath: x}}\n"))
    t = targets(tmp_path)
    assert [(x.prediction.image_name, x.runtime) for x in t] == [("bare", "go")]


def test_a_runtime_type_skaffold_does_not_know_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: a, runtimeType: golang2}, {image: b, context: b, "
                                "runtimeType: Golang}]}\nmanifests: {rawYaml: [k8s.yaml]}\n"),
        "Dockerfile": GO_BUILD + "FROM alpine\nCOPY --from=build /app /app\n",
        "b/Dockerfile": GO_BUILD + "FROM alpine\nCOPY --from=build /app /app\n",
        "k8s.yaml": deployment("a", "a") + "---\n" + deployment("b", "b"),
    })
    assert [(x.prediction.image_name, x.runtime) for x in targets(tmp_path)] == [("a", None), ("b", "go")]
    [finding] = [f for f in analysis_of(tmp_path / "skaffold.yaml").findings if f.code == "go-runtime-not-detected"]
    assert "`runtimeType: golang2` does not help" in finding.message


def test_from_alias_resolves_through_artifact_requires(tmp_path: Path) -> None:
    """skaffold's multi-config example: leeroy-app ends in `FROM $BASE`, base sets GOTRACEBACK."""
    write(tmp_path, {
        "skaffold.yaml": config("requires: [{path: base}]\nbuild:\n  artifacts:\n  - image: app\n    requires:\n"
                                "    - {image: base, alias: BASE}\nmanifests: {rawYaml: [k8s.yaml]}\n"),
        "Dockerfile": "ARG BASE\n" + GO_BUILD + "FROM $BASE\nCOPY --from=build /app .\n",
        "base/skaffold.yaml": config("build: {artifacts: [{image: base}]}\n"),
        "base/Dockerfile": "FROM gcr.io/distroless/base\nENV GOTRACEBACK=single\nCMD [\"./app\"]\n",
        "k8s.yaml": deployment("app", "app"),
    })
    project, model = predictions(tmp_path)
    app = model.predict(next(a for a in project.artifacts if a.image == "app"))
    assert app.detection.runtime == "go" and app.image is not None and app.image.cmd == ["./app"]
    # base is built for app only: no container runs it, so skaffold never debugs it
    assert [x.prediction.image_name for x in targets(tmp_path)] == ["app"]


def test_stripped_and_optimised_go_builds(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build:\n  artifacts:\n  - {image: s}\n  - {image: k, context: k, ko: {ldflags: "
                                "['-s -w', '-X main.v=1']}}\n  - {image: c, context: c, custom: {buildCommand: ./b.sh}}\n"),
        "Dockerfile": "FROM golang:1.22 AS b\nWORKDIR /src\nCOPY . .\n"
                      "RUN go build -ldflags=\"-s -w\" -o /app .\nFROM alpine\nENV GOGC=100\nCOPY --from=b /app /app\n",
        "k/go.mod": "module example.com/k\n",
        "c/b.sh": "#!/bin/sh\nko publish --local .\n",
    })
    project, model = predictions(tmp_path)
    s, k, c = (model.predict(a) for a in project.artifacts)
    assert s.go is not None and s.go.stripped == ["-s", "-w"] and s.go.optimised is not None
    assert "declare `ARG SKAFFOLD_GO_GCFLAGS`" in s.go.optimised
    assert k.detection.runtime == "go" and k.go is not None and k.go.stripped == ["-s", "-w"]
    assert k.go.stripped_at is not None and k.go.stripped_at.text == "-s -w" and k.go.optimised is None
    assert c.go is not None and "--disable-optimizations" in (c.go.optimised or "")
    assert c.detection.runtime == "go" and not c.detection.certain  # ko images carry KO_DATA_PATH


def test_python_version_and_dotnet(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build:\n  artifacts:\n  - {image: py}\n  - {image: dl, context: dl}\n"
                                "  - {image: net, context: net}\n"),
        "Dockerfile": "FROM python:3.14-slim AS base\nFROM base\nCOPY . /app\nCMD [\"gunicorn\", \"app:app\"]\n",
        "dl/Dockerfile": "FROM gcr.io/distroless/python3-debian12\nCOPY . /app\nCMD [\"/app/main.py\"]\n",
        "net/Dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\n"
                          "RUN dotnet publish -c Debug -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\n"
                          "WORKDIR /app\nCOPY --from=build /out .\nENTRYPOINT [\"dotnet\", \"net.dll\"]\n",
    })
    project, model = predictions(tmp_path)
    py, dl, net = (model.predict(a) for a in project.artifacts)
    assert py.detection.runtime == "python" and py.python_version == (3, 14)
    # distroless python: no PYTHON* env, and `/usr/bin/python3.11` fails skaffold's suffix test
    assert dl.detection.runtime is None and dl.language == "python" and dl.python_version == (3, 11)
    assert net.detection.runtime == "netcore"
    m = derive_mapping(project.artifacts[2], tmp_path, model=model)
    assert [(p.local, p.remote) for p in m.maps] == [((tmp_path / "net").resolve(), "/src")]


# ---------------------------------------------------------------------------- containers and ports


def test_two_go_services_get_distinct_local_ports(tmp_path: Path) -> None:
    go = GO_BUILD + "FROM alpine\nENV GOTRACEBACK=all\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n"
    two = ("apiVersion: v1\nkind: Pod\nmetadata: {name: duo}\nspec:\n  initContainers:\n  - {name: init, image: a}\n"
           "  containers:\n  - {name: one, image: a, ports: [{containerPort: 56268}]}\n  - {name: two, image: b}\n")
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: a, context: a}, {image: b, context: b}]}\n"
                                "manifests: {rawYaml: [k8s.yaml]}\nportForward:\n"
                                "- {resourceType: deployment, resourceName: x, port: 80, localPort: 56270}\n"),
        "a/Dockerfile": go, "b/Dockerfile": go,
        "k8s.yaml": deployment("a", "a") + "---\n" + deployment("b", "b") + "---\n" + two,
    })
    t = targets(tmp_path)
    # different pods allocate independently (both 56268); the pod `duo` declares 56268, so its
    # containers get 56269 and 56270; local ports are distinct across the run, in artifact order
    assert [(x.workload.name, x.container.name, x.port) for x in t if x.workload and x.container] == [
        ("a", "a", 56268), ("duo", "one", 56269), ("b", "b", 56268), ("duo", "two", 56270)]
    assert [x.local_port for x in t] == [56268, 56269, 56270, 56271]
    offline = offline_configurations(tmp_path)
    ports = [r.configuration["port"] for r in offline.configs if r.configuration]
    assert ports == [56268, 56269, 56271, 56272]  # 56270 is the user's portForward
    names = [r.configuration["name"] for r in offline.configs if r.configuration]
    assert names == ["skaffold: a", "skaffold: a (duo/one)", "skaffold: b", "skaffold: b (duo/two)"]


def test_cronjobs_and_unrun_images_get_no_configuration(tmp_path: Path) -> None:
    go = GO_BUILD + "FROM alpine\nENV GOTRACEBACK=all\nCOPY --from=build /app /app\n"
    cron = ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n"
            "      template:\n        spec:\n          containers:\n          - {name: c, image: c}\n")
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: c}, {image: unused, context: u}]}\n"
                                "manifests: {rawYaml: [k8s.yaml]}\n"),
        "Dockerfile": go, "u/Dockerfile": go, "k8s.yaml": cron,
    })
    assert targets(tmp_path) == []
    notes = [r.note for r in offline_configurations(tmp_path).configs]
    assert any("unused: no container runs it" in n for n in notes)


# ---------------------------------------------------------------------------- source mapping


def test_python_maps_every_copy_most_specific_first(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: py}]}\n"),
        "Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nCOPY service/ /usr/local/lib/svc/\n"
                      "COPY main.py .\nENV PYTHONPATH=/usr/local/lib\nCMD [\"python\", \"main.py\"]\n",
        "requirements.txt": "", "main.py": "", "service/handler.py": "",
    })
    project, model = predictions(tmp_path)
    m = derive_mapping(project.artifacts[0], tmp_path, model=model)
    assert [(p.local, p.remote) for p in m.maps] == [
        ((tmp_path / "service").resolve(), "/usr/local/lib/svc"), (tmp_path.resolve(), "/app")]


def test_the_running_script_decides_between_conflicting_copies() -> None:
    pairs = [(".", "/app"), ("service", "/usr/local/lib/svc")]
    assert order_pairs(pairs, "/usr/local/lib/svc/main.py") == [("service", "/usr/local/lib/svc"), (".", "/app")]
    # the script runs from the /app copy: its view of service/ must win
    assert order_pairs(pairs, "/app/service/main.py") == [(".", "/app"), ("service", "/usr/local/lib/svc")]
    assert order_pairs([(".", "/app"), ("lib", "/app/lib")], "/app/main.py") == [("lib", "/app/lib"), (".", "/app")]
    # `COPY main.py .` brings one file, not the folder: no conflict with `COPY service/ ...`
    assert order_pairs(pairs, "/app/main.py", {(".", "/app")}) == [("service", "/usr/local/lib/svc"), (".", "/app")]


def test_node_takes_the_copy_holding_its_script(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: web}]}\n"),
        "Dockerfile": "FROM node:20\nWORKDIR /usr/src/app\nCOPY package.json .\nCOPY shared/ /opt/shared/\n"
                      "COPY src/ ./src/\nCMD [\"node\", \"src/index.js\"]\n",
        "package.json": "{}", "shared/x.js": "", "src/index.js": "",
    })
    project, model = predictions(tmp_path)
    m = derive_mapping(project.artifacts[0], tmp_path, model=model)
    assert [(p.local, p.remote) for p in m.maps] == [((tmp_path / "src").resolve(), "/usr/src/app/src")]


def test_go_build_dash_c_and_multi_module_trimpath(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: c}, {image: t, docker: {dockerfile: Dockerfile.t}}]}\n"),
        "Dockerfile": "FROM golang:1.22 AS b\nCOPY . /src\nWORKDIR /src\nARG SKAFFOLD_GO_GCFLAGS\n"
                      "RUN go build -C services/api -gcflags=\"${SKAFFOLD_GO_GCFLAGS}\" -o /app .\n"
                      "FROM alpine\nENV GOTRACEBACK=all\nCOPY --from=b /app /app\n",
        "Dockerfile.t": "FROM golang:1.22 AS b\nCOPY . /src\nWORKDIR /src/services/api\nARG SKAFFOLD_GO_GCFLAGS\n"
                        "RUN go build -trimpath -gcflags=\"${SKAFFOLD_GO_GCFLAGS}\" -o /app .\n"
                        "FROM alpine\nENV GOTRACEBACK=all\nCOPY --from=b /app /app\n",
        "services/api/go.mod": "module example.com/api\n\nreplace example.com/lib => ../../lib\n",
        "services/api/main.go": "package main\n",
        "lib/go.mod": "module example.com/lib\n",
    })
    project, model = predictions(tmp_path)
    c, t = project.artifacts
    build = model.predict(c).go
    assert build is not None and build.build is not None and build.build.dir == "/src/services/api"
    assert [(p.local, p.remote) for p in derive_mapping(c, tmp_path, model=model).maps] == [(tmp_path.resolve(), "/src")]
    m = derive_mapping(t, tmp_path, model=model)
    assert [(p.local, p.remote) for p in m.maps] == [
        ((tmp_path / "services/api").resolve(), "example.com/api"), ((tmp_path / "lib").resolve(), "example.com/lib")]
    mod = read_go_mod(tmp_path / "services/api/go.mod")
    assert mod is not None and [m.module for m in local_modules(mod)] == ["example.com/lib"]


# ---------------------------------------------------------------------------- launch-config


def _launch_config(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(REPO / "server"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "skaffold_ls", "launch-config", "--workspace", str(ws), *args],
                          capture_output=True, text=True, env=env, check=False)


def test_launch_config_lists_profiles_instead_of_failing(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": config("profiles:\n- name: dev\n  build: {artifacts: [{image: a}, {image: b}]}\n"
                                             "- name: other\n")})
    r = _launch_config(tmp_path)
    assert r.returncode == 0, r.stderr
    assert "no build artifacts without a profile: `-p dev` adds a, b" in r.stderr
    assert json.loads(r.stdout) == {"configurations": [], "compounds": []}


def test_launch_config_header_and_undetected_go(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: a}]}\nmanifests: {rawYaml: [k8s.yaml]}\n"),
        "Dockerfile": GO_BUILD + "FROM alpine\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
        "k8s.yaml": deployment("a", "a"),
    })
    r = _launch_config(tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["configurations"] == []
    assert "it is a Go build" in r.stderr and "ENV GOTRACEBACK=single" in r.stderr
    (tmp_path / "Dockerfile").write_text(GO_BUILD + "FROM alpine\nENV GOTRACEBACK=single\nCOPY --from=build /app /app\n")
    r = _launch_config(tmp_path)
    assert r.stderr.startswith("# ports are skaffold's allocation predicted offline")
    assert "replaces them with the forwarded ports it observes" in r.stderr.splitlines()[0]
    assert [c["port"] for c in json.loads(r.stdout)["configurations"]] == [56268]


@pytest.mark.parametrize("tag", ["8.0", "8.0-alpine"])
def test_dotnet_launch_config_names_the_workload(tmp_path: Path, tag: str) -> None:
    write(tmp_path, {
        "skaffold.yaml": config("build: {artifacts: [{image: net}]}\nmanifests: {rawYaml: [k8s.yaml]}\n"),
        "Dockerfile": f"FROM mcr.microsoft.com/dotnet/sdk:{tag} AS build\nWORKDIR /src\nCOPY . .\n"
                      "RUN dotnet publish -c Debug -o /out\n"
                      f"FROM mcr.microsoft.com/dotnet/aspnet:{tag}\nWORKDIR /app\nCOPY --from=build /out .\n"
                      "ENTRYPOINT [\"dotnet\", \"net.dll\"]\n",
        "k8s.yaml": deployment("net", "net").replace("metadata: {name: net}", "metadata: {name: net, namespace: shop}"),
    })
    cfg = offline_configurations(tmp_path).configs[0].configuration
    assert cfg is not None and cfg["type"] == "coreclr" and cfg["processId"] == 1
    assert cfg["pipeTransport"]["pipeArgs"] == ["exec", "-i", "-n", "shop", "-c", "net", "deployment/net", "--"]
    assert cfg["sourceFileMap"] == {"/src": "${workspaceFolder}"}
