"""Switch an artifact between the docker and ko builders (the user's guide's advice)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from skaffold_ls.actions.offer import ActionContext, Offer
from skaffold_ls.actions.text import Refused, Text, disabled, file_edit
from skaffold_ls.actions.upgrade import errors_added, upgrade
from skaffold_ls.buildfiles import find_go_mod
from skaffold_ls.buildfiles.goimage import plan_ko
from skaffold_ls.config.nodes import ArtifactNode, artifacts, is_cluster_build
from skaffold_ls.core.findings import Range
from skaffold_ls.core.textedit import (
    insert_pair,
    mapping_of,
    render_flow,
    render_value_lines,
    sequence_of,
    value_end,
)
from skaffold_ls.core.yamldoc import Scalar, scalar_text
from skaffold_ls.features.types import CodeAction, TextEdit
from skaffold_ls.schema.versions import sort_key

KIND = "refactor.rewrite"
KO_SINCE = "skaffold/v2beta26"  # the first apiVersion whose artifacts accept `ko`
KO_DEFAULT_BASE = "cgr.dev/chainguard/static:latest"  # ko v0.18.1, as vendored by skaffold


def replace_builder(t: Text, art: ArtifactNode, new_key: str, value: dict[str, object]) -> TextEdit:
    pair = art.node.pair(art.builder) if art.node.pair(art.builder) is not None else None
    if pair is None:
        return insert_pair(t.lines, t.style, art.node, None, new_key, value,
                           after=["context", "image"])
    end = value_end(t.lines, pair)
    if art.node.flow:
        return TextEdit(Range(pair.key.start, end), f"{new_key}: {render_flow(value)}")
    indent = pair.key.start.col
    lines = render_value_lines(new_key, value, indent, t.style)
    lines[0] = lines[0][indent:]
    return TextEdit(Range(pair.key.start, end), t.style.newline.join(lines))


def builder_offers(ctx: ActionContext) -> list[Offer]:
    out: list[Offer] = []
    t = ctx.text
    docs = t.parsed.documents
    for art in artifacts(docs, ctx.folder):
        if not ctx.touches(art.node):
            continue
        if art.builder == "docker" and not is_cluster_build(docs[art.doc_index]):
            out.append(_docker_to_ko(ctx, art))
        elif art.builder == "ko":
            out.append(_ko_to_docker(ctx, art))
    return out


def _docker_to_ko(ctx: ActionContext, art: ArtifactNode) -> Offer:
    title = f"Build {art.label()} with ko instead of docker"
    if ctx.path is None or art.context is None or art.dockerfile is None:
        return Offer(disabled(title, KIND, "docker-to-ko", "save the file first: the Dockerfile is read from disk"))
    if not art.dockerfile.is_file():
        where = art.dockerfile.relative_to(ctx.path.parent) if art.dockerfile.is_relative_to(ctx.path.parent) \
            else art.dockerfile
        return Offer(disabled(title, KIND, "docker-to-ko", f"no Dockerfile at {where}"), [], art.node.range)
    plan = plan_ko(art.dockerfile, art.context, art.target, art.build_args)
    if plan.refusal:
        return Offer(disabled(title, KIND, "docker-to-ko", plan.refusal), plan.notes, art.node.range)
    t = ctx.text
    notes = list(plan.notes)
    version = t.parsed.documents[art.doc_index].scalar_at("apiVersion")
    target = art
    if version is not None and version.value in ctx.feature.store.known_versions() \
            and sort_key(version.value) < sort_key(KO_SINCE):
        # ko artifacts do not exist in this apiVersion: upgrade the document first, in the same edit
        try:
            upgraded = upgrade(t.text, ctx.feature.store, documents=[art.doc_index])
        except Refused as e:
            return Offer(disabled(title, KIND, "docker-to-ko", f"`{version.value}` predates ko ({KO_SINCE}) and "
                                                               f"upgrading it first is refused: {e}"),
                         notes, art.node.range)
        t = Text(upgraded.text)
        found = next((a for a in artifacts(t.parsed.documents, ctx.folder) if (a.doc_index, a.section, a.index)
                      == (art.doc_index, art.section, art.index)), None)
        if found is None:
            return Offer(disabled(title, KIND, "docker-to-ko", "the artifact moved while upgrading the apiVersion"),
                         notes, art.node.range)
        target = found
        notes = [f"`{version.value}` predates ko ({KO_SINCE}): the document is upgraded to {upgraded.version} "
                 "first, in the same edit", *upgraded.notes, *notes]
    new = t.apply(replace_builder(t, target, "ko", plan.ko)).text
    added = errors_added(ctx.text.text, new, art.doc_index, ctx.feature.store)
    if added:
        shown = "; ".join(f"line {e.range.start.line + 1}: {e.message}" for e in added[:3])
        return Offer(disabled(title, KIND, "docker-to-ko", f"the result would not validate: {shown}"), notes,
                     art.node.range)
    base = plan.ko.get("fromImage")
    if base:
        title += f" (fromImage {base})"
    if art.build_args:
        notes.append("docker buildArgs are dropped (they were used to read the Dockerfile)")
    sync = mapping_of(art.node.get("sync"))
    if sync is not None and sync.pair("infer") is not None:
        notes.append("`sync.infer` under ko only copies files below the package's `kodata` folder; Go source "
                     "changes rebuild the image")
    action = CodeAction(title=title, kind=KIND, name="docker-to-ko", edit=file_edit(ctx.path, ctx.text.text, new))
    return Offer(action, notes, art.node.range)


_TEMPLATE = re.compile(r"\{\{")


def _ko_to_docker(ctx: ActionContext, art: ArtifactNode) -> Offer:
    title = f"Build {art.label()} with a generated Dockerfile instead of ko"
    name = "ko-to-docker"
    if ctx.path is None or art.context is None:
        return Offer(disabled(title, KIND, name, "save the file first"))
    ko = art.builder_mapping
    values: dict[str, list[str]] = {}
    for key in ("env", "flags", "ldflags"):
        seq = sequence_of(ko.get(key)) if ko else None
        values[key] = [s for s in (scalar_text(i) for i in (seq.items if seq else [])) if s is not None]
    labels = mapping_of(ko.get("labels")) if ko else None
    label_values = {p.key.value: scalar_text(p.value) or "" for p in (labels.pairs if labels else [])
                    if isinstance(p.key, Scalar)}
    templated = [v for vs in values.values() for v in vs if _TEMPLATE.search(v)]
    templated += [v for v in label_values.values() if _TEMPLATE.search(v)]
    if templated:
        return Offer(disabled(title, KIND, name, f"`{templated[0]}` is a Go template skaffold expands for ko; "
                                                 "a Dockerfile cannot say the same"), [], art.node.range)
    main = scalar_text(ko.get("main")) if ko else None
    kdir = scalar_text(ko.get("dir")) if ko else None
    if (art.image or "").startswith("ko://"):
        return Offer(disabled(title, KIND, name, "the image is a `ko://` import path; name the image first"))
    go_dir = (art.context / (kdir or ".")).resolve()
    gomod = find_go_mod(go_dir, stop_at=art.context)
    if gomod is None:
        return Offer(disabled(title, KIND, name, "no go.mod at the context: ko could not build this either"))
    notes: list[str] = []
    base = scalar_text(ko.get("fromImage")) if ko else None
    if not base:
        base = _ko_yaml_base(art.context) or KO_DEFAULT_BASE
        notes.append(f"no fromImage: the Dockerfile uses `{base}`, the base ko used")
    version = ".".join((gomod.go_version or "1").split(".")[:2])
    main = main or "."
    import_path = gomod.module
    rel = go_dir.relative_to(gomod.root).as_posix() if go_dir != gomod.root else ""
    pkg_rel = "/".join(p for p in (rel, main if not main.startswith(".") else main.lstrip("./")) if p and p != ".")
    binary = (import_path + ("/" + pkg_rel if pkg_rel else "")).rstrip("/").rsplit("/", 1)[-1]
    env = list(values["env"])
    if not any(e.startswith("CGO_ENABLED=") for e in env):
        env.insert(0, "CGO_ENABLED=0")
    flags = [f for f in values["flags"] if f not in ("-trimpath", "--trimpath")]
    if len(flags) != len(values["flags"]):
        notes.append("`-trimpath` left out so breakpoints bind under `skaffold debug`")
    dockerfile_name = "Dockerfile" if not (art.context / "Dockerfile").exists() else "Dockerfile.ko"
    if (art.context / dockerfile_name).exists():
        return Offer(disabled(title, KIND, name, f"{dockerfile_name} already exists in the context"))
    lines = [
        f"# Generated by skaffold-ls from the ko settings of `{art.image}`: same base image,",
        "# build flags and binary path as ko. ko's -trimpath is left out (debuggable builds).",
        f"FROM golang:{version} AS build",
        "WORKDIR /src",
        "COPY . .",
    ]
    if kdir and kdir != ".":
        lines.append(f"WORKDIR /src/{kdir}")
    lines.append("ARG SKAFFOLD_GO_GCFLAGS")
    cmd = [*env, "go", "build", '-gcflags="${SKAFFOLD_GO_GCFLAGS}"', *flags]
    if values["ldflags"]:
        cmd.append("-ldflags=" + json.dumps(" ".join(values["ldflags"])))
    cmd += ["-o", f"/ko-app/{binary}", main]
    lines.append("RUN " + " ".join(cmd))
    lines += ["", f"FROM {base}", f"COPY --from=build /ko-app/{binary} /ko-app/{binary}"]
    kodata = (go_dir / main / "kodata") if not main.startswith("/") else None
    if kodata is not None and kodata.is_dir():
        rel_kodata = kodata.resolve().relative_to(art.context).as_posix()
        lines.append(f"COPY {rel_kodata} /var/run/ko")
    lines.append("ENV KO_DATA_PATH=/var/run/ko")
    for k, v in label_values.items():
        lines.append(f"LABEL {k}={json.dumps(v)}")
    lines.append(f'ENTRYPOINT ["/ko-app/{binary}"]')
    dockerfile_text = "\n".join(lines) + "\n"
    value: dict[str, object] = {} if dockerfile_name == "Dockerfile" else {"dockerfile": dockerfile_name}
    t = ctx.text
    new = t.apply(replace_builder(t, art, "docker", value)).text
    edit = file_edit(ctx.path, t.text, new)
    edit.creates[art.context / dockerfile_name] = dockerfile_text
    notes.append(f"writes {dockerfile_name} in the context")
    return Offer(CodeAction(title=title + f" ({dockerfile_name}, FROM {base})", kind=KIND, name=name, edit=edit),
                 notes, art.node.range)


def _ko_yaml_base(context: Path) -> str | None:
    for name in (".ko.yaml", ".ko.yml"):
        f = context / name
        if f.is_file():
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8"))
            except Exception:
                return None
            if isinstance(data, dict) and isinstance(data.get("defaultBaseImage"), str):
                return str(data["defaultBaseImage"])
    return None

