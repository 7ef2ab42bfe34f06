"""Who uses an image skaffold builds.

An artifact's image is used when something skaffold runs or builds refers to it:
- a deployed manifest's `image:` (rawYaml, kustomize, the default `k8s/*.yaml`), or a
  kustomization's `images:` transformer;
- a local chart (its values or templates name it: skaffold's post-renderer replaces
  rendered images) or a release's `setValues` / `setValueTemplates` (skaffold's
  `IMAGE_*_<image>` variables, or `IMAGE_*<n>` for the n-th artifact);
- another artifact's `requires` (a build-time base), or a hook that names the image
  (an artifact's own build hooks reading `$SKAFFOLD_IMAGE` only inspect what was built);
- `verify` / `customActions` containers, `test` structure tests, `deploy.docker.images`;
- custom resources allowed by `resourceSelector` (any field of theirs may hold it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.artifacts import Artifact, artifacts_of, sanitize_image
from skaffold_ls.config.manifests import (
    MAX_MANIFEST_BYTES,
    Deployed,
    chart_files,
    deployed_manifests,
    image_matches,
    kustomize_image_names,
    objects_in,
)
from skaffold_ls.config.paths import resolve
from skaffold_ls.config.sources import ReadFailure, read_regular_text
from skaffold_ls.config.values import Value
from skaffold_ls.core.yamldoc import Scalar, iter_nodes, parse

_NUMBERED = re.compile(r"IMAGE_(?:FULLY_QUALIFIED|REPO_NO_DOMAIN|REPO|TAG|DIGEST|DOMAIN|NAME)(\d*)\b")
_WORD = re.compile(r"[A-Za-z0-9_./-]+")


@dataclass(frozen=True, slots=True)
class ImageUse:
    how: str  # manifest | kustomize images | chart | helm values | requires | hook | verify | test | docker
    where: str  # a file or field, for messages


@dataclass(slots=True)
class Uses:
    by_image: dict[str, list[ImageUse]] = field(default_factory=dict)
    unknowable: str | None = None  # why some deployed manifests cannot be read here
    deployed_images: set[str] = field(default_factory=set)  # images a deployed container runs

    def add(self, image: str, how: str, where: str) -> None:
        self.by_image.setdefault(image, []).append(ImageUse(how, where))

    def used(self, image: str) -> bool:
        return bool(self.by_image.get(image))


@dataclass(slots=True)
class Section:
    """A config (or a profile's view of it) whose uses count, with where its paths resolve."""

    value: Value
    base_dir: Path


def image_uses(sections: Iterable[Section], images: list[str]) -> Uses:
    """Who uses each of `images` across `sections` (a config, its profiles, configs it requires)."""
    uses = Uses()
    wanted = [i for i in images if i]
    for section in sections:
        _section_uses(section, wanted, uses)
    return uses


def _section_uses(section: Section, images: list[str], uses: Uses) -> None:
    config, base = section.value, section.base_dir
    deployed = deployed_manifests(config, base)
    if deployed.unknowable and uses.unknowable is None:
        uses.unknowable = deployed.unknowable
    custom_kinds = _custom_kinds(config)
    _manifest_uses(deployed, images, custom_kinds, uses)
    arts = artifacts_of(config, base)
    _helm_uses(config, base, images, arts, uses)
    for art in arts:
        for req in art.required_images:
            if req.text in images:
                uses.add(req.text or "", "requires", f"artifact {art.label()} builds on it")
        _hook_uses(art, images, uses)
    for key in ("verify", "customActions"):
        runs = config.get(key)
        for _path, v in runs.walk() if runs is not None else []:
            _scalar_use(v, images, key, f"`{key}`", uses)
    tests = config.get("test")
    for t in tests.items if tests is not None else []:
        image = t.text_at("image")
        if image in images:
            uses.add(image or "", "test", "`test`")
    for v in config.texts_at("deploy", "docker", "images"):
        if v.text in images:
            uses.add(v.text or "", "docker", "`deploy.docker.images`")
            uses.deployed_images.add(v.text or "")


def _scalar_use(v: Value, images: list[str], how: str, where: str, uses: Uses) -> None:
    text = v.text
    if text is None:
        return
    for image in images:
        if image_matches(text, image):
            uses.add(image, how, where)


def _manifest_uses(deployed: Deployed, images: list[str], custom_kinds: set[str], uses: Uses) -> None:
    for source in deployed.sources:
        if source.kind == "helm":
            continue  # charts are text, read below
        for f in source.files:
            for obj in objects_in(f):
                refs = list(obj.images)
                if obj.kind in custom_kinds or "*" in custom_kinds:
                    refs += _words(f)
                for image in images:
                    if any(image_matches(r, image) for r in refs):
                        uses.add(image, "manifest", f"{f.name} ({obj.kind} {obj.name})")
                for c in obj.containers:
                    for image in images:
                        if c.image and image_matches(c.image, image):
                            uses.deployed_images.add(image)
            if source.kind == "kustomize" and f.name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
                for name in kustomize_image_names(f.parent):
                    for image in images:
                        if image_matches(name, image):
                            uses.add(image, "kustomize images", str(f.parent.name))


def _helm_uses(config: Value, base: Path, images: list[str], arts: list[Artifact], uses: Uses) -> None:
    for where in ("manifests", "deploy"):
        releases = config.at(where, "helm", "releases")
        for rel in releases.items if releases else []:
            # The values skaffold passes to helm (not the release's name or chart path).
            texts = [v.text or "" for key in ("setValues", "setValueTemplates", "overrides")
                     if (section := rel.get(key)) is not None for _p, v in section.walk() if v.text is not None]
            blob = "\n".join(texts)
            numbered = {int(n or 1) for n in _NUMBERED.findall(blob)}
            for index, art in enumerate(arts):
                image = art.image
                if not image or image not in images:
                    continue
                if index + 1 in numbered or f"_{sanitize_image(image)}" in blob \
                        or any(image_matches(t, image) for t in texts):
                    uses.add(image, "helm values", f"release `{rel.text_at('name') or '?'}`")
                    uses.deployed_images.add(image)
            chart = rel.text_at("chartPath")
            if chart:
                values = [resolve(base, v.text) for v in rel.texts_at("valuesFiles") if v.text]
                _chart_text_uses(resolve(base, chart), values, chart, images, uses)


def _chart_text_uses(folder: Path, values: list[Path], chart: str, images: list[str], uses: Uses) -> None:
    words: set[str] = set()
    for f in chart_files(folder):
        if f.name.startswith("values"):
            words.update(_scalar_values(f))
        elif f.suffix in (".yaml", ".yml", ".tpl"):
            words.update(_template_images(f))
    for f in values:
        words.update(_scalar_values(f))
    for image in images:
        if image in words or any(image_matches(w, image) for w in words if ":" in w):
            uses.add(image, "chart", f"chart `{chart}`")
            uses.deployed_images.add(image)


_TEMPLATE_IMAGE = re.compile(r"^\s*-?\s*image:\s*[\"']?([^\s\"'{]+)", re.M)


def _template_images(path: Path) -> set[str]:
    """Literal `image:` values of a chart template (templated ones come from values)."""
    text = read_regular_text(path, MAX_MANIFEST_BYTES)
    return set() if isinstance(text, ReadFailure) else set(_TEMPLATE_IMAGE.findall(text))


def _scalar_values(path: Path) -> set[str]:
    """Every scalar value of a values file (images hide under `image`, `repository`, `name`...)."""
    text = read_regular_text(path, MAX_MANIFEST_BYTES)
    if isinstance(text, ReadFailure):
        return set()
    out: set[str] = set()
    for doc in parse(text).documents:
        for node in iter_nodes(doc.root):
            if isinstance(node, Scalar) and not node.is_null:
                out.add(node.value)
    return out


def _words(path: Path) -> set[str]:
    text = read_regular_text(path, MAX_MANIFEST_BYTES)
    return set() if isinstance(text, ReadFailure) else set(_WORD.findall(text))


def _hook_uses(art: Artifact, images: list[str], uses: Uses) -> None:
    hooks = art.value.get("hooks")
    sync_hooks = art.value.at("sync", "hooks")
    for h in (hooks, sync_hooks):
        if h is None:
            continue
        for _path, v in h.walk():
            text = v.text
            # An artifact's own hooks reading $SKAFFOLD_IMAGE inspect the build; they do not use it.
            if text and art.image and art.image in text:
                uses.add(art.image, "hook", f"a hook of {art.label()}")
                return


def _custom_kinds(config: Value) -> set[str]:
    """Kinds `resourceSelector.allow` opens to image replacement (`*` for a wildcard)."""
    allow = config.at("resourceSelector", "allow")
    kinds: set[str] = set()
    for item in allow.items if allow else []:
        gk = item.text_at("groupKind")
        if gk:
            kinds.add("*" if "*" in gk else gk.split(".", 1)[0])
    return kinds
