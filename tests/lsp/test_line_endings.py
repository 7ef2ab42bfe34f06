"""CR-only line endings: `check` and the server put a finding on the same line and column,
the one an editor shows (LSP and libyaml both break lines at a lone "\\r")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skaffold_ls.core.findings import Range, TextEdit
from skaffold_ls.core.positions import line_col, split_lines
from skaffold_ls.core.textedit import apply_text_edits, newline_of, pos_at
from skaffold_ls.core.yamldoc import parse
from tests.lsp.rawclient import NO_FAST_START, RawClient

CR_ONLY = ("apiVersion: skaffold/v4beta14\rkind: Config\rbuild:\r  artifacts:\r  - image: app\r    docker:\r"
           "      dockerfile: Dockerfile\r  tagPolicy:\r    gitComit: {}\r")


def test_the_core_counts_a_lone_cr_as_a_line_break():
    assert split_lines("a\rb\r\nc\nd") == ["a", "b\r", "c", "d"]
    assert line_col("a\rbc\r\nd", 3) == (1, 1) and pos_at("a\rbc\r\nd", 6) == (2, 0)
    pf = parse(CR_ONLY)
    assert len(pf.lines) == 10
    root = pf.documents[0].root_mapping()
    assert root is not None and root.pair("kind").key.range.start == (1, 0)  # type: ignore[union-attr]
    assert newline_of(CR_ONLY) == "\r"
    edited = apply_text_edits(CR_ONLY, [TextEdit(Range.of(8, 4, 8, 12), "gitCommit")])
    assert edited == CR_ONLY.replace("gitComit", "gitCommit")


def test_check_reports_the_line_an_editor_shows(tmp_path: Path):
    f = tmp_path / "skaffold.yaml"
    f.write_bytes(CR_ONLY.encode())
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "check", "--schema-only", "--format", "json", str(f)],
                       capture_output=True, text=True, timeout=60)
    (finding,) = json.loads(r.stdout)
    assert (finding["code"], finding["line"], finding["column"]) == ("unknown-key", 9, 5)


@pytest.mark.parametrize("fast", [True, False], ids=["fast-start", "no-fast-start"])
def test_the_server_agrees_with_check(tmp_path: Path, fast: bool):
    uri = (tmp_path / "skaffold.yaml").as_uri()
    client = RawClient({} if fast else NO_FAST_START)
    try:
        client.initialize(options={"checks": {"enabled": False}})
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": CR_ONLY}}})
        published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        (diag,) = published["params"]["diagnostics"]
        assert diag["code"] == "unknown-key"
        assert diag["range"]["start"] == {"line": 8, "character": 4}
        assert client.stop() == 0
    finally:
        client.kill()
