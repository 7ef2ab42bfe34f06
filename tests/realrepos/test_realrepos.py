"""Right on real projects: what `check` says about ../shared/realrepos, pinned finding by
finding with a reason each (tests/realrepos/expected.yaml), and the commands users run there
work on every config."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skaffold_ls.actions import offers, whole
from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.config.sources import Sources
from skaffold_ls.core.findings import Severity
from skaffold_ls.debug.offline import offline_configurations
from skaffold_ls.features.types import FeatureContext
from tests.realrepos.realrepos import REALREPOS, STORE, analysis_of, config_files

EXPECTED = Path(__file__).with_name("expected.yaml")


def actual() -> dict[str, set[tuple[str, str, str]]]:
    sources = Sources()
    out: dict[str, set[tuple[str, str, str]]] = {}
    for path in config_files():
        found = {(f"{f.range.start.line + 1}:{f.range.start.col + 1}", f.severity.label, f.code)
                 for f in analysis_of(path, sources).findings if f.severity <= Severity.INFORMATION}
        if found:
            out[path.relative_to(REALREPOS).as_posix()] = found
    return out


def expected() -> dict[str, set[tuple[str, str, str]]]:
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8")) or {}
    out = {}
    for config, items in data.items():
        for item in items:
            assert item.get("why") and "TODO" not in item["why"], f"{config}: every finding needs its reason"
        out[config] = {(str(i["at"]), i["severity"], i["code"]) for i in items}
    return out


def test_every_finding_on_the_real_projects_is_the_reviewed_one() -> None:
    got, want = actual(), expected()
    assert sorted(got) == sorted(want), "configs with findings differ from tests/realrepos/expected.yaml"
    for config in want:
        assert got[config] == want[config], config


def test_errors_and_warnings_only_where_skaffold_fails_and_few_notes() -> None:
    got = actual()
    configs = len(config_files())
    notes = sum(1 for found in got.values() for _at, severity, _code in found if severity == "info")
    assert notes <= configs, f"{notes} information notes on {configs} configs: at most one per config on average"


@pytest.mark.parametrize("path", config_files() if REALREPOS.is_dir() else [], ids=lambda p: p.relative_to(
    REALREPOS).as_posix())
def test_launch_config_and_fix_list_work_on_every_config(path: Path) -> None:
    """What a user runs there (offline): no traceback, whatever the config holds."""
    result = offline_configurations(path.parent, path)
    for r in result.configs:
        assert r.note
    analysis = analyze(path.read_text(encoding="utf-8"), path, STORE, AnalysisOptions())
    ctx = FeatureContext(analysis, STORE, path.parent)
    for offer in offers(ctx, whole(ctx), analysis.findings):  # what `skaffold-ls fix --list` lists
        assert offer.action.title
