"""Hostile and broken input ends in a diagnostic: never a crash, a hang or a dead server.

Each case goes through both real entry points: `skaffold-ls check` (a subprocess,
with a timeout) and the language server (pytest-lsp), and the server must still
answer afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import CONFIG, GOOD, codes, open_doc, start, uri_for, wait_diagnostics

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def alias_bomb() -> str:
    lines = [HEAD.rstrip("\n"), 'metadata:', '  labels:', '    a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines.append("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    for i in range(1, 10):
        refs = ", ".join([f"*x{i - 1}"] * 9)
        lines.append(f"x{i}: &x{i} [{refs}]")
    lines.append("build:\n  artifacts: *x9")
    return "\n".join(lines) + "\n"


def merge_fan_out(levels: int = 40) -> str:
    """`<<: [*a, *a]` chained: 1.5 KB standing for 2^40 merged mappings."""
    lines = [HEAD.rstrip("\n"), "a0: &a0 {k0: v}"]
    lines += [f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}], k{i}: v}}" for i in range(1, levels + 1)]
    lines.append(f"build:\n  artifacts:\n  - image: x\n    <<: *a{levels}")
    return "\n".join(lines) + "\n"


def flow_nesting(depth: int) -> str:
    return HEAD + "build: " + "[" * depth + "]" * depth + "\n"


def block_nesting(depth: int) -> str:
    # compact block sequences: "- - - ... x" nests one level per "- " without 50 MB of indentation
    return HEAD + "build:\n  artifacts:\n  " + "- " * depth + "x\n"


def five_megabytes() -> str:
    body = "".join(f"  - image: app{i}\n    context: src/{i}\n" for i in range(120_000))
    text = HEAD + "build:\n  artifacts:\n" + body
    assert len(text.encode()) > 5_000_000
    return text


CASES = {
    "alias-bomb": (alias_bomb, "alias-bomb"),
    "merge-fan-out": (merge_fan_out, "alias-bomb"),
    "flow-nesting-10000": (lambda: flow_nesting(10_000), "too-deep"),
    "block-nesting-10000": (lambda: block_nesting(10_000), "too-deep"),
    "five-megabytes": (five_megabytes, "file-too-large"),
    "nul-bytes": (lambda: HEAD + "build:\n  artifacts:\x00\x00\n", "binary-content"),
}


def limit_memory() -> None:
    # A `check` that reads /dev/zero must fail here with MemoryError, not take the machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run_check(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skaffold_ls", "check", *args],
                          capture_output=True, text=True, timeout=timeout, preexec_fn=limit_memory)


# ---------------------------------------------------------------------------
# `skaffold-ls check`


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_reports_bad_input_as_a_finding(case: str, tmp_path: Path):
    make, code = CASES[case]
    f = tmp_path / "skaffold.yaml"
    f.write_text(make(), encoding="utf-8")
    r = run_check("--format", "json", str(f))
    assert "Traceback" not in r.stderr
    findings = json.loads(r.stdout)
    assert code in [x["code"] for x in findings], findings
    assert r.returncode == 1


def test_check_invalid_utf8(tmp_path: Path):
    f = tmp_path / "skaffold.yaml"
    f.write_bytes(HEAD.encode() + b"metadata:\n  name: caf\xe9\xff\n")
    r = run_check(str(f))
    assert r.returncode == 1
    assert "not-utf8" in r.stdout and "Traceback" not in r.stderr


def test_check_missing_file_is_one_line_and_exit_2(tmp_path: Path):
    r = run_check(str(tmp_path / "nope" / "skaffold.yaml"))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "nope" in r.stderr
    assert r.stdout == ""


def test_check_unreadable_directory_is_one_line_and_exit_2(tmp_path: Path):
    d = tmp_path / "locked"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "skaffold.yaml").write_text(GOOD)
    if os.geteuid() == 0:
        # root reads everything; the in-process test below covers this case for root.
        pytest.skip("running as root: directory permissions do not apply (see the in-process test below)")
    (d / "sub").chmod(0)
    try:
        r = run_check(str(d))
    finally:
        (d / "sub").chmod(0o755)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "cannot read directory" in r.stderr


def test_check_unreadable_directory_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]):
    """The same as above without needing a non-root user: os.scandir fails like on a 000 directory."""
    from skaffold_ls import cli

    d = tmp_path / "locked"
    d.mkdir()
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == d:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    assert cli.main(["check", str(d)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Permission denied" in err[0], err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_check_skips_special_files_with_a_message(tmp_path: Path, kind: str):
    special = tmp_path / "special" / "skaffold.yaml"
    special.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(special)
    else:
        special.symlink_to("/dev/zero")
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "skaffold.yaml").write_text(GOOD)
    what = "named pipe" if kind == "fifo" else "character device"
    for target in (special, tmp_path):  # named, then found by a folder walk
        r = run_check("--schema-only", str(target))
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert f"{special}: a {what} (FIFO), not a regular file; skipped" in r.stderr \
            if kind == "fifo" else f"{special}: a {what}, not a regular file; skipped" in r.stderr
    r = run_check("--format", "json", "--schema-only", str(tmp_path))
    assert json.loads(r.stdout) == []  # the good file was checked


def test_check_globs_and_folder_walks_end_on_symlink_loops(tmp_path: Path):
    (tmp_path / "svc" / "k8s").mkdir(parents=True)
    (tmp_path / "svc" / "skaffold.yaml").write_text(GOOD)
    (tmp_path / "svc" / "k8s" / "up").symlink_to("../..")
    (tmp_path / "svc" / "k8s" / "self").symlink_to("../k8s")
    r = run_check("--format", "json", str(tmp_path / "**" / "skaffold.yaml"))
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
    assert {x["file"] for x in json.loads(r.stdout)} <= {str(tmp_path / "svc" / "skaffold.yaml")}
    r = run_check(str(tmp_path))
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr


def test_check_says_when_a_walk_is_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]):
    from skaffold_ls import cli
    from skaffold_ls.core import fsutil

    for i in range(20):
        (tmp_path / f"s{i:02}").mkdir()
        (tmp_path / f"s{i:02}" / "skaffold.yaml").write_text(GOOD)
    monkeypatch.setattr(fsutil, "MAX_WALK_ENTRIES", 25)
    cli.main(["check", "--schema-only", str(tmp_path)])
    assert f"{tmp_path}: stopped after looking at 25 entries" in capsys.readouterr().err
    assert cli.main(["check", "--schema-only", str(tmp_path / "nothing-*" / "**" / "x.yaml")]) == 2
    cli.main(["check", "--schema-only", str(tmp_path / "**" / "skaffold.yaml")])
    assert "stopped after looking at 25 entries" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# The language server


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 20)


@pytest.mark.asyncio
async def test_server_survives_every_bad_input(client: LanguageClient, tmp_path: Path):
    for case, (make, code) in sorted(CASES.items()):
        uri = uri_for(tmp_path, f"{case}/skaffold.yaml")
        p = await wait_diagnostics(client, uri, after=open_doc(client, uri, make()), timeout=60)
        assert code in codes(p.diagnostics), (case, codes(p.diagnostics))
        lines = make().split("\n")
        for d in p.diagnostics:
            assert 0 <= d.range.start.line <= d.range.end.line < len(lines)
    # lone surrogates can arrive through JSON escapes ("\ud800"): still a diagnostic, still alive
    uri = uri_for(tmp_path, "surrogate/skaffold.yaml")
    await wait_diagnostics(client, uri, after=open_doc(client, uri, HEAD + "metadata:\n  name: a\ud800b\n"))
    # and the server still answers
    uri = uri_for(tmp_path, "after/skaffold.yaml")
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, GOOD))
    assert len(p.diagnostics) == 0


@pytest.mark.asyncio
async def test_hovers_on_a_merge_fan_out_leave_the_server_responsive(client: LanguageClient, tmp_path: Path):
    uri = uri_for(tmp_path, "fan-out/skaffold.yaml")
    await wait_diagnostics(client, uri, after=open_doc(client, uri, merge_fan_out()), timeout=60)
    doc = types.TextDocumentIdentifier(uri=uri)
    hovers = [asyncio.ensure_future(client.text_document_hover_async(types.HoverParams(
        text_document=doc, position=types.Position(line=line, character=5)))) for line in (3, 20, 42, 45)]
    other = uri_for(tmp_path, "other/skaffold.yaml")
    p = await wait_diagnostics(client, other, after=open_doc(client, other, GOOD), timeout=20)
    assert not p.diagnostics
    h = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=other), position=types.Position(line=2, character=2))), 20)
    assert h is not None
    await asyncio.wait_for(asyncio.gather(*hovers), 30)


def test_file_names_with_control_characters_are_escaped(tmp_path: Path):
    """A name with an escape sequence rewrote the terminal, one with a newline forged a line
    of output, one with a byte that is not UTF-8 ended `check` with UnicodeEncodeError."""
    bad = HEAD + "biuld: {}\n"  # one finding per file
    names = [b"clear\x1b[2J", b"two\nlines:1:1: error forged", b"rtl\xe2\x80\xaeevil", b"byte\xff"]
    for name in names:
        folder = os.path.join(os.fsencode(tmp_path), name)
        os.mkdir(folder)
        with open(os.path.join(folder, b"skaffold.yaml"), "w", encoding="utf-8") as f:
            f.write(bad)
    r = run_check("--schema-only", str(tmp_path))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(names), lines  # one line per finding, none forged
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    for shown in ("clear\\x1b[2J", "two\\nlines:1:1: error forged", "rtl\\u202eevil", "byte\\xff"):
        assert any(line.startswith(f"{tmp_path}/{shown}/skaffold.yaml:3:1: error unknown-key") for line in lines), \
            (shown, lines)


def test_printable_escapes_only_what_a_terminal_would_act_on():
    from skaffold_ls.core.printable import printable

    assert printable("café/😀 skaffold.yaml") == "café/😀 skaffold.yaml"
    assert printable("a\x1bb\nc\td\x7fe\x85f\u2028g") == "a\\x1bb\\nc\\td\\x7fe\\x85f\\u2028g"
    assert printable("bad\udcff") == "bad\\xff"
