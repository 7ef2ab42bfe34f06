"""Artifact images: built twice, or built for nothing.

- duplicate-artifact-image (error): skaffold's validation refuses a config set in which two
  artifacts build the same image ("artifact image names must be unique across all
  configurations"), within one build list or across the configs loaded together.
- unreferenced-artifact-image (information): skaffold builds the image, but nothing it
  deploys, builds on, tests or runs uses it (see `config/consumers.py` for every kind of
  use counted, profiles and required or requiring configs included). Said only when every
  deployed manifest can be read here, and with what the deployed manifests run instead.
"""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.artifacts import artifacts_of
from skaffold_ls.config.manifests import deployed_manifests, image_matches, objects_in
from skaffold_ls.config.paths import is_templated
from skaffold_ls.core.findings import Finding, Severity


def check_duplicates(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    loaded_elsewhere: dict[str, Path | None] = {}
    if ctx.on_disk():
        for cfg in ctx.view.load().configs:
            if cfg.file != ctx.path:
                for art in artifacts_of(cfg.value, cfg.base_dir):
                    if art.image:
                        loaded_elsewhere.setdefault(art.image, cfg.file)
    in_file: dict[str, str] = {}  # image -> the config of this file that builds it
    for doc in ctx.configs():
        seen: dict[tuple[str | None, str], int] = {}
        for art in ctx.view.artifacts(doc):
            image = art.image
            node = art.value.get("image")
            if not image or node is None:
                continue
            key = (art.profile, image)
            if key in seen:
                out.append(Finding(
                    "duplicate-artifact-image", Severity.ERROR,
                    f"`{image}` is already built by artifact #{seen[key] + 1} of this list; skaffold refuses "
                    "two artifacts with one image name (remove one, or rename it)",
                    node.range, {"image": image, "first": seen[key]}))
                continue
            seen[key] = art.index
            if art.profile is not None:
                continue
            other = in_file.get(image) or (str(loaded_elsewhere[image]) if image in loaded_elsewhere else None)
            in_file.setdefault(image, f"config {doc.label} of this file")
            if other is not None:
                out.append(Finding(
                    "duplicate-artifact-image", Severity.ERROR,
                    f"`{image}` is also built by {other}, which skaffold loads with this config: artifact "
                    "image names must be unique across all configurations", node.range, {"image": image}))
    return out


def check_unreferenced(ctx: CheckContext) -> list[Finding]:
    if not ctx.on_disk():
        return []
    uses = ctx.view.uses
    if uses.unknowable is not None:
        return []
    out: list[Finding] = []
    base = ctx.view.base_dir
    for doc in ctx.configs():
        assert doc.value is not None and base is not None
        deployed = deployed_manifests(doc.value, base)
        run_images = sorted({c.image for f in deployed.files for o in objects_in(f) for c in o.containers if c.image})
        for art in ctx.view.artifacts(doc):
            image = art.image
            node = art.value.get("image")
            if art.profile is not None or not image or node is None or is_templated(image) or uses.used(image):
                continue
            # Bare names with no tag or registry look like artifacts someone forgot to build.
            unbuilt = [i for i in run_images if not any(c in i for c in ":/@.")
                       and not any(image_matches(i, a.image or "") for a in ctx.view.artifacts(doc))]
            instead = ""
            if unbuilt and deployed.files:
                shown = ", ".join(f"`{i}`" for i in unbuilt[:3])
                instead = f"; the deployed manifests run {shown}, which no artifact builds"
            out.append(Finding(
                "unreferenced-artifact-image", Severity.INFORMATION,
                f"skaffold builds `{image}`, but nothing it deploys, builds on or runs uses it{instead}",
                node.range, {"image": image}))
    return out
