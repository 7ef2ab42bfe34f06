"""`requires` across files: each local dependency exists, names configs that exist,
and does not lead back to the config that declares it; the profiles it activates
exist there (and `activatedBy` names profiles here); an artifact's `requires` names
an image some artifact builds, without cycles.

skaffold fails on a missing file ("failed to read file") and on a `configs`
selection that matches nothing. A cycle is not an error for skaffold (it reads
each config once), but the "dependencies come first" order it implies cannot
hold, so we warn.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, Sequence, deref

if TYPE_CHECKING:
    from skaffold_ls.features.workspace import ConfigDoc


def check_requires(ctx: CheckContext) -> list[Finding]:
    from skaffold_ls.features.multiconfig import current_file, find_cycle, follow

    analysis = ctx.analysis
    out: list[Finding] = []
    cf = current_file(analysis)
    for cd in cf.docs:
        for i, req in enumerate(cd.requires):
            if req.remote:
                continue
            if req.path is not None and analysis.path is None:
                continue  # an unsaved file: relative paths mean nothing yet
            target = follow(analysis, req)
            if target is None:
                continue
            where = req.path_range or req.entry_range
            if target.config is None:
                shown = req.path or "."
                detail = ""
                if target.file is not None:
                    folder = target.file.parent
                    detail = (f": `{folder}` has no skaffold.yaml" if folder.is_dir() and target.file.name in
                              ("skaffold.yaml", "skaffold.yml") and shown.rstrip("/").endswith(folder.name)
                              else f": no such file or folder (from `{analysis.path.parent if analysis.path else '.'}`)")
                out.append(Finding(
                    "requires-missing", Severity.ERROR,
                    f"required config `{shown}` not found{detail}",
                    where, {"path": req.path, "file": str(target.file) if target.file else None}))
                continue
            for name, rng in target.missing_names:
                known = target.config.names()
                hint = f"; configs there: {', '.join(f'`{n}`' for n in known)}" if known else \
                    "; no config there has a `metadata.name`"
                out.append(Finding(
                    "requires-unknown-config", Severity.ERROR,
                    f"no config named `{name}` in `{req.path or 'this file'}`{hint}",
                    rng, {"name": name, "known": known}))
            chain = find_cycle(analysis, cd.index, i)
            if chain:
                out.append(Finding(
                    "requires-cycle", Severity.WARNING,
                    "`requires` cycle: " + " → ".join(f"`{c}`" for c in chain)
                    + "; skaffold reads each config once, so the dependency order around the cycle is undefined",
                    where, {"chain": chain}))
    return out


def _with_root_mapping(docs: list[ConfigDoc]) -> Iterator[tuple[ConfigDoc, Mapping]]:
    """Each config document whose root is a mapping, with that mapping."""
    for cd in docs:
        root = cd.document.root_mapping()
        if root is not None:
            yield cd, root


def _items(node: Node | None) -> list[Node]:
    node = deref(node)
    return [n for n in (deref(i) for i in node.items) if n is not None] if isinstance(node, Sequence) else []


def _scalar(node: Node | None) -> Scalar | None:
    node = deref(node)
    return node if isinstance(node, Scalar) and not node.is_null else None


def check_required_profiles(ctx: CheckContext) -> list[Finding]:
    """`requires[].activeProfiles`: `name` is a profile of the required config(s),
    `activatedBy` names profiles of this config."""
    from skaffold_ls.features.multiconfig import current_file, follow

    analysis = ctx.analysis
    out: list[Finding] = []
    cf = current_file(analysis)
    for cd, root in _with_root_mapping(cf.docs):
        own = set(cd.profiles)
        for i, entry in enumerate(_items(root.get("requires"))):
            if not isinstance(entry, Mapping) or i >= len(cd.requires):
                continue
            req = cd.requires[i]
            target = None
            if not req.remote and (req.path is None or analysis.path is not None):
                target = follow(analysis, req)
            theirs: set[str] | None = None
            if target is not None and target.config is not None and not target.missing_names:
                docs = [d for d in target.docs if not (target.config is cf and d.index == cd.index)]
                theirs = {p for d in docs for p in d.profiles}
            for ap in _items(entry.get("activeProfiles")):
                if not isinstance(ap, Mapping):
                    continue
                name = _scalar(ap.get("name"))
                if name is not None and theirs is not None and name.value not in theirs:
                    known = ", ".join(f"`{p}`" for p in sorted(theirs)) or "none"
                    out.append(Finding(
                        "requires-unknown-profile", Severity.WARNING,
                        f"the required config has no profile `{name.value}` (its profiles: {known})",
                        name.range, {"name": name.value, "known": sorted(theirs)}))
                for by in _items(ap.get("activatedBy")):
                    s = _scalar(by)
                    if s is not None and s.value not in own:
                        known = ", ".join(f"`{p}`" for p in sorted(own)) or "none"
                        out.append(Finding(
                            "activated-by-unknown-profile", Severity.WARNING,
                            f"`activatedBy` names `{s.value}`, which is not a profile of this config "
                            f"(its profiles: {known}), so it never activates",
                            s.range, {"name": s.value, "known": sorted(own)}))
    return out


def check_artifact_requires(ctx: CheckContext) -> list[Finding]:
    """An artifact's `requires[].image` must be built by an artifact (here or in a required
    config), and artifact dependencies must not form a cycle (skaffold's validation)."""
    from skaffold_ls.features.multiconfig import current_file, transitive_requires

    analysis = ctx.analysis
    out: list[Finding] = []
    cf = current_file(analysis)
    for cd, root in _with_root_mapping(cf.docs):
        groups: list[list[Node]] = []
        build = deref(root.get("build"))
        if isinstance(build, Mapping):
            groups.append(_items(build.get("artifacts")))
        for p in _items(root.get("profiles")):
            pb = deref(p.get("build")) if isinstance(p, Mapping) else None
            if isinstance(pb, Mapping):
                groups.append(_items(pb.get("artifacts")))
        if not any(groups):
            continue
        own = {s.value for g in groups for a in g if isinstance(a, Mapping) and (s := _scalar(a.get("image")))}
        others: set[str] | None = None  # images of the required configs; None until needed
        complete = False
        for group in groups:
            edges: dict[str, list[Scalar]] = {}
            for a in group:
                if not isinstance(a, Mapping):
                    continue
                image = _scalar(a.get("image"))
                for dep in _items(a.get("requires")):
                    ref = _scalar(dep.get("image")) if isinstance(dep, Mapping) else None
                    if ref is None:
                        continue
                    if image is not None:
                        edges.setdefault(image.value, []).append(ref)
                    if ref.value in own:
                        continue
                    if others is None:
                        docs, complete = transitive_requires(analysis, cd.index)
                        others = {img for _, d in docs for img in d.images}
                    if complete and ref.value not in others:
                        out.append(Finding(
                            "unknown-required-image", Severity.ERROR,
                            f"no artifact builds `{ref.value}`: an artifact's `requires` names an image built "
                            "by this config or a config it requires",
                            ref.range, {"image": ref.value}))
            out.extend(_artifact_cycles(edges))
    return out


def _artifact_cycles(edges: dict[str, list[Scalar]]) -> list[Finding]:
    out: list[Finding] = []
    reported: set[int] = set()
    for start in edges:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, chain = stack.pop()
            for ref in edges.get(node, []):
                if ref.value == start and node in edges:
                    # report once, on the dependency that closes the cycle from `start`
                    first = edges[start][0] if len(chain) == 1 else next(
                        r for r in edges[start] if r.value == chain[1])
                    if id(first) not in reported:
                        reported.add(id(first))
                        out.append(Finding(
                            "artifact-requires-cycle", Severity.ERROR,
                            "artifact dependency cycle: " + " → ".join(f"`{c}`" for c in [*chain, start])
                            + "; skaffold cannot order these builds",
                            first.range, {"chain": [*chain, start]}))
                elif ref.value not in seen:
                    seen.add(ref.value)
                    stack.append((ref.value, [*chain, ref.value]))
    return out


CHECKS.append(check_requires)
CHECKS.append(check_required_profiles)
CHECKS.append(check_artifact_requires)
