"""The benchmark's configs are what it claims: valid v4beta14, ~60 and ~5,000 lines, and
the edit it makes is one unknown key on the edited line (no timing here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.schema.store import SchemaStore

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import configs
from lsp_bench import with_error


@pytest.mark.parametrize(("make", "lines"), [(configs.small, (55, 80)), (configs.large, (5000, 5400))])
def test_benchmark_configs(make, lines):
    text = make()
    assert lines[0] <= text.count("\n") <= lines[1]
    store = SchemaStore()
    opts = AnalysisOptions(schema_only=True)
    assert [f.code for f in analyze(text, None, store, opts).findings] == []
    broken = analyze(with_error(text), None, store, opts).findings
    assert [(f.code, f.range.start.line) for f in broken] == [("unknown-key", configs.EDIT_LINE)]
