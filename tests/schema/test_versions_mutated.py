"""Per apiVersion: a small valid config, and mutations whose error must land on the right line.

The configs are generated from each version's own schema (its artifact image key,
its builders), so the test exercises the validator against all 72 versions.
"""

from __future__ import annotations

import pytest

from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.schema.model import VersionSchema
from skaffold_ls.schema.store import SchemaStore

STORE = SchemaStore()
VERSIONS = STORE.model.versions
OPTIONS = AnalysisOptions(outdated_api_version=False, schema_only=True)


def _artifact_shape(schema: VersionSchema) -> tuple[str, list[str]]:
    artifact = schema.definitions["Artifact"]
    image_key = "image" if "image" in artifact.properties else "imageName"
    builders = []
    for alt in artifact.alternatives:
        if not alt:
            continue
        builder = schema.resolve(artifact.properties[alt[0]])
        if not getattr(builder, "required", ()):  # `{}` is then a complete builder
            builders.append(alt[0])
    return image_key, builders


def _config(version: str, artifact_extra: str = "", build_extra: str = "") -> str:
    schema = STORE.get(version)
    assert schema is not None
    image_key, _ = _artifact_shape(schema)
    return (
        f"apiVersion: {version}\n"      # line 1
        "kind: Config\n"                 # line 2
        "build:\n"                       # line 3
        "  artifacts:\n"                 # line 4
        f"  - {image_key}: example/app\n"  # line 5
        f"{artifact_extra}"              # line 6...
        f"{build_extra}"
    )


def _errors(text: str) -> list[tuple[int, str]]:
    analysis = analyze(text, None, STORE, OPTIONS)
    return [(f.range.start.line + 1, f.code) for f in analysis.findings if f.is_error]


@pytest.mark.parametrize("version", VERSIONS)
def test_minimal_config_is_valid(version):
    assert _errors(_config(version)) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_key_lands_on_its_line(version):
    text = _config(version, artifact_extra="    colour: blue\n")
    assert _errors(text) == [(6, "unknown-key")]


@pytest.mark.parametrize("version", VERSIONS)
def test_wrong_type_lands_on_the_value(version):
    text = _config(version, build_extra="  tagPolicy: [not, a, mapping]\n")
    assert _errors(text) == [(6, "wrong-type")]


@pytest.mark.parametrize("version", VERSIONS)
def test_two_builders_in_one_artifact(version):
    schema = STORE.get(version)
    assert schema is not None
    _, builders = _artifact_shape(schema)
    if len(builders) < 2:
        pytest.skip(f"{version} artifacts have no builder one-of group")
    first, second = builders[0], builders[1]
    text = _config(version, artifact_extra=f"    {first}: {{}}\n    {second}: {{}}\n")
    errors = _errors(text)
    assert errors == [(7, "one-of-conflict")]
    message = next(f.message for f in analyze(text, None, STORE, OPTIONS).findings if f.is_error)
    assert f"`{first}`" in message and f"`{second}`" in message
