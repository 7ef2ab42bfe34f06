"""Build artifacts as skaffold reads them: builder, context, Dockerfile, ko, dependencies.

An `Artifact` is a view over one `build.artifacts[]` value (effective, or as written in
the config or one of its profiles), with its paths resolved against the config's base
directory. A builder key counts only when it has a value (`docker:` alone is null: Go
leaves the pointer nil, and skaffold then builds with docker anyway, or kaniko under
`build.cluster`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.config.paths import is_templated, resolve
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import Mapping, Scalar, deref

BUILDERS = ("docker", "ko", "bazel", "jib", "kaniko", "buildpacks", "custom")
KO_TRIMPATH_FLAGS = frozenset({"-trimpath", "--trimpath", "-trimpath=true", "--trimpath=true"})


@dataclass(slots=True)
class Artifact:
    value: Value  # the `build.artifacts[i]` mapping
    index: int  # its position in that list
    base_dir: Path | None  # where the config's relative paths resolve (None: an unsaved buffer)
    cluster_build: bool = False  # `build.cluster` is the build environment
    profile: str | None = None  # the profile section it is written in (None: the config's own build)

    # -- what it is ------------------------------------------------------------
    @property
    def image(self) -> str | None:
        return self.value.text_at("image")

    @property
    def builder_value(self) -> Value | None:
        """The builder's own mapping, when a builder key has a value."""
        for b in BUILDERS:
            v = self.value.get(b)
            if v is not None:
                return v
        return None

    @property
    def builder(self) -> str:
        """The builder key with a value, else skaffold's default (docker; kaniko under `build.cluster`)."""
        for b in BUILDERS:
            if self.value.get(b) is not None:
                return b
        return "kaniko" if self.cluster_build else "docker"

    @property
    def builder_explicit(self) -> bool:
        return self.builder_value is not None

    def spec(self, key: str) -> Value | None:
        b = self.builder_value
        return b.get(key) if b is not None else None

    def spec_text(self, key: str) -> str | None:
        v = self.spec(key)
        return v.text if v is not None else None

    @property
    def runtime_type(self) -> str | None:
        return self.value.text_at("runtimeType")

    # -- where its files are -----------------------------------------------------
    @property
    def context_text(self) -> str:
        return self.value.text_at("context") or "."

    @property
    def context(self) -> Path | None:
        """The context folder; None when unknowable here (templated, or an unsaved config)."""
        if self.base_dir is None or is_templated(self.context_text):
            return None
        return resolve(self.base_dir, self.context_text)

    @property
    def dockerfile_text(self) -> str:
        return (self.spec_text("dockerfile") if self.builder in ("docker", "kaniko") else None) or "Dockerfile"

    @property
    def dockerfile(self) -> Path | None:
        """The Dockerfile of a docker or kaniko artifact (relative to the context)."""
        ctx = self.context
        if ctx is None or self.builder not in ("docker", "kaniko") or is_templated(self.dockerfile_text):
            return None
        return resolve(ctx, self.dockerfile_text)

    @property
    def target(self) -> str | None:
        return self.spec_text("target")

    @property
    def build_args(self) -> dict[str, str]:
        """docker `buildArgs` (a key with no value is passed from the environment: kept as "")."""
        args = self.spec("buildArgs")
        out: dict[str, str] = {}
        if args is not None and args.node is not None:
            # From the node, not the values: `KEY:` with no value is a real (empty) build arg.
            node = deref(args.node)
            if isinstance(node, Mapping):
                for pair in node.pairs:
                    if isinstance(pair.key, Scalar):
                        val = deref(pair.value)
                        out[pair.key.value] = val.value if isinstance(val, Scalar) and not val.is_null else ""
        return out

    # -- ko ------------------------------------------------------------------------
    def ko_list(self, key: str) -> list[Value]:
        spec = self.spec(key) if self.builder == "ko" else None
        return spec.items if spec is not None else []

    @property
    def ko_flags(self) -> list[str]:
        return [t for v in self.ko_list("flags") if (t := v.text)]

    @property
    def ko_ldflags(self) -> list[str]:
        return [t for v in self.ko_list("ldflags") if (t := v.text)]

    @property
    def ko_dir(self) -> str | None:
        return self.spec_text("dir") if self.builder == "ko" else None

    @property
    def ko_main(self) -> str | None:
        return self.spec_text("main") if self.builder == "ko" else None

    @property
    def ko_trimpath(self) -> Value | None:
        """The `-trimpath` flag among ko's flags (skaffold keeps user flags under debug)."""
        return next((v for v in self.ko_list("flags") if v.text in KO_TRIMPATH_FLAGS), None)

    # -- links to other artifacts -------------------------------------------------
    @property
    def required_images(self) -> list[Value]:
        """`requires[].image` values: artifacts this one builds on (e.g. a base image)."""
        req = self.value.get("requires")
        return [v for item in (req.items if req else []) if (v := item.get("image")) is not None and v.text]

    @property
    def required_aliases(self) -> dict[str, str]:
        """`requires[].alias` → image: the build args skaffold passes (`FROM ${ALIAS}`)."""
        req = self.value.get("requires")
        out: dict[str, str] = {}
        for item in req.items if req else []:
            alias, image = item.text_at("alias"), item.text_at("image")
            if image:
                out[alias or image] = image  # skaffold's default alias is the image name
        return out

    # -- where findings point ------------------------------------------------------
    @property
    def anchor_range(self) -> Range:
        """Its builder key, else `image:`, else the whole item."""
        b = self.builder_value
        if b is not None:
            return b.key_range
        image = self.value.get("image")
        return image.key_range if image is not None else self.value.range

    def label(self) -> str:
        where = f" (profile `{self.profile}`)" if self.profile else ""
        return f"`{self.image or f'artifact #{self.index + 1}'}`{where}"


def artifacts_of(config: Value, base_dir: Path | None, profile: str | None = None) -> list[Artifact]:
    """The artifacts of a config (or of a profile's `build` section)."""
    build = config.get("build")
    arts = build.get("artifacts") if build is not None else None
    cluster = build is not None and build.get("cluster") is not None
    return [Artifact(v, i, base_dir, cluster, profile) for i, v in enumerate(arts.items if arts else [])
            if v.mapping is not None]


def written_artifacts(config: Value, base_dir: Path | None) -> Iterator[Artifact]:
    """Every artifact written in a config: its own, then each profile's (as written)."""
    yield from artifacts_of(config, base_dir)
    profiles = config.get("profiles")
    for p in profiles.items if profiles else []:
        name = p.text_at("name")
        own = artifacts_of(p, base_dir, profile=name or "?")
        if own and p.at("build", "cluster") is None and config.at("build", "cluster") is not None:
            for a in own:
                a.cluster_build = True
        yield from own


_SANITIZE = re.compile(r"[.\-/:]")


def sanitize_image(image: str) -> str:
    """How skaffold names an image in template variables (`SanitizeHelmTemplateValue`)."""
    return _SANITIZE.sub("_", image)
