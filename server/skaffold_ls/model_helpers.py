"""Small readers of the YAML document model shared by features, actions and checks
(neutral ground: checks need not import the actions package for them), and the
artifacts as written in the document (node + where their files are)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.core.findings import Range
from skaffold_ls.core.textedit import mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Mapping, Node, Pair, Scalar, Sequence, YamlDocument, deref


def config_sections(root: Mapping) -> Iterator[tuple[list[str | int], Mapping]]:
    """The root config and each profile (both carry build/manifests/deploy...)."""
    yield [], root
    profiles = deref(root.get("profiles"))
    if isinstance(profiles, Sequence):
        for i, item in enumerate(profiles.items):
            m = deref(item)
            if isinstance(m, Mapping):
                yield ["profiles", i], m


def scalar(node: Node | None) -> str | None:
    """The text of a non-null scalar (after aliases), else None."""
    node = deref(node)
    if isinstance(node, Scalar) and not node.is_null:
        return node.value
    return None


def sanitize_image(image: str) -> str:
    """How skaffold names an image in template variables (its SanitizeHelmTemplateValue:
    `.`, `-`, `/`, `:` become `_`)."""
    return re.sub(r"[.\-/:]", "_", image)


BUILDERS = ("docker", "ko", "bazel", "jib", "kaniko", "buildpacks", "custom")


@dataclass
class ArtifactNode:
    doc_index: int
    section: list[str | int]  # [] for the config, ["profiles", i] for a profile
    index: int  # position in build.artifacts
    node: Mapping
    folder: Path | None  # the skaffold.yaml's folder

    @property
    def image(self) -> str | None:
        return scalar(self.node.get("image"))

    @property
    def builder(self) -> str:
        for b in BUILDERS:
            if self.node.pair(b) is not None:
                return b
        return "docker"  # skaffold's default (kaniko under build.cluster: same Dockerfile)

    @property
    def builder_pair(self) -> Pair | None:
        return self.node.pair(self.builder)

    @property
    def builder_mapping(self) -> Mapping | None:
        p = self.builder_pair
        return mapping_of(p.value) if p is not None else None

    @property
    def anchor_range(self) -> Range:
        """Where findings about the artifact point: its builder key, else `image`, else the item."""
        pair = self.builder_pair or self.node.pair("image")
        return pair.key.range if pair is not None else self.node.range

    @property
    def context_value(self) -> str:
        return scalar(self.node.get("context")) or "."

    @property
    def context(self) -> Path | None:
        if self.folder is None:
            return None
        return (self.folder / self.context_value).resolve()

    @property
    def dockerfile_value(self) -> str:
        m = self.builder_mapping
        if self.builder in ("docker", "kaniko") and m is not None:
            v = scalar(m.get("dockerfile"))
            if v:
                return v
        return "Dockerfile"

    @property
    def dockerfile(self) -> Path | None:
        ctx = self.context
        return ctx / self.dockerfile_value if ctx is not None else None

    @property
    def target(self) -> str | None:
        m = self.builder_mapping
        return scalar(m.get("target")) if m is not None else None

    @property
    def build_args(self) -> dict[str, str]:
        m = self.builder_mapping
        args = mapping_of(m.get("buildArgs")) if m is not None else None
        out: dict[str, str] = {}
        for p in args.pairs if args else []:
            v = scalar(p.value)
            if v is not None and isinstance(p.key, Scalar):
                out[p.key.value] = v
        return out

    def label(self) -> str:
        where = "" if not self.section else f" (profile #{self.section[1]})"
        return f"`{self.image or f'artifact #{self.index}'}`{where}"


def artifacts(docs: list[YamlDocument], folder: Path | None) -> Iterator[ArtifactNode]:
    for di, doc in enumerate(docs):
        root = doc.root_mapping()
        if root is None:
            continue
        for section, cfg in config_sections(root):
            build = mapping_of(cfg.get("build"))
            arts = sequence_of(build.get("artifacts")) if build else None
            for i, item in enumerate(arts.items if arts else []):
                m = mapping_of(item)
                if m is not None:
                    yield ArtifactNode(di, section, i, m, folder)


def is_cluster_build(doc: YamlDocument) -> bool:
    root = doc.root_mapping()
    build = mapping_of(root.get("build")) if root else None
    return build is not None and build.pair("cluster") is not None
