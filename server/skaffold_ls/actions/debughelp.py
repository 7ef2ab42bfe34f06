"""Debug helpers: make `skaffold debug` work on the first try.

- add `ARG SKAFFOLD_GO_GCFLAGS` + `-gcflags="${SKAFFOLD_GO_GCFLAGS}"` to a Go Dockerfile;
- remove `-trimpath` (ko `flags`, Dockerfile `go build`);
- rewrite a shell-form ENTRYPOINT/CMD in exec form (skaffold cannot rewrite `sh -c` lines
  that do more than run a program);
- add a `portForward` entry for a resource of the manifests;
- add a debug-only profile setting the chart's probe switch (the user's guide's
  `debug: true`), when the chart's templates guard their probes with such a value;
- fixes for the checks: `build.local.push: true`, `ko.fromImage`, loopback addresses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from skaffold_ls.actions.offer import ActionContext, Offer
from skaffold_ls.actions.text import Text, disabled, file_edit
from skaffold_ls.buildfiles.charts import probe_switch
from skaffold_ls.buildfiles.dockeredit import (
    DockerfileEdit,
    debug_ldflags_edits,
    exec_form_edit,
    gcflags_edits,
    runtime_env_edit,
    trimpath_edits,
)
from skaffold_ls.buildfiles.dockertext import DockerfileText
from skaffold_ls.config.nodes import ArtifactNode, artifacts, config_sections
from skaffold_ls.config.paths import glob_files
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Finding, Pos, Range
from skaffold_ls.core.textedit import (
    EditError,
    content_end,
    ensure_path_edit,
    get_path,
    insert_pair,
    last_line,
    mapping_of,
    remove_item,
    render_item_lines,
    render_scalar,
    sequence_of,
    value_end,
)
from skaffold_ls.core.yamldoc import Mapping, Sequence, scalar_text
from skaffold_ls.features.types import CodeAction, TextEdit, WorkspaceEdit

QUICKFIX = "quickfix"
KIND = "refactor"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "Service")
MAX_MANIFEST_BYTES = 1_000_000


def dockerfile_change(path: Path, edits: list[DockerfileEdit]) -> WorkspaceEdit:
    return WorkspaceEdit(changes={path: [TextEdit(Range(Pos(*e.start), Pos(*e.end)), e.new_text) for e in edits]})


def _dockerfile_offers(ctx: ActionContext, art: ArtifactNode) -> list[Offer]:
    out: list[Offer] = []
    if art.dockerfile is None or not art.dockerfile.is_file():
        return out
    dt = DockerfileText.read(art.dockerfile, art.build_args)
    if dt is None:
        return out
    build = dt.df.go_build_for(art.target)
    if build is not None:
        title = f"Add SKAFFOLD_GO_GCFLAGS to {art.dockerfile.name} of {art.label()}"
        res = gcflags_edits(dt, build)
        if isinstance(res, str):
            if "already" not in res:
                out.append(Offer(disabled(title, QUICKFIX, "add-go-gcflags", res), anchor=art.node.range))
        else:
            out.append(Offer(CodeAction(title=title, kind=QUICKFIX, name="add-go-gcflags",
                                        edit=dockerfile_change(dt.path, res)),
                             ["`skaffold debug` passes SKAFFOLD_GO_GCFLAGS=\"all=-N -l\" only to Dockerfiles "
                              "that declare it"], art.node.range))
        if build.trimpath:
            edits = trimpath_edits(dt, build)
            if edits:
                out.append(Offer(CodeAction(title=f"Remove -trimpath from the go build in {dt.path.name}",
                                            kind=QUICKFIX, name="remove-trimpath",
                                            edit=dockerfile_change(dt.path, edits)), [], art.node.range))
    final = dt.df.target_stage(art.target)
    for keyword, cmd in (("ENTRYPOINT", final.entrypoint), ("CMD", final.cmd)):
        if cmd is None or cmd.form != "shell":
            continue
        edit = exec_form_edit(dt, cmd, keyword)
        if edit is not None:
            out.append(Offer(CodeAction(title=f"Rewrite {keyword} in exec form in {dt.path.name}", kind=QUICKFIX,
                                        name="exec-form-entrypoint",
                                        edit=dockerfile_change(dt.path, [edit])), [], art.node.range))
    return out


def _ko_offers(ctx: ActionContext, art: ArtifactNode) -> list[Offer]:
    out: list[Offer] = []
    t = ctx.text
    ko_pair = art.builder_pair
    ko = art.builder_mapping
    flags = sequence_of(ko.get("flags")) if ko else None
    path = ctx.path or Path("untitled:skaffold.yaml")
    if flags is not None:
        flags_pair = ko.pair("flags") if ko else None
        for i, item in enumerate(flags.items):
            if scalar_text(item) in ("-trimpath", "--trimpath", "-trimpath=true"):
                new = t.apply(remove_item(t.lines, flags, i, flags_pair)).text
                out.append(Offer(CodeAction(title=f"Remove -trimpath from ko flags of {art.label()}", kind=QUICKFIX,
                                            name="remove-trimpath", edit=file_edit(path, t.text, new)),
                                 ["ko already trims paths except under `skaffold debug`"], art.node.range))
                break
    if ko_pair is not None and (ko is None or ko.pair("fromImage") is None):
        base = _suggest_base(ctx, art)
        edit = insert_pair(t.lines, t.style, ko, ko_pair, "fromImage", base, before=ko.keys() if ko else ())
        new = t.apply(edit).text
        out.append(Offer(CodeAction(title=f"Set ko fromImage of {art.label()} to `{base}`", kind=QUICKFIX,
                                    name="add-ko-from-image", edit=file_edit(path, t.text, new)),
                         ["change it to a base image your network can pull (a mirror, say)"], art.node.range))
    return out


def _suggest_base(ctx: ActionContext, art: ArtifactNode) -> str:
    """A fromImage: another ko artifact's, else the old Dockerfile's final base, else ko's default."""
    for other in artifacts(ctx.text.parsed.documents, ctx.folder):
        if other.builder == "ko" and other.builder_mapping is not None:
            v = scalar_text(other.builder_mapping.get("fromImage"))
            if v:
                return v
    if art.context is not None and (art.context / "Dockerfile").is_file():
        dt = DockerfileText.read(art.context / "Dockerfile")
        if dt is not None and len(dt.df.stages) > 1:
            base = dt.df.final_stage.base_image
            if base and base.lower() != "scratch" and dt.df.final_stage.parent_stage is None:
                return base
    return "cgr.dev/chainguard/static:latest"


def artifact_helpers(ctx: ActionContext) -> list[Offer]:
    out: list[Offer] = []
    for art in artifacts(ctx.text.parsed.documents, ctx.folder):
        if not ctx.touches(art.node):
            continue
        if art.builder in ("docker", "kaniko"):
            out.extend(_dockerfile_offers(ctx, art))
        elif art.builder == "ko":
            out.extend(_ko_offers(ctx, art))
    return out


# ---------------------------------------------------------------------------
# portForward


def manifest_resources(folder: Path, patterns: list[str]) -> list[dict[str, Any]]:
    """Workloads and services of the rawYaml manifests: kind, name, namespace, ports."""
    out: list[dict[str, Any]] = []
    for pattern in patterns:
        if "{{" in pattern or "://" in pattern:
            continue
        for p in glob_files(folder, pattern).files:  # no symlink loops, capped, regular files only
            try:
                docs = list(yaml.safe_load_all(fsutil.read_text(p, MAX_MANIFEST_BYTES)))
            except (yaml.YAMLError, OSError, UnicodeDecodeError):
                continue
            for d in docs:
                if not isinstance(d, dict) or d.get("kind") not in WORKLOAD_KINDS:
                    continue
                meta = d.get("metadata") or {}
                name = meta.get("name") if isinstance(meta, dict) else None
                if not isinstance(name, str):
                    continue
                ports: list[int] = []
                spec = d.get("spec") or {}
                if d["kind"] == "Service":
                    for port in (spec.get("ports") or []) if isinstance(spec, dict) else []:
                        if isinstance(port, dict) and isinstance(port.get("port"), int):
                            ports.append(port["port"])
                else:
                    pod = spec if d["kind"] == "Pod" else ((spec.get("template") or {}).get("spec") or {})
                    for c in pod.get("containers") or [] if isinstance(pod, dict) else []:
                        for port in (c.get("ports") or []) if isinstance(c, dict) else []:
                            if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
                                ports.append(port["containerPort"])
                out.append({"kind": d["kind"], "name": name,
                            "namespace": meta.get("namespace") if isinstance(meta, dict) else None,
                            "ports": ports, "file": p})
    return out


def append_item(t: Text, seq: Sequence, value: Any) -> TextEdit:
    first = seq.items[0].start
    dash = t.lines[first.line][: first.col].rfind("-")
    lines = render_item_lines(value, max(dash, 0), t.style)
    end = last_line(seq, t.lines)
    nl = t.style.newline
    if end + 1 < len(t.lines):

        at = Pos(end + 1, 0)
        return TextEdit(Range(at, at), "".join(ln + nl for ln in lines))

    at = Pos(end, len(t.lines[end]))
    return TextEdit(Range(at, at), "".join(nl + ln for ln in lines))


def add_to_list(t: Text, root: Mapping, key: str, value: Any, before: list[str]) -> TextEdit:
    seq = sequence_of(root.get(key))
    if seq is not None and seq.items and not seq.flow:
        return append_item(t, seq, value)
    if root.pair(key) is not None:
        pair = root.pair(key)
        assert pair is not None
        rendered = render_item_lines(value, pair.key.start.col + (t.style.unit if t.style.seq_indent else 0),
                                     t.style)
        end = content_end(pair.value)
        return TextEdit(Range(pair.key.end, end), ":" + t.style.newline + t.style.newline.join(rendered))
    return ensure_path_edit(t.lines, t.style, root, [key], [value], before={0: before})


def port_forward_offers(ctx: ActionContext) -> list[Offer]:
    if ctx.folder is None:
        return []
    out: list[Offer] = []
    t = ctx.text
    for root in t.mapping_roots():
        anchors = [n for n in (root.pair("portForward"), root.pair("manifests")) if n is not None]
        if not any(ctx.touches(Range(p.key.start, content_end(p.value))) for p in anchors):
            continue
        raw = sequence_of(get_path(root, ["manifests", "rawYaml"]))
        patterns = [s for s in (scalar_text(i) for i in (raw.items if raw else [])) if s]
        existing = set()
        pf = sequence_of(root.get("portForward"))
        for item in pf.items if pf else []:
            m = mapping_of(item)
            if m is not None:
                existing.add(((scalar_text(m.get("resourceType")) or "").lower(), scalar_text(m.get("resourceName")),
                              scalar_text(m.get("port"))))
        for res in manifest_resources(ctx.folder, patterns):
            rtype = res["kind"].lower()
            for port in res["ports"]:
                if (rtype, res["name"], str(port)) in existing:
                    continue
                entry: dict[str, Any] = {"resourceType": rtype, "resourceName": res["name"]}
                if res["namespace"]:
                    entry["namespace"] = res["namespace"]
                entry.update(port=port, localPort=port)
                try:
                    edit = add_to_list(t, root, "portForward", entry, ["resourceSelector", "verify", "customActions",
                                                                        "profiles"])
                except EditError as e:
                    out.append(Offer(disabled(f"Forward port {port} of {rtype}/{res['name']}", KIND,
                                              "add-port-forward", str(e))))
                    continue
                new = t.apply(edit).text
                out.append(Offer(CodeAction(title=f"Forward port {port} of {rtype}/{res['name']} to localhost:{port}",
                                            kind=KIND, name="add-port-forward",
                                            edit=file_edit(ctx.path or Path("skaffold.yaml"), t.text, new)),
                                 [f"from {res['file'].name}"]))
    return out


# ---------------------------------------------------------------------------
# helm probe switch

def helm_releases(root: Mapping) -> list[tuple[list[str | int], str, int, Mapping]]:
    """(config section, "deploy"|"manifests", index, release) for the config and profiles."""
    out: list[tuple[list[str | int], str, int, Mapping]] = []
    for section, cfg in config_sections(root):
        for where in ("deploy", "manifests"):
            rels = sequence_of(get_path(cfg, [where, "helm", "releases"]))
            for i, item in enumerate(rels.items if rels else []):
                m = mapping_of(item)
                if m is not None:
                    out.append((section, where, i, m))
    return out


def _profile_names(root: Mapping) -> set[str | None]:
    profiles = sequence_of(root.get("profiles"))
    return {scalar_text(m.get("name")) for m in (mapping_of(i) for i in (profiles.items if profiles else []))
            if m is not None}


def helm_switch_offers(ctx: ActionContext) -> list[Offer]:
    if ctx.folder is None:
        return []
    out: list[Offer] = []
    t = ctx.text
    for root in t.mapping_roots():
        groups: dict[str, list[tuple[str, int, Mapping]]] = {}
        switch_for: dict[str, tuple[str, bool]] = {}
        for section, where, i, rel in helm_releases(root):
            if section or not ctx.touches(rel):
                continue
            chart = scalar_text(rel.get("chartPath"))
            if not chart or "{{" in chart:
                continue
            sw = probe_switch(ctx.folder / chart)
            if sw is None:
                continue
            name = scalar_text(rel.get("name")) or chart
            values = mapping_of(rel.get("setValues"))
            if values is not None and values.pair(sw[0]) is not None:
                continue
            groups.setdefault(name, []).append((where, i, rel))
            switch_for[name] = sw
        for name, rels in groups.items():
            key, off = switch_for[name]
            patches = []
            for where, i, rel in rels:
                base = f"/{where}/helm/releases/{i}/setValues"
                if mapping_of(rel.get("setValues")) is not None and mapping_of(rel.get("setValues")).pairs:  # type: ignore[union-attr]
                    patches.append({"op": "add", "path": f"{base}/{key}", "value": off})
                else:
                    patches.append({"op": "add", "path": base, "value": {key: off}})
            existing = _profile_names(root)
            pname = f"debug-{name}-no-probes"
            n = 2
            while pname in existing:
                pname = f"debug-{name}-no-probes-{n}"
                n += 1
            profile = {"name": pname, "activation": [{"command": "debug"}], "patches": patches}
            try:
                edit = add_to_list(t, root, "profiles", profile, [])
            except EditError as e:
                out.append(Offer(disabled("Add a debug profile turning the chart's probes off", KIND,
                                          "helm-debug-switch", str(e))))
                continue
            new = t.apply(edit).text
            out.append(Offer(CodeAction(
                title=f"Add a profile that sets `{key}: {render_scalar(off)}` for release `{name}` under "
                      "`skaffold debug` (its chart drops liveness/readiness probes then)",
                kind=KIND, name="helm-debug-switch",
                edit=file_edit(ctx.path or Path("skaffold.yaml"), t.text, new)),
                ["a paused debugger fails the probes and Kubernetes restarts the container; the profile is "
                 "activated by `skaffold debug` only"]))
    return out


# ---------------------------------------------------------------------------
# fixes for the checks' findings


def check_fixes(ctx: ActionContext) -> list[Offer]:
    out: list[Offer] = []
    t = ctx.text
    path = ctx.path or Path("untitled:skaffold.yaml")
    for f in ctx.diagnostics:
        doc = t.parsed.document_at(f.range.start.line)
        root = doc.root_mapping() if doc else None
        if root is None:
            continue
        data = f.data or {}
        if f.code == "images-not-pushed":
            local = mapping_of(get_path(root, ["build", "local"]))
            push = local.pair("push") if local else None
            if push is not None:
                edit = TextEdit(Range(push.key.end, value_end(t.lines, push)), ": true")
            else:
                edit = ensure_path_edit(t.lines, t.style, root, ["build", "local", "push"], True)
            out.append(Offer(CodeAction(title="Set `build.local.push: true`", kind=QUICKFIX, name="set-local-push",
                                        diagnostics=[f], preferred=True,
                                        edit=file_edit(path, t.text, t.apply(edit).text))))
        elif f.code == "debug-port-exposed":
            for section, cfg in config_sections(root):
                pf = sequence_of(cfg.get("portForward"))
                for item in pf.items if pf else []:
                    m = mapping_of(item)
                    addr = m.pair("address") if m else None
                    if addr is not None and addr.value.range == f.range:
                        edit = TextEdit(Range(addr.value.start, content_end(addr.value)), "127.0.0.1")
                        out.append(Offer(CodeAction(title="Forward on 127.0.0.1 only", kind=QUICKFIX,
                                                    name="loopback-address", diagnostics=[f], preferred=True,
                                                    edit=file_edit(path, t.text, t.apply(edit).text))))
                _ = section
        _ = data
    return out


# ---------------------------------------------------------------------------
# `skaffold debug` will not work: runtime not detected, stripped Go binaries (issue 11)


def debug_runtime_fixes(ctx: ActionContext) -> list[Offer]:
    out: list[Offer] = []
    for f in ctx.diagnostics:
        data = f.data or {}
        if f.code in ("go-runtime-not-detected", "debug-runtime-not-detected") and data.get("env"):
            out.extend(_runtime_env_offer(f, data))
        elif f.code == "go-stripped-binary" and data.get("dockerfile"):
            out.extend(_ldflags_offer(f, data))
        elif f.code == "go-stripped-binary" and data.get("ko"):
            out.extend(_ko_ldflags_offer(ctx, f))
    return out


def _runtime_env_offer(f: Finding, data: dict[str, Any]) -> list[Offer]:
    name, value = str(data["env"]), str(data.get("value", ""))
    title = f"Add `ENV {name}={value}` to the final stage so `skaffold debug` recognises the image"
    dt = DockerfileText.read(Path(str(data["dockerfile"])))
    if dt is None:
        return [Offer(disabled(title, QUICKFIX, "add-runtime-env", "cannot read the Dockerfile", [f]))]
    edit = runtime_env_edit(dt, int(data["stage_line"]), name, value)
    if isinstance(edit, str):
        return [Offer(disabled(title, QUICKFIX, "add-runtime-env", edit, [f]))]
    return [Offer(CodeAction(title=title, kind=QUICKFIX, name="add-runtime-env", diagnostics=[f], preferred=True,
                             edit=dockerfile_change(dt.path, [edit])),
                  [f"skaffold's {data.get('runtime')} transformer looks for `{name}` in the image's env"], f.range)]


def _ldflags_offer(f: Finding, data: dict[str, Any]) -> list[Offer]:
    title = "Keep Go debug info under `skaffold debug` (undo -ldflags -s/-w when SKAFFOLD_GO_GCFLAGS is set)"
    dt = DockerfileText.read(Path(str(data["dockerfile"])))
    build = next((b for s in dt.df.stages for b in s.go_builds if b.line == data.get("line")), None) if dt else None
    if dt is None or build is None:
        return [Offer(disabled(title, QUICKFIX, "go-debug-ldflags", "cannot find the `go build` in the Dockerfile",
                               [f]))]
    edits = debug_ldflags_edits(dt, build)
    if isinstance(edits, str):
        return [Offer(disabled(title, QUICKFIX, "go-debug-ldflags", edits, [f]))]
    return [Offer(CodeAction(title=title, kind=QUICKFIX, name="go-debug-ldflags", diagnostics=[f], preferred=True,
                             edit=dockerfile_change(dt.path, edits)),
                  ["release builds keep `-s -w`; under `skaffold debug` the linker's later `-s=false -w=false` win"],
                  f.range)]


def _ko_ldflags_offer(ctx: ActionContext, f: Finding) -> list[Offer]:
    t = ctx.text
    path = ctx.path or Path("untitled:skaffold.yaml")
    for art in artifacts(t.parsed.documents, ctx.folder):
        ko = art.builder_mapping if art.builder == "ko" else None
        seq = sequence_of(ko.get("ldflags")) if ko else None
        for i, item in enumerate(seq.items if seq else []):
            if item.range != f.range:
                continue
            words = [w for w in (scalar_text(item) or "").split() if w.lstrip("-").partition("=")[0] not in ("s", "w")]
            if words:
                edit = TextEdit(Range(item.start, content_end(item)), render_scalar(" ".join(words)))
            else:
                assert ko is not None and seq is not None
                edit = remove_item(t.lines, seq, i, ko.pair("ldflags"))
            return [Offer(CodeAction(title="Drop -s/-w from ko ldflags (Delve needs DWARF)", kind=QUICKFIX,
                                     name="go-debug-ldflags", diagnostics=[f], preferred=True,
                                     edit=file_edit(path, t.text, t.apply(edit).text)), [], f.range)]
    return []


