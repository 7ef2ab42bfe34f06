"""Upgrade a config's apiVersion the way `skaffold fix` does, as minimal text edits.

Only two of skaffold's upgrade steps since v2beta28 change more than the apiVersion
(`pkg/skaffold/schema/v2beta29/upgrade.go` and `v3/upgrade.go`):

- v2beta29 → v3alpha1: `deploy.kubectl.manifests` → `manifests.rawYaml`;
  `deploy.kustomize` → `manifests.kustomize{paths,buildArgs}` with its flags,
  defaultNamespace and hooks merged into `deploy.kubectl`; `deploy.helm` copied to
  `manifests.helm` (releases, flags) and kept as the legacy `deploy.helm`, with each
  release's `artifactOverrides`/`imageStrategy` turned into `setValueTemplates`;
  profile patch paths rewritten (and `/deploy/helm` ones duplicated); `deploy.kpt`
  refused, as skaffold refuses it.
- v3 → v4beta1: `deploy.kubectl.remoteManifests` → `manifests.remoteManifests`
  (`{manifest, kubeContext}`).

Every other step is a plain copy. Each step's result must validate against its
target version, else the upgrade is refused with the reason (older versions had
custom code we do not replay).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from skaffold_ls.actions.text import Refused, Text
from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.config.artifacts import sanitize_image
from skaffold_ls.config.nodes import config_sections
from skaffold_ls.core.findings import Finding, Pos, Range
from skaffold_ls.core.textedit import (
    Commented,
    EditError,
    Raw,
    content_end,
    ensure_path_edit,
    get_path,
    insert_pair,
    mapping_of,
    raw_of,
    raw_of_pair,
    remove_pair,
    render_item_lines,
    render_scalar,
    sequence_of,
    trailing_comment,
)
from skaffold_ls.core.yamldoc import Mapping, Scalar, deref, scalar_text
from skaffold_ls.features.types import TextEdit
from skaffold_ls.schema.store import SchemaStore
from skaffold_ls.schema.versions import sort_key

V2BETA29 = "skaffold/v2beta29"
V3ALPHA1 = "skaffold/v3alpha1"
V3 = "skaffold/v3"
V4BETA1 = "skaffold/v4beta1"
MAX_PASSES = 500


def value_templates(key: str, image: str, strategy: str) -> dict[str, str]:
    """The `setValueTemplates` skaffold writes for `artifactOverrides: {key: image}`."""
    s = sanitize_image(image)
    tag = f"{{{{.IMAGE_TAG_{s}}}}}@{{{{.IMAGE_DIGEST_{s}}}}}"
    if strategy == "helm":
        return {f"{key}.repository": f"{{{{.IMAGE_REPO_{s}}}}}", f"{key}.tag": tag}
    if strategy == "helm+explicitRegistry":
        return {f"{key}.registry": f"{{{{.IMAGE_DOMAIN_{s}}}}}",
                f"{key}.repository": f"{{{{.IMAGE_REPO_NO_DOMAIN_{s}}}}}", f"{key}.tag": tag}
    return {key: f"{{{{.IMAGE_FULLY_QUALIFIED_{s}}}}}"}


def release_strategy(release: Mapping) -> str:
    st = mapping_of(release.get("imageStrategy"))
    if st is None:
        return "fqn"
    helm = mapping_of(st.get("helm"))
    if st.pair("helm") is not None:
        explicit = scalar_text(helm.get("explicitRegistry")) if helm is not None else None
        return "helm+explicitRegistry" if explicit in ("true", "True", "TRUE") else "helm"
    return "fqn"


def _flatten(node: object, prefix: str = "", lines: list[str] | None = None,
             comments: dict[str, str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    m = mapping_of(node)  # type: ignore[arg-type]
    if m is None:
        return out
    for p in m.pairs:
        if not isinstance(p.key, Scalar):
            continue
        key = prefix + p.key.value
        sub = mapping_of(p.value)
        if sub is not None:
            out.update(_flatten(sub, key + ".", lines, comments))
        else:
            v = scalar_text(p.value)
            if v is not None:
                out[key] = v
                c = trailing_comment(lines, p.value) if lines is not None else None
                if c and comments is not None:
                    comments[key] = c
    return out


def release_templates(release: Mapping, lines: list[str] | None = None) -> dict[str, object]:
    """The setValueTemplates entries; an entry keeps the comment its artifactOverrides line had."""
    strategy = release_strategy(release)
    out: dict[str, object] = {}
    comments: dict[str, str] = {}
    for key, image in _flatten(release.get("artifactOverrides"), "", lines, comments).items():
        for n, (k, v) in enumerate(value_templates(key, image, strategy).items()):
            out[k] = Commented(v, comments[key]) if n == 0 and key in comments else v
    return out


# ---------------------------------------------------------------------------
# The steps


@dataclass
class StepResult:
    text: str
    notes: list[str]


def _pass_loop(t: Text, di: int, find: Callable[[Text, int], TextEdit | None]) -> Text:
    for _ in range(MAX_PASSES):
        edit = find(t, di)
        if edit is None:
            return t
        t = t.apply(edit)
    raise Refused("the upgrade did not converge (please report this file)")


def _deploy(cfg: Mapping) -> Mapping | None:
    return mapping_of(cfg.get("deploy"))


def _before_deploy(cfg: Mapping) -> dict[int, list[str]]:
    return {0: ["deploy", "portForward", "resourceSelector", "profiles"]}


def release_nodes(cfg: Mapping, where: tuple[str, ...] = ("deploy",)) -> list[Mapping]:
    out: list[Mapping] = []
    for section in where:
        rels = sequence_of(get_path(cfg, [section, "helm", "releases"]))
        out.extend(m for m in (mapping_of(i) for i in (rels.items if rels else [])) if m is not None)
    return out


def helm_release_edit(t: Text, release: Mapping) -> TextEdit | None:
    """One step of turning artifactOverrides/imageStrategy into setValueTemplates."""
    ao = release.pair("artifactOverrides")
    st = release.pair("imageStrategy")
    if ao is None and st is None:
        return None
    templates = release_templates(release, t.lines)
    svt_pair = release.pair("setValueTemplates")
    svt = mapping_of(svt_pair.value) if svt_pair else None
    have = set(svt.keys()) if svt else set()
    missing = {k: v for k, v in templates.items() if k not in have}
    if missing:
        if svt_pair is None:
            return insert_pair(t.lines, t.style, release, None, "setValueTemplates", missing,
                               after=["setValues"])
        k, v = next(iter(missing.items()))
        return insert_pair(t.lines, t.style, svt, svt_pair, k, v)
    pair = ao or st
    assert pair is not None
    return remove_pair(t.lines, release, pair)


def _v3alpha1_edit(t: Text, di: int, upgrading: bool = True) -> TextEdit | None:
    """One edit of the v2beta29 -> v3alpha1 transform. `upgrading` False: only move the fields
    that no longer exist (a `move-field` fix on a current config, where `deploy.helm` is the
    legacy helm deployer and stays as it is)."""
    root = t.root(di)
    for _prefix, cfg in config_sections(root):
        for rel in release_nodes(cfg, ("deploy",) if upgrading else ("deploy", "manifests")):
            e = helm_release_edit(t, rel)
            if e is not None:
                return e
        deploy = _deploy(cfg)
        if deploy is None:
            continue
        helm_pair = deploy.pair("helm")
        if upgrading and helm_pair is not None and get_path(cfg, ["manifests", "helm"]) is None:
            helm = mapping_of(helm_pair.value)
            value: dict[str, object] = {}
            if helm is not None:
                for key in ("releases", "flags"):
                    node = helm.get(key)
                    if node is not None and not (isinstance(node, Scalar) and node.is_null):
                        value[key] = raw_of(node, t.lines)
            return ensure_path_edit(t.lines, t.style, cfg, ["manifests", "helm"], value,
                                    before=_before_deploy(cfg))
        # kubectl manifests
        kubectl_pair = deploy.pair("kubectl")
        kubectl = mapping_of(kubectl_pair.value) if kubectl_pair else None
        mp = kubectl.pair("manifests") if kubectl else None
        if kubectl is not None and mp is not None:
            if get_path(cfg, ["manifests", "rawYaml"]) is None:
                return ensure_path_edit(t.lines, t.style, cfg, ["manifests", "rawYaml"], raw_of_pair(mp, t.lines),
                                        before=_before_deploy(cfg))
            return remove_pair(t.lines, kubectl, mp, kubectl_pair)
        # kustomize
        kp = deploy.pair("kustomize")
        if kp is not None:
            k = mapping_of(kp.value)
            if get_path(cfg, ["manifests", "kustomize"]) is None:
                value = {}
                paths = k.pair("paths") if k else None
                value["paths"] = raw_of_pair(paths, t.lines) if paths is not None else ["."]
                if k is not None and k.get("buildArgs") is not None:
                    value["buildArgs"] = raw_of(k.get("buildArgs"), t.lines)  # type: ignore[arg-type]
                return ensure_path_edit(t.lines, t.style, cfg, ["manifests", "kustomize"], value,
                                        before=_before_deploy(cfg))
            if k is not None:
                for key in ("paths", "buildArgs"):
                    p = k.pair(key)
                    if p is not None:
                        return remove_pair(t.lines, k, p, kp)
            if kubectl_pair is None:
                return TextEdit(kp.key.range, "kubectl")
            kubectl_m = mapping_of(kubectl_pair.value)
            if k is not None:
                for p in k.pairs:
                    key = p.key.value if isinstance(p.key, Scalar) else "?"
                    if kubectl_m is not None and kubectl_m.pair(key) is not None:
                        mine, theirs = scalar_text(kubectl_m.get(key)), scalar_text(p.value)
                        if mine is not None and mine == theirs:
                            return remove_pair(t.lines, k, p, kp)
                        raise Refused(
                            f"`deploy.kustomize.{key}` and `deploy.kubectl.{key}` both exist; skaffold merges "
                            f"them into `deploy.kubectl` and fails when they conflict: merge them by hand first")
                    return insert_pair(t.lines, t.style, kubectl_m, kubectl_pair, key, raw_of(p.value, t.lines))
            return remove_pair(t.lines, deploy, kp)
    return None


_PATCH_REWRITES = (
    ("/deploy/kubectl/manifests", "/manifests/rawYaml"),
    ("/deploy/kustomize/paths", "/manifests/kustomize/paths"),
    ("/deploy/kustomize/buildArgs", "/manifests/kustomize/buildArgs"),
    ("/deploy/helm", "/manifests/helm"),
)
_AO_PATH = re.compile(r"^/deploy/helm/releases/(\d+)/artifactOverrides/(.+)$")
_AO_ANY = re.compile(r"^/(deploy|manifests)/helm/releases/(\d+)/artifactOverrides/(.+)$")


def _requote(node: Scalar, value: str) -> str:
    if node.style == '"':
        return json.dumps(value)
    if node.style == "'":
        return "'" + value.replace("'", "''") + "'"
    return render_scalar(value)


def _set_value_template_patch(op: str, section: str, idx: int, key: str, value: object) -> dict[str, object]:
    return {"op": op, "path": f"/{section}/helm/releases/{idx}/setValueTemplates/{key}", "value": value}


def _patch_items(t: Text, di: int, strategies: dict[tuple[int | None, int], str],
                 upgrading: bool = True) -> list[TextEdit]:
    """Rewrite each profile's patch list (one edit per profile). Not `upgrading`: leave
    `/deploy/helm` paths (still valid) and rewrite artifactOverrides patches in place."""
    root = t.root(di)
    edits: list[TextEdit] = []
    for prefix, cfg in config_sections(root):
        if not prefix:
            continue
        patches = sequence_of(cfg.get("patches"))
        if patches is None or patches.flow or not patches.items:
            continue
        rewritten: list[object] = []
        duplicates: list[object] = []
        changed = False
        for item in patches.items:
            m = mapping_of(item)
            path_node = deref(m.get("path")) if m else None
            if m is None or not isinstance(path_node, Scalar):
                rewritten.append(raw_of(item, t.lines))
                continue
            path = path_node.value
            # Upgrading: only deploy.helm patches exist yet. Moving fields in a current
            # config: either section, and the section is the pattern's first group.
            ao = _AO_PATH.match(path) if upgrading else _AO_ANY.match(path)
            if ao:
                at = 1 if upgrading else 2
                idx = int(ao.group(at))
                strategy = strategies.get((int(prefix[1]), idx), strategies.get((None, idx), "fqn"))
                op = scalar_text(m.get("op")) or "replace"
                image = scalar_text(m.get("value")) or ""
                for k, v in value_templates(ao.group(at + 1).replace("/", "."), image, strategy).items():
                    if upgrading:  # helm moves to manifests; deploy keeps its own copy
                        rewritten.append(_set_value_template_patch(op, "manifests", idx, k, v))
                        duplicates.append(_set_value_template_patch(op, "deploy", idx, k, v))
                    else:
                        rewritten.append(_set_value_template_patch(op, ao.group(1), idx, k, v))
                changed = True
                continue
            new = path
            for old, repl in _PATCH_REWRITES if upgrading else _PATCH_REWRITES[:3]:
                new = new.replace(old, repl)
            raw = raw_of(item, t.lines)
            if new != path:
                changed = True
                if path.startswith("/deploy/helm") and not path.startswith("/deploy/helm/hooks"):
                    duplicates.append(raw)
                line = path_node.start.line - item.start.line
                c0 = path_node.start.col - item.start.col
                c1 = content_end(path_node).col - item.start.col
                lines = list(raw.lines)
                lines[line] = lines[line][:c0] + _requote(path_node, new) + lines[line][c1:]
                raw = Raw(tuple(lines), raw.block, raw.is_sequence)
            rewritten.append(raw)
        if not changed:
            continue
        dash = patches.items[0].start.col - 2
        out: list[str] = []
        for entry in rewritten + duplicates:
            out.extend(render_item_lines(entry, dash, t.style))
        first = patches.items[0].start.line
        last = min(content_end(patches.items[-1]).line, len(t.lines) - 1)
        nl = t.style.newline
        edits.append(TextEdit(Range(Pos(first, 0), Pos(last, len(t.lines[last].rstrip("\r")))), nl.join(out)))
    return edits


def _strategies(t: Text, di: int) -> dict[tuple[int | None, int], str]:
    out: dict[tuple[int | None, int], str] = {}
    for prefix, cfg in config_sections(t.root(di)):
        for i, rel in enumerate(release_nodes(cfg)):
            out[(int(prefix[1]) if prefix else None, i)] = release_strategy(rel)
        for i, rel in enumerate(release_nodes(cfg, ("manifests",))):
            out.setdefault((int(prefix[1]) if prefix else None, i), release_strategy(rel))
    return out


def _kpt_refusal(t: Text, di: int) -> None:
    for prefix, cfg in config_sections(t.root(di)):
        deploy = _deploy(cfg)
        if deploy is not None and deploy.pair("kpt") is not None:
            where = "the config" if not prefix else f"profile #{prefix[1]}"
            raise Refused(f"`deploy.kpt` in {where}: skaffold cannot convert it either "
                          "(\"converting deploy.kpt isn't currently supported\"); move it to "
                          "`manifests.kpt` + `deploy.kpt` by hand")


def v3alpha1_moves(t: Text, di: int, upgrading: bool = True) -> Text:
    """skaffold's v2beta29 -> v3alpha1 moves (kubectl manifests, kustomize, helm image
    overrides) and the profile patches that follow them, as text edits. Not `upgrading`:
    only what no longer exists moves (the `move-field` quick fix on a current config)."""
    strategies = _strategies(t, di)
    t = _pass_loop(t, di, lambda tt, d: _v3alpha1_edit(tt, d, upgrading=upgrading))
    edits = _patch_items(t, di, strategies, upgrading=upgrading)
    return t.apply(*edits) if edits else t


def step_v3alpha1(t: Text, di: int) -> StepResult:
    _kpt_refusal(t, di)
    notes: list[str] = []
    t = v3alpha1_moves(t, di)
    for _prefix, cfg in config_sections(t.root(di)):
        patches = sequence_of(cfg.get("patches"))
        for item in patches.items if patches else []:
            p = scalar_text(mapping_of(item).get("path")) if mapping_of(item) else None  # type: ignore[union-attr]
            if p and p.startswith("/deploy/kpt"):
                notes.append(f"patch `{p}` targets `deploy.kpt`; skaffold leaves it as is too: check it by hand")
    return StepResult(t.text, notes)


def _v4beta1_edit(t: Text, di: int) -> TextEdit | None:
    for _prefix, cfg in config_sections(t.root(di)):
        deploy = _deploy(cfg)
        kubectl_pair = deploy.pair("kubectl") if deploy else None
        kubectl = mapping_of(kubectl_pair.value) if kubectl_pair else None
        rp = kubectl.pair("remoteManifests") if kubectl else None
        if kubectl is None or rp is None or deploy is None:
            continue
        if get_path(cfg, ["manifests", "remoteManifests"]) is None:
            seq = sequence_of(rp.value)
            ctx = scalar_text(deploy.get("kubeContext"))
            items: list[dict[str, object]] = []
            for item in seq.items if seq else []:
                s = scalar_text(item)
                if s is None:
                    continue
                comment = trailing_comment(t.lines, item)
                entry: dict[str, object] = {"manifest": Commented(s, comment) if comment else s}
                if ctx:
                    entry["kubeContext"] = ctx
                items.append(entry)
            if items:
                return ensure_path_edit(t.lines, t.style, cfg, ["manifests", "remoteManifests"], items,
                                        before=_before_deploy(cfg))
        return remove_pair(t.lines, kubectl, rp, kubectl_pair)
    return None


def step_v4beta1(t: Text, di: int) -> StepResult:
    return StepResult(_pass_loop(t, di, _v4beta1_edit).text, [])


STEPS: dict[str, Callable[[Text, int], StepResult]] = {
    V2BETA29: step_v3alpha1,
    V3: step_v4beta1,
}


def set_api_version(t: Text, di: int, version: str) -> Text:
    root = t.root(di)
    node = deref(root.get("apiVersion"))
    if not isinstance(node, Scalar):
        raise Refused("the document has no apiVersion")
    return t.apply(TextEdit(Range(node.start, content_end(node)), _requote(node, version)))


@dataclass
class UpgradeResult:
    text: str
    version: str
    notes: list[str]


def upgrade(text: str, store: SchemaStore, target: str | None = None, one_step: bool = False,
            documents: list[int] | None = None) -> UpgradeResult:
    """Upgrade every document (or those in `documents`) to `target` (default: latest) or one step."""
    versions = store.known_versions()
    latest = versions[-1]
    t = Text(text)
    notes: list[str] = []
    reached = latest
    changed = False
    for di, doc in enumerate(t.parsed.documents):
        if documents is not None and di not in documents:
            continue
        v = doc.scalar_at("apiVersion")
        if v is None or v.value not in versions:
            continue
        start = v.value
        if sort_key(start) >= sort_key(target or latest):
            continue
        goal = target or latest
        if one_step:
            goal = versions[versions.index(start) + 1]
        reached = goal
        cur = start
        while sort_key(cur) < sort_key(goal):
            nxt = versions[versions.index(cur) + 1]
            before = _error_keys(t, di, store)
            step = STEPS.get(cur)
            if step is not None:
                try:
                    result = step(t, di)
                except EditError as e:
                    raise Refused(f"upgrading from {cur} to {nxt}: cannot rewrite this layout ({e}); "
                                  "run `skaffold fix`") from e
                t = Text(result.text)
                notes.extend(result.notes)
            t = set_api_version(t, di, nxt)
            errors = _new_errors(t, di, store, before)
            if errors:
                shown = "; ".join(f"line {e.range.start.line + 1}: {e.message}" for e in errors[:3])
                more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
                raise Refused(f"upgrading from {cur} to {nxt} needs changes skaffold-ls does not make "
                              f"(run `skaffold fix` for those): {shown}{more}")
            if before and cur == start:
                notes.append(f"the document already had {sum(before.values())} schema error(s); "
                             "they are carried over unchanged")
            cur = nxt
            changed = True
    if not changed:
        raise Refused(f"nothing to upgrade: already at {target or latest}")
    return UpgradeResult(t.text, reached, notes)


def errors_added(before: str, after: str, di: int, store: SchemaStore) -> list[Finding]:
    """Schema errors of document `di` in `after` that `before` did not have (each against its own apiVersion)."""
    return _new_errors(Text(after), di, store, _error_keys(Text(before), di, store))


def _errors_in(t: Text, di: int, store: SchemaStore) -> list[Finding]:
    analysis = analyze(t.text, None, store, AnalysisOptions(schema_only=True, outdated_api_version=False))
    doc = analysis.parsed.documents[di]
    return [f for f in analysis.findings if f.is_error and doc.contains_line(f.range.start.line)]


_SAME = {"removed-field": "unknown-key", "field-not-yet-available": "unknown-key"}


def _key(t: Text, f: Finding) -> tuple[str, str]:
    """An error, independent of line numbers and version names: its kind and the text it covers."""
    r = f.range
    line = t.lines[r.start.line] if r.start.line < len(t.lines) else ""
    covered = line[r.start.col:r.end.col] if r.end.line == r.start.line else line[r.start.col:]
    return _SAME.get(f.code, f.code), covered.strip()


def _error_keys(t: Text, di: int, store: SchemaStore) -> Counter[tuple[str, str]]:
    return Counter(_key(t, f) for f in _errors_in(t, di, store))


def _new_errors(t: Text, di: int, store: SchemaStore, before: Counter[tuple[str, str]]) -> list[Finding]:
    """Errors the step introduced (those the document already had are the user's to fix)."""
    left = Counter(before)
    out: list[Finding] = []
    for f in _errors_in(t, di, store):
        k = _key(t, f)
        if left[k] > 0:
            left[k] -= 1
        else:
            out.append(f)
    return out
