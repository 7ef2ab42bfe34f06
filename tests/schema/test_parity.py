"""Our versioned schema model against skaffold's published schemas, version by version.

For each of the 72 apiVersions, the VersionSchema rebuilt from our model must equal
the published JSON schema read structurally: per definition the property set and
order, each property's type (refs, item types, unions), enums, defaults, required
keys, additionalProperties and the one-of groups.
"""

from __future__ import annotations

import json

import pytest

from skaffold_ls.schema.jsonschema_import import import_schema
from skaffold_ls.schema.store import SchemaStore
from skaffold_ls.schema.versions import PREFIX, sort_key
from tests.conftest import UPSTREAM_SCHEMAS, require_shared

STORE = SchemaStore()


def _upstream_files():
    if not UPSTREAM_SCHEMAS.exists():
        return []
    return sorted(UPSTREAM_SCHEMAS.glob("v*.json"), key=lambda p: sort_key(p.stem))


def test_model_covers_every_published_version():
    require_shared(UPSTREAM_SCHEMAS)
    published = [PREFIX + p.stem for p in _upstream_files()]
    assert len(published) == 72
    assert STORE.model.versions == published
    assert STORE.latest == "skaffold/v4beta14"


@pytest.mark.parametrize("path", _upstream_files(), ids=lambda p: p.stem)
def test_version_matches_published_schema(path):
    upstream = import_schema(PREFIX + path.stem, json.loads(path.read_text()))
    ours = STORE.get(upstream.version)
    assert ours is not None
    assert ours.root == upstream.root
    assert set(ours.definitions) == set(upstream.definitions), "definition sets differ"
    for name, theirs in upstream.definitions.items():
        mine = ours.definitions[name]
        assert list(mine.properties) == list(theirs.properties), f"{name}: properties"
        for prop, spec in theirs.properties.items():
            assert mine.properties[prop] == spec, f"{name}.{prop}: type"
        assert mine.required == theirs.required, f"{name}: required"
        assert mine.additional == theirs.additional, f"{name}: additionalProperties"
        assert mine.alternatives == theirs.alternatives, f"{name}: one-of groups"
        assert mine.alias == theirs.alias, f"{name}: alias type"


def test_importer_reads_what_the_published_schema_says():
    """Guard the comparison itself: spot facts read straight from the JSON."""
    require_shared(UPSTREAM_SCHEMAS)
    raw = json.loads((UPSTREAM_SCHEMAS / "v4beta14.json").read_text())
    schema = STORE.get("skaffold/v4beta14")
    assert schema is not None
    artifact = schema.definitions["Artifact"]
    builders = {k for alt in artifact.alternatives for k in alt}
    assert builders == {"docker", "bazel", "ko", "jib", "kaniko", "buildpacks", "custom"}
    assert artifact.required == tuple(raw["definitions"]["Artifact"]["required"])
    prefix = schema.definitions["LogsConfig"].properties["prefix"]
    assert prefix.enum == tuple(raw["definitions"]["LogsConfig"]["properties"]["prefix"]["enum"])
    port = schema.definitions["PortForwardResource"].properties["port"]
    assert port.kind == "union" and {o.kind for o in port.options} == {"string", "integer"}
    assert schema.definitions["HelmRelease"].properties["setValues"].kind in ("any", "map", "object")


def test_identical_published_pairs_rebuild_identically():
    require_shared(UPSTREAM_SCHEMAS)
    for a, b in [("v3", "v3alpha1"), ("v2beta1", "v2beta2"), ("v2alpha3", "v2alpha4")]:
        assert (UPSTREAM_SCHEMAS / f"{a}.json").read_bytes() == (UPSTREAM_SCHEMAS / f"{b}.json").read_bytes()
        sa, sb = STORE.get(PREFIX + a), STORE.get(PREFIX + b)
        assert sa is not None and sb is not None
        assert sa.definitions == sb.definitions


def test_model_is_regenerated_by_the_script_byte_for_byte(tmp_path):
    """The shipped model comes from the script in the repo, nothing hand-edited."""
    require_shared(UPSTREAM_SCHEMAS)
    import subprocess
    import sys

    from tests.conftest import REPO

    out = tmp_path / "model.json"
    subprocess.run([sys.executable, str(REPO / "schemas/build_model.py"), "--upstream", str(UPSTREAM_SCHEMAS),
                    "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == (REPO / "schemas/model/skaffold-model.json").read_bytes()


def test_history_knows_when_fields_came_and_went():
    h = STORE.property_history("KubectlDeploy", "manifests")
    assert h.last == "skaffold/v2beta29"
    assert STORE.property_history("Artifact", "runtimeType").first == "skaffold/v4beta2"
    assert STORE.property_history("BuildpackArtifact", "buildArgs").first == "skaffold/v4beta14"
