"""Checks on the human-facing knowledge in our schema model.

`schemas/model/descriptions.yaml` holds our own descriptions of every skaffold definition and
property (all apiVersions); `schemas/model/field-kinds.yaml` records facts the upstream JSON
schemas lack (paths, globs, images, ports, templates, ...). These tests compare both files with
upstream's schemas in `../shared/skaffold/schemas`: every v4beta14 name is described, no key is
a typo, and no description is a copy or near copy of upstream's wording.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "schemas" / "model"
UPSTREAM = REPO.parent / "shared" / "skaffold" / "schemas"
LATEST = "v4beta14"

MAX_RATIO = 0.75
MAX_SHARED_RUN = 8  # a run of this many consecutive words in common counts as copying

FIELD_KINDS = {
    "file",
    "dir",
    "glob",
    "path",
    "image",
    "port",
    "k8s_resource_type",
    "k8s_resource_name",
    "profile",
    "config_name",
    "go_package",
}
RELATIVE_TO = {"config_dir", "context", "chart", "workspace"}


def _need_upstream() -> None:
    if not UPSTREAM.is_dir() or not any(UPSTREAM.glob("v*.json")):
        pytest.skip(
            f"upstream skaffold schemas not found at {UPSTREAM} "
            "(the shared data folder ../shared is absent); skipping comparison with upstream"
        )


def _entries(definition: dict):
    """Yield (property name, property schema) including the anyOf alternatives' properties."""
    yield from (definition.get("properties") or {}).items()
    for alternative in definition.get("anyOf") or []:
        yield from (alternative.get("properties") or {}).items()


@cache
def _upstream() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Return ({key: versions present}, {key: upstream description texts})."""
    versions: dict[str, set[str]] = {}
    texts: dict[str, set[str]] = {}
    for path in sorted(UPSTREAM.glob("v*.json")):
        version = path.stem
        schema = json.loads(path.read_text(encoding="utf-8"))
        for name, definition in (schema.get("definitions") or {}).items():
            versions.setdefault(name, set()).add(version)
            if definition.get("description"):
                texts.setdefault(name, set()).add(definition["description"])
            for prop, prop_schema in _entries(definition):
                key = f"{name}.{prop}"
                versions.setdefault(key, set()).add(version)
                if isinstance(prop_schema, dict) and prop_schema.get("description"):
                    texts.setdefault(key, set()).add(prop_schema["description"])
    return versions, texts


def _load(name: str) -> dict:
    path = MODEL / name
    assert path.is_file(), f"{path} is missing"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} must be a mapping"
    return data


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", text.lower())


def _longest_shared_run(a: str, b: str) -> int:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0
    match = difflib.SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    return match.size


# --- shape of our own files (no upstream needed) ---------------------------------------------


def test_descriptions_are_sorted_nonempty_strings():
    descriptions = _load("descriptions.yaml")
    keys = list(descriptions)
    assert keys == sorted(keys), "descriptions.yaml must be sorted by key"
    bad = [k for k, v in descriptions.items() if not isinstance(v, str) or not v.strip()]
    assert not bad, f"empty or non-string descriptions: {bad}"
    too_long = [k for k, v in descriptions.items() if len(v) > 400]
    assert not too_long, f"descriptions should be 1-2 sentences: {too_long}"


def test_field_kinds_values_are_well_formed():
    kinds = _load("field-kinds.yaml")
    keys = list(kinds)
    assert keys == sorted(keys), "field-kinds.yaml must be sorted by key"
    for key, value in kinds.items():
        assert isinstance(value, dict) and value, f"{key}: expected a non-empty mapping"
        unknown = set(value) - {"kind", "relative_to", "template"}
        assert not unknown, f"{key}: unknown attributes {sorted(unknown)}"
        if "kind" in value:
            assert value["kind"] in FIELD_KINDS, f"{key}: unknown kind {value['kind']!r}"
        if "relative_to" in value:
            assert value["relative_to"] in RELATIVE_TO, f"{key}: bad relative_to"
            assert value.get("kind") in {"file", "dir", "glob", "path"}, (
                f"{key}: relative_to only makes sense for file/dir/glob/path kinds"
            )
        if value.get("kind") in {"file", "dir", "glob", "path"}:
            assert "relative_to" in value, f"{key}: a {value['kind']} needs relative_to"
        if "template" in value:
            assert value["template"] is True, f"{key}: template must be true when present"


# --- comparison with upstream -------------------------------------------------------------------


def test_every_latest_definition_and_property_is_described():
    _need_upstream()
    versions, _ = _upstream()
    descriptions = _load("descriptions.yaml")
    missing = sorted(k for k, vs in versions.items() if LATEST in vs and k not in descriptions)
    assert not missing, f"{len(missing)} {LATEST} names without a description: {missing}"


def test_every_upstream_name_is_described():
    _need_upstream()
    versions, _ = _upstream()
    descriptions = _load("descriptions.yaml")
    missing = sorted(k for k in versions if k not in descriptions)
    assert not missing, f"{len(missing)} names (older versions) without a description: {missing}"


def test_description_keys_exist_upstream():
    _need_upstream()
    versions, _ = _upstream()
    unknown = sorted(set(_load("descriptions.yaml")) - set(versions))
    assert not unknown, f"descriptions.yaml keys that name nothing upstream (typos?): {unknown}"


def test_field_kind_keys_exist_upstream():
    _need_upstream()
    versions, _ = _upstream()
    unknown = sorted(set(_load("field-kinds.yaml")) - set(versions))
    assert not unknown, f"field-kinds.yaml keys that name nothing upstream (typos?): {unknown}"


def test_descriptions_are_not_copied_from_upstream():
    _need_upstream()
    _, texts = _upstream()
    problems = []
    for key, ours in _load("descriptions.yaml").items():
        for theirs in texts.get(key, ()):
            ratio = difflib.SequenceMatcher(None, ours.lower(), theirs.lower()).ratio()
            run = _longest_shared_run(ours, theirs)
            if ratio >= MAX_RATIO or run >= MAX_SHARED_RUN:
                problems.append(f"{key}: ratio {ratio:.2f}, {run} shared words in a row")
                break
    assert not problems, "descriptions too close to upstream's:\n" + "\n".join(problems)


def test_copy_detector_catches_copies():
    """The detector itself: an exact copy and a long shared phrase must both be caught."""
    theirs = "directory containing the artifact's sources relative to the config file location."
    assert difflib.SequenceMatcher(None, theirs, theirs).ratio() >= MAX_RATIO
    lifted = "Note: directory containing the artifact's sources relative to the config file."
    assert _longest_shared_run(lifted, theirs) >= MAX_SHARED_RUN
