"""`requires` across files, as skaffold loads them (`config/loader.py`).

Errors, where skaffold refuses the configuration:
- requires-missing: a local dependency's file (or folder's skaffold.yaml) cannot be read;
- duplicate-config-name: `metadata.name` used twice, in a file or across files;
- requires-profile-conflict: a config reached twice with different active profiles;
- activation-invalid: an `env` activation that is not `KEY=VALUE`;
- unknown-required-image / artifact-requires-cycle: an artifact's `requires` names an image
  no artifact builds, or artifacts require each other in a circle (skaffold's validation).
Warnings, where skaffold goes on without what was meant:
- requires-unknown-config: `configs` names a config the file does not have (skaffold loads
  nothing for it, silently).
Information:
- requires-unknown-profile / activated-by-unknown-profile: `activeProfiles` naming a profile
  the dependency does not have, or `activatedBy` naming none of this config's (skaffold
  skips both silently);
- requires-cycle: configs that require each other (skaffold reads each once; the order
  "dependencies first" cannot hold around the cycle).
"""

from __future__ import annotations

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config import requires
from skaffold_ls.config.activation import profiles_of
from skaffold_ls.config.artifacts import artifacts_of
from skaffold_ls.config.sources import ConfigDocument
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Finding, Severity

LOAD_ERRORS = frozenset({"requires-missing", "duplicate-config-name", "requires-profile-conflict",
                         "activation-invalid", "requires-too-deep"})


def check_loading(ctx: CheckContext) -> list[Finding]:
    """What skaffold stops on while loading this file and its `requires`, where it is in this file."""
    if not ctx.on_disk():
        return []
    out = []
    for problem in ctx.view.load().problems:
        if problem.code in LOAD_ERRORS and problem.file == ctx.path and problem.range is not None:
            out.append(Finding(problem.code, Severity.ERROR, problem.message, problem.range))
    return out


def check_requirements(ctx: CheckContext) -> list[Finding]:
    if ctx.path is None:
        return []  # an untitled buffer: relative paths mean nothing yet
    out: list[Finding] = []
    for doc in ctx.configs():
        config = doc.value
        assert config is not None
        for entry in requires.entries(doc):
            out.extend(_requirement_findings(ctx, doc, config, entry))
    return out


def _requirement_findings(ctx: CheckContext, doc: ConfigDocument, config: Value, entry: Value) -> list[Finding]:
    out: list[Finding] = []
    target = requires.follow(ctx.view.sources, ctx.view.file, entry)
    if target is None or target.config is None:
        return out  # remote, or requires-missing (from the loader)
    names = target.config.names()
    for v in target.missing:
        hint = f"; configs there: {', '.join(f'`{n}`' for n in names)}" if names else \
            "; no config there has a `metadata.name`"
        out.append(Finding(
            "requires-unknown-config", Severity.WARNING,
            f"no config named `{v.text}` in `{entry.text_at('path') or 'this file'}`{hint}: skaffold "
            "loads nothing for it, without a word", v.range, {"name": v.text, "known": names}))
    selected = [d for d in target.docs if d is not doc]
    theirs = {p for d in selected for p in d.profile_names()}
    own = {name for name, _ in profiles_of(config)}
    profiles = entry.get("activeProfiles")
    for ap in profiles.items if profiles else []:
        name = ap.get("name")
        if name is not None and name.text not in theirs and selected:
            known = ", ".join(f"`{p}`" for p in sorted(theirs)) or "none"
            out.append(Finding(
                "requires-unknown-profile", Severity.INFORMATION,
                f"the required config has no profile `{name.text}` (its profiles: {known}); skaffold skips it",
                name.range, {"name": name.text, "known": sorted(theirs)}))
        for by in ap.texts_at("activatedBy"):
            if by.text not in own:
                known = ", ".join(f"`{p}`" for p in sorted(own)) or "none"
                out.append(Finding(
                    "activated-by-unknown-profile", Severity.INFORMATION,
                    f"`activatedBy` names `{by.text}`, which is not a profile of this config (its profiles: "
                    f"{known}), so it never activates", by.range, {"name": by.text}))
    return out


def check_cycles(ctx: CheckContext) -> list[Finding]:
    """Configs that require themselves through others (information)."""
    if ctx.path is None:
        return []
    out: list[Finding] = []
    for doc in ctx.configs():
        for entry in requires.entries(doc):
            target = requires.follow(ctx.view.sources, ctx.view.file, entry)
            if target is None or target.config is None:
                continue
            for found in target.docs:
                chain = requires.path_back(ctx.view.sources, target.config, found, doc)
                if chain is None:
                    continue
                labels = [requires.label(ctx.view.file, doc), *[requires.label(f, d) for f, d in chain]]
                out.append(Finding(
                    "requires-cycle", Severity.INFORMATION,
                    "`requires` cycle: " + " → ".join(f"`{c}`" for c in labels)
                    + "; skaffold reads each config once, so the dependency order around the cycle is undefined",
                    (entry.get("path") or entry).range, {"chain": labels}))
                break
    return out


def check_artifact_requires(ctx: CheckContext) -> list[Finding]:
    """An artifact's `requires[].image` must be built by an artifact of the configs loaded
    together; artifact dependencies must not form a cycle (skaffold's validation)."""
    out: list[Finding] = []
    known: set[str] | None = None
    for doc in ctx.configs():
        assert doc.value is not None
        arts = ctx.view.artifacts(doc)
        for group in sorted({a.profile or "" for a in arts}):
            members = [a for a in arts if (a.profile or "") == group]
            own = {a.image for a in arts if a.image}
            edges: dict[str, list[Value]] = {}
            for art in members:
                for req in art.required_images:
                    if art.image:
                        edges.setdefault(art.image, []).append(req)
                    if req.text in own:
                        continue
                    if known is None:
                        known = _loaded_images(ctx)
                    if known is not None and req.text not in known:
                        out.append(Finding(
                            "unknown-required-image", Severity.ERROR,
                            f"no artifact builds `{req.text}`: an artifact's `requires` names an image built by "
                            "this config or a config loaded with it", req.range, {"image": req.text}))
            out.extend(_artifact_cycles(edges))
    return out


def _loaded_images(ctx: CheckContext) -> set[str] | None:
    """Images built by every config loaded with this file; None when that is not knowable."""
    if ctx.path is None:
        return None
    result = ctx.view.load()
    if result.remote or any(p.code == "requires-missing" for p in result.problems):
        return None
    images = {a.image for cfg in result.configs for a in artifacts_of(cfg.value, cfg.base_dir) if a.image}
    for parent in ctx.view.parents():
        images |= {a.image for d in parent.documents if d.value is not None
                   for a in artifacts_of(d.value, None) if a.image}
    return images


def _artifact_cycles(edges: dict[str, list[Value]]) -> list[Finding]:
    out: list[Finding] = []
    reported: set[int] = set()
    for start in edges:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, chain = stack.pop()
            for ref in edges.get(node, []):
                text = ref.text or ""
                if text == start:
                    first = edges[start][0] if len(chain) == 1 else next(
                        (r for r in edges[start] if r.text == chain[1]), edges[start][0])
                    if id(first) not in reported:
                        reported.add(id(first))
                        out.append(Finding(
                            "artifact-requires-cycle", Severity.ERROR,
                            "artifact dependency cycle: " + " → ".join(f"`{c}`" for c in [*chain, start])
                            + "; skaffold cannot order these builds", first.range, {"chain": [*chain, start]}))
                elif text not in seen:
                    seen.add(text)
                    stack.append((text, [*chain, text]))
    return out
