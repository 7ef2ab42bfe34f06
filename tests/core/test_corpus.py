"""skaffold's own configs (examples and integration testdata, many apiVersions).

Files skaffold accepts must give zero errors; the few that are really invalid
must give the expected error at the expected line. As a cross-check the verdicts
are compared with a strict draft-07 validation against the published schema of
the file's own version (python-jsonschema), except where skaffold's Go decoder is
known to be more lenient than JSON Schema (scalars decoded into strings).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.schema.store import SchemaStore
from tests.conftest import EXAMPLES, TESTDATA, UPSTREAM_SCHEMAS, require_shared

STORE = SchemaStore()
OPTIONS = AnalysisOptions(outdated_api_version=False, schema_only=True)

# file (relative to shared/skaffold) -> [(1-based line, code, words the message must contain)]
REALLY_INVALID = {
    "examples/examples__kustomize/skaffold-kustomize-args.yaml": [(4, "removed-field", "manifests.kustomize")],
    "examples/integration__examples__kustomize/skaffold-kustomize-args.yaml": [
        (4, "removed-field", "manifests.kustomize")],
    # `docker.secret` was renamed `secrets` in v2beta23; this v4beta14 file still uses the old name.
    "testdata/build__secret/skaffold.yaml": [(10, "removed-field", "secrets")],
    # A v1beta13 profile using `manifests`, which only exists from v3alpha1 on.
    "testdata/skaffold-in-cluster/skaffold.yaml": [(16, "field-not-yet-available", "v3alpha1")],
}
# Kubernetes manifests that happen to be named skaffold*.yaml: not configs, no findings.
NOT_SKAFFOLD = {"testdata/skaffold-in-cluster__build-step/skaffold-rbac.yaml"}
# Where Go's decoder accepts what strict JSON Schema rejects (`DEBUG: 1` into a string).
GO_LENIENT = {"examples/examples__hot-reload/skaffold.yaml", "examples/integration__examples__hot-reload/skaffold.yaml",
              # `verify:` with no value: null is an empty list to Go, not to JSON Schema.
              "testdata/verify-no-tests/skaffold.yaml"}


def _corpus() -> list[Path]:
    files: list[Path] = []
    for base in (EXAMPLES, TESTDATA):
        if base.exists():
            files += sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml"))
    return files


def _rel(path: Path) -> str:
    return str(path.relative_to(EXAMPLES.parent))


def test_corpus_is_present():
    require_shared(EXAMPLES)
    assert len(_corpus()) > 150


@pytest.mark.parametrize("path", _corpus(), ids=_rel)
def test_corpus_file(path: Path):
    rel = _rel(path)
    analysis = analyze(path.read_text(), path, STORE, OPTIONS)
    if rel in NOT_SKAFFOLD:
        assert analysis.not_skaffold and analysis.findings == []
        return
    errors = [(f.range.start.line + 1, f.code, f.message) for f in analysis.findings if f.is_error]
    expected = REALLY_INVALID.get(rel, [])
    assert len(errors) == len(expected), errors
    for (line, code, words), (got_line, got_code, message) in zip(expected, errors, strict=True):
        assert (got_line, got_code) == (line, code), message
        assert words in message


@pytest.mark.parametrize("path", _corpus(), ids=_rel)
def test_corpus_verdict_agrees_with_jsonschema(path: Path):
    rel = _rel(path)
    if rel in NOT_SKAFFOLD:
        return
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    schema_errors = 0
    for doc in docs:
        version = str(doc.get("apiVersion", "")).removeprefix("skaffold/")
        schema = json.loads((UPSTREAM_SCHEMAS / f"{version}.json").read_text())
        doc = {k: v for k, v in doc.items() if not str(k).startswith(".")}
        schema_errors += sum(1 for _ in jsonschema.Draft7Validator(schema).iter_errors(doc))
    ours = analyze(path.read_text(), path, STORE, OPTIONS)
    if rel in GO_LENIENT:
        assert schema_errors > 0 and not any(f.is_error for f in ours.findings)
    else:
        assert (schema_errors > 0) == any(f.is_error for f in ours.findings)
