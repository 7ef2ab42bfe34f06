"""skaffold's structure on the YAML nodes themselves, for code actions and editor features
that edit text or point at it: a config's sections (its own and each profile's) and its
artifacts as written (node + where their files are). Reading what skaffold *means* goes
through `values.py`/`artifacts.py`; these views keep the nodes edits need."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.config.artifacts import BUILDERS
from skaffold_ls.core.findings import Range
from skaffold_ls.core.textedit import mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Mapping, Pair, Scalar, Sequence, YamlDocument, deref, scalar_text


def config_sections(root: Mapping) -> Iterator[tuple[list[str | int], Mapping]]:
    """The root config and each profile (both carry build/manifests/deploy...)."""
    yield [], root
    profiles = deref(root.get("profiles"))
    if isinstance(profiles, Sequence):
        for i, item in enumerate(profiles.items):
            m = deref(item)
            if isinstance(m, Mapping):
                yield ["profiles", i], m




@dataclass
class ArtifactNode:
    doc_index: int
    section: list[str | int]  # [] for the config, ["profiles", i] for a profile
    index: int  # position in build.artifacts
    node: Mapping
    folder: Path | None  # the skaffold.yaml's folder

    @property
    def image(self) -> str | None:
        return scalar_text(self.node.get("image"))

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
        return scalar_text(self.node.get("context")) or "."

    @property
    def context(self) -> Path | None:
        if self.folder is None:
            return None
        return (self.folder / self.context_value).resolve()

    @property
    def dockerfile_value(self) -> str:
        m = self.builder_mapping
        if self.builder in ("docker", "kaniko") and m is not None:
            v = scalar_text(m.get("dockerfile"))
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
        return scalar_text(m.get("target")) if m is not None else None

    @property
    def build_args(self) -> dict[str, str]:
        m = self.builder_mapping
        args = mapping_of(m.get("buildArgs")) if m is not None else None
        out: dict[str, str] = {}
        for p in args.pairs if args else []:
            v = scalar_text(p.value)
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
