"""Code actions through LSP (pytest-lsp, `skaffold-ls serve` in a subprocess): the same
results as the pure API, applied the way an editor applies them (UTF-16 positions,
documentChanges with file creation)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import CONFIG, open_doc, start

from .helpers import PROJECTS

pytestmark = pytest.mark.asyncio
KUBE = PROJECTS / "kubeconfig"


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await start(lsp_client)
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 10)


def copy(project: str, tmp: Path) -> Path:
    dest = tmp / project
    shutil.copytree(PROJECTS / project, dest, ignore=shutil.ignore_patterns("expected"))
    return dest


async def diagnostics_with(client: LanguageClient, uri: str, code: str, after: int,
                           timeout: float = 120.0) -> list[types.Diagnostic]:
    """Wait for a publish of `uri` that holds `code` (checks beyond the schema come after a quiet period)."""
    published: list[types.PublishDiagnosticsParams] = client.published  # type: ignore[attr-defined]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for p in published[after:]:
            if p.uri == uri and any(d.code == code for d in p.diagnostics):
                return list(p.diagnostics)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {code} for {uri}: {[(p.uri, [d.code for d in p.diagnostics]) for p in published]}")


def _offset(text: str, pos: types.Position) -> int:
    lines = text.split("\n")
    base = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return base + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return base + len(line)


def apply_lsp(text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(((_offset(text, e.range.start), _offset(text, e.range.end), e.new_text) for e in edits),
                   reverse=True)
    for begin, end, new in spans:
        text = text[:begin] + new + text[end:]
    return text


def apply_workspace_edit(edit: types.WorkspaceEdit) -> dict[Path, str]:
    from pygls.uris import to_fs_path

    out: dict[Path, str] = {}

    def current(uri: str) -> tuple[Path, str]:
        p = Path(to_fs_path(uri) or "")
        return p, out.get(p, p.read_text(encoding="utf-8") if p.exists() else "")

    for uri, edits in (edit.changes or {}).items():
        p, text = current(uri)
        out[p] = apply_lsp(text, list(edits))
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            p = Path(to_fs_path(change.uri) or "")
            out.setdefault(p, "")
        elif isinstance(change, types.TextDocumentEdit):
            p, text = current(change.text_document.uri)
            out[p] = apply_lsp(text, [e for e in change.edits if isinstance(e, types.TextEdit)])
    for p, text in out.items():
        p.write_text(text, encoding="utf-8")
    return out


async def actions_at(client: LanguageClient, uri: str, rng: types.Range,
                     diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=diagnostics)))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def point(line: int, col: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=col), end=types.Position(line=line, character=col))


def expected(project: str, name: str) -> str:
    return (PROJECTS / project / "expected" / name).read_text(encoding="utf-8")


def caps_ok(client: LanguageClient) -> None:
    if not client.init_result.capabilities.code_action_provider:  # type: ignore[attr-defined]
        pytest.skip("code actions not wired in the server")


async def open_file(client: LanguageClient, path: Path) -> tuple[str, int]:
    uri = path.as_uri()
    return uri, open_doc(client, uri, path.read_text(encoding="utf-8"))


async def test_add_gcflags_fix_from_its_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    caps_ok(client)
    folder = copy("go-argfrom", tmp_path)
    uri, mark = await open_file(client, folder / "skaffold.yaml")
    # the missing gcflags are folded into go-runtime-not-detected (distroless sets no Go env var)
    diags = await diagnostics_with(client, uri, "go-runtime-not-detected", mark)
    diag = next(d for d in diags if d.code == "go-runtime-not-detected")
    actions = await actions_at(client, uri, diag.range, [diag])
    fix = next(a for a in actions if a.title.startswith("Add SKAFFOLD_GO_GCFLAGS"))
    assert fix.edit is not None and fix.kind == types.CodeActionKind.QuickFix
    out = apply_workspace_edit(fix.edit)
    assert out[folder / "Dockerfile"] == expected("go-argfrom", "add-go-gcflags.Dockerfile")
    # the diagnostic's own quick fix comes back with it (its data round-trips through the client)
    env = next(a for a in actions if a.title.startswith("Add `ENV GOTRACEBACK=single`"))
    assert env.is_preferred and env.diagnostics and env.diagnostics[0].code == "go-runtime-not-detected"
    shutil.copy(PROJECTS / "go-argfrom" / "Dockerfile", folder / "Dockerfile")  # both edits are for the original
    out = apply_workspace_edit(env.edit)  # type: ignore[arg-type]
    assert out[folder / "Dockerfile"] == expected("go-argfrom", "add-runtime-env.Dockerfile")


async def test_upgrade_through_lsp(client: LanguageClient, tmp_path: Path) -> None:
    caps_ok(client)
    folder = copy("upgrade", tmp_path)
    path = folder / "helm-strategy.v2beta29.yaml"
    uri, mark = await open_file(client, path)
    diags = await diagnostics_with(client, uri, "outdated-api-version", mark)
    diag = next(d for d in diags if d.code == "outdated-api-version")
    actions = await actions_at(client, uri, diag.range, [diag])
    up = next(a for a in actions if a.title.startswith("Upgrade to skaffold/v4beta14"))
    assert up.is_preferred and up.diagnostics and up.diagnostics[0].code == "outdated-api-version"
    out = apply_workspace_edit(up.edit)  # type: ignore[arg-type]
    assert out[path] == expected("upgrade", "helm-strategy.v2beta29.latest.yaml")


async def test_docker_to_ko_and_refusal(client: LanguageClient, tmp_path: Path) -> None:
    caps_ok(client)
    folder = copy("go-argfrom", tmp_path)
    uri, mark = await open_file(client, folder / "skaffold.yaml")
    await diagnostics_with(client, uri, "go-trimpath", mark)
    actions = await actions_at(client, uri, point(6, 10), [])
    ko = next(a for a in actions if a.title.startswith("Build `example.com/shop/server` with ko"))
    assert ko.kind == types.CodeActionKind.RefactorRewrite
    out = apply_workspace_edit(ko.edit)  # type: ignore[arg-type]
    assert out[folder / "skaffold.yaml"] == expected("go-argfrom", "docker-to-ko.yaml")
    cgo = copy("go-cgo", tmp_path)
    uri2, mark2 = await open_file(client, cgo / "skaffold.yaml")
    await diagnostics_with(client, uri2, "unreferenced-artifact-image", mark2)
    actions = await actions_at(client, uri2, point(4, 6), [])
    refused = next(a for a in actions if "with ko" in a.title)
    assert refused.edit is None and refused.disabled is not None and "cgo is required" in refused.disabled.reason


async def test_ko_to_docker_creates_the_dockerfile(client: LanguageClient, tmp_path: Path) -> None:
    caps_ok(client)
    folder = copy("ko-app", tmp_path)
    uri, mark = await open_file(client, folder / "skaffold.yaml")
    await diagnostics_with(client, uri, "ko-default-base", mark)
    actions = await actions_at(client, uri, point(6, 6), [])
    to_docker = next(a for a in actions if "generated Dockerfile" in a.title)
    assert to_docker.edit is not None and to_docker.edit.document_changes
    assert any(isinstance(c, types.CreateFile) for c in to_docker.edit.document_changes)
    out = apply_workspace_edit(to_docker.edit)
    assert out[folder / "Dockerfile"] == expected("ko-app", "ko-to-docker.Dockerfile")
    assert out[folder / "skaffold.yaml"] == expected("ko-app", "ko-to-docker.yaml")


async def test_quick_fixes_after_non_ascii_text(client: LanguageClient, tmp_path: Path) -> None:
    """Columns are UTF-16 on the wire: an emoji before the key must not shift the edit."""
    caps_ok(client)
    path = tmp_path / "skaffold.yaml"
    original = ("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n"
                "  - {image: \"😀app\", contxt: src}\n")
    path.write_text(original, encoding="utf-8")
    uri, mark = await open_file(client, path)
    diags = await diagnostics_with(client, uri, "unknown-key", mark)
    diag = next(d for d in diags if d.code == "unknown-key")
    actions = await actions_at(client, uri, diag.range, [diag])
    rename = next(a for a in actions if a.title == "Rename `contxt` to `context`")
    out = apply_workspace_edit(rename.edit)  # type: ignore[arg-type]
    assert out[path].endswith("  - {image: \"😀app\", context: src}\n")
    remove = next(a for a in actions if a.title.startswith("Remove unknown key"))
    path.write_text(original, encoding="utf-8")  # both actions were computed on the original text
    out = apply_workspace_edit(remove.edit)  # type: ignore[arg-type]
    assert out[path].endswith("  - {image: \"😀app\"}\n")


async def test_check_fixes_through_lsp(client: LanguageClient, tmp_path: Path, monkeypatch: Any) -> None:
    caps_ok(client)
    folder = copy("helm-chart", tmp_path)
    uri, mark = await open_file(client, folder / "skaffold.yaml")
    diags = await diagnostics_with(client, uri, "debug-port-exposed", mark)
    diag = next(d for d in diags if d.code == "debug-port-exposed")
    actions = await actions_at(client, uri, diag.range, [diag])
    fix = next(a for a in actions if a.title == "Forward on 127.0.0.1 only")
    out = apply_workspace_edit(fix.edit)  # type: ignore[arg-type]
    assert out[folder / "skaffold.yaml"] == expected("helm-chart", "loopback-address.yaml")
    probe = next(d for d in diags if d.code == "liveness-probe-debug")
    actions = await actions_at(client, uri, probe.range, [probe])
    assert any(a.title.startswith("Add a profile that sets `debug: true`") for a in actions)


KUBE_CONFIG = pytest_lsp.ClientServerConfig(
    server_command=CONFIG.server_command,
    server_env={**__import__("os").environ, "KUBECONFIG": str(KUBE / "remote.yaml")})


@pytest_lsp.fixture(config=KUBE_CONFIG)
async def kube_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await start(lsp_client)
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 10)


# every action of the CLI cases, through LSP, gives what the pure API gives
from .test_cli import CASES  # noqa: E402


@pytest.mark.parametrize(("project", "file", "action", "extra"), CASES, ids=[c[2] for c in CASES])
async def test_every_action_through_lsp(kube_client: LanguageClient, tmp_path: Path, monkeypatch: Any,
                                        project: str, file: str, action: str, extra: list[str]) -> None:
    caps_ok(kube_client)
    monkeypatch.setenv("KUBECONFIG", str(KUBE / "remote.yaml"))
    from .helpers import all_offers, apply_offer

    folder = copy(project, tmp_path)
    path = folder / file
    original = path.read_text(encoding="utf-8")
    line = int(extra[1]) - 1 if extra[:1] == ["--line"] else None
    wanted = next(o for o in all_offers(path) if o.action.name == action and o.action.disabled_reason is None
                  and (line is None or (o.anchor is not None and o.anchor.start.line <= line <= o.anchor.end.line)))
    want = apply_offer(wanted, path)
    codes = {f.code for f in wanted.action.diagnostics}
    uri, mark = await open_file(kube_client, path)
    published: list[types.PublishDiagnosticsParams] = kube_client.published  # type: ignore[attr-defined]
    # wait for the checks' round of diagnostics (it carries every code the pure API saw)
    diags = await diagnostics_with(kube_client, uri, next(iter(codes)), mark) if codes else []
    if not codes:
        await diagnostics_with(kube_client, uri, "outdated-api-version", mark, timeout=5) \
            if "upgrade" in action else await asyncio.sleep(0)
        diags = next((list(p.diagnostics) for p in reversed(published) if p.uri == uri), [])
    lines = original.split("\n")
    whole = types.Range(start=types.Position(line=0, character=0),
                        end=types.Position(line=len(lines) - 1, character=len(lines[-1])))
    actions = await actions_at(kube_client, uri, whole, diags)
    got = next(a for a in actions if a.title == wanted.action.title)
    assert got.edit is not None
    out = apply_workspace_edit(got.edit)
    assert out == want
