"""What skaffold changed between versions, beyond what the schemas show by themselves.

The versioned model knows *when* a property exists. This table says *where it went*
when skaffold's own upgrade code moved it (see skaffold's `upgrade.go` files, the
v2beta29 → v3alpha1 and v3 → v4beta1 steps). Keys are (definition, property).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Move:
    since: str  # first version without the old field
    where: str  # where the setting lives from `since` on
    fix: str | None = None  # name of the code action that performs the move


MOVES: dict[tuple[str, str], Move] = {
    ("KubectlDeploy", "manifests"): Move("skaffold/v3alpha1", "moved to `manifests.rawYaml`", "move-field"),
    ("DeployConfig", "kustomize"): Move(
        "skaffold/v3alpha1",
        "moved to `manifests.kustomize` (`paths`, `buildArgs`); its `flags`, `defaultNamespace` "
        "and `hooks` went to `deploy.kubectl`",
        "move-field",
    ),
    ("HelmRelease", "artifactOverrides"): Move(
        "skaffold/v3alpha1", "replaced by `setValueTemplates` (e.g. `image: \"{{.IMAGE_FULLY_QUALIFIED_<name>}}\"`)",
        "move-field",
    ),
    ("HelmRelease", "imageStrategy"): Move(
        "skaffold/v3alpha1", "replaced by `setValueTemplates`, which spell out the image parts themselves",
        "move-field",
    ),
    ("KptDeploy", "fn"): Move("skaffold/v3alpha1", "removed: kpt functions now run through `manifests.kpt`"),
    ("KptDeploy", "live"): Move("skaffold/v3alpha1", "removed: `deploy.kpt` now takes `dir`, `applyFlags`, `flags`"),
    ("KoArtifact", "platforms"): Move("skaffold/v2beta28", "moved to `build.artifacts[].platforms` (or `build.platforms`)"),
    ("ResourceFilter", "type"): Move("skaffold/v2beta28", "renamed to `groupKind`"),
}

# Fields that still exist but that skaffold's upgrade moves elsewhere.
DEPRECATED_IN_PLACE: dict[tuple[str, str], Move] = {
    ("KubectlDeploy", "remoteManifests"): Move(
        "skaffold/v4beta1", "moved to `manifests.remoteManifests` (with `kubeContext`)"),
}
