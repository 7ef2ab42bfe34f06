"""The effective configuration as text: annotated YAML or JSON, for `skaffold-ls config` and editors.

`effective_config_text` is the whole answer to "what will skaffold actually run?" as one
string (what a `workspace/executeCommand` returns for a virtual document); `render_yaml`
and `render_json` render a `config.effective.Effective` already loaded.

YAML: a header of comments (command, run directory, kube context, what stops skaffold,
notes), then each config after `---`, headed by its file, `metadata.name`, the config that
requires it, and its profiles: active and why, inactive and why not. Block style, keys in
the order written (defaults after them). Every value that did not come from the root
file's document as written carries a comment at the end of its line:
`# profile debug, patch 1 (skaffold.yaml:84)`, `# from src/ledger/skaffold.yaml:12`,
`# default`, and `; written ../../` when skaffold changed the text (a required config's
path). A mapping or list gets one on its key's line when its source differs from its
parent's. The output is valid YAML whose data is the effective configuration.

JSON: `{"command", "runDirectory", "kubeContext", "problems", "notes", "configs": [...]}`,
each config's `config` a tree of `{"value": ..., "source": {...}}` (see docs/effective-config.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from skaffold_ls.config.activation import RunContext, profiles_of
from skaffold_ls.config.effective import Effective, EffectiveConfig, KubeContextReader, load_effective
from skaffold_ls.config.loader import ConfigProblem, LoadRequest
from skaffold_ls.config.paths import find_workspace_root, run_directory
from skaffold_ls.config.sources import Sources
from skaffold_ls.config.values import Origin, Value
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.yamldoc import Scalar
from skaffold_ls.features.types import FeatureContext

FORMATS = ("yaml", "json")
SKAFFOLD_COMMANDS = ("dev", "debug", "run", "build", "render", "deploy")


def profile_names(ctx: FeatureContext) -> list[str]:
    """The profiles this file declares, in the order written (for a picker)."""
    names: list[str] = []
    for doc in ctx.config_file.documents:
        if doc.value is not None:
            names.extend(name for name, _ in profiles_of(doc.value) if name not in names)
    return names


def editor_effective_config(ctx: FeatureContext, profiles: Sequence[str] = (), command: str = "dev",
                            env: dict[str, str] | None = None, latest: str | None = None) -> str:
    """What `skaffold-ls config -p PROFILES --command COMMAND` prints for the document, read
    from the editor's buffers: run directory as `check` decides it (the setting first), this
    process's environment, kubeconfig's current context (read only when a profile needs it)."""
    path = ctx.path
    if path is None:
        return "# skaffold-ls: save the file first: its paths resolve against its folder\n"
    written = next((d.value for d in ctx.config_file.documents if d.value is not None), None)
    workspace = ctx.workspace or find_workspace_root(path)
    run_dir = run_directory(path, workspace, ctx.run_dir, written)
    run = RunContext(command=command if command in SKAFFOLD_COMMANDS else "dev", env=env or {})
    return effective_config_text(ctx.sources, path, profiles=profiles, run=run, run_dir=run_dir.path,
                                 run_dir_reason=run_dir.reason, latest=latest or ctx.store.latest,
                                 read_kube_context=current_context_name)


def current_context_name() -> str | None:
    """kubeconfig's current context, for profiles that activate on one."""
    # Lazy: only a profile that activates on a kube context needs it (and the urllib/ipaddress
    # imports of config.kubecontext, a measurable part of `skaffold-ls config`'s start-up).
    from skaffold_ls.config.kubecontext import current_context

    kube = current_context()
    return kube.name if kube is not None else None


def effective_config_text(sources: Sources, file: Path, *, profiles: Sequence[str] = (),
                          modules: Sequence[str] = (), run: RunContext | None = None, run_dir: Path | None = None,
                          run_dir_reason: str = "", latest: str | None = None, defaults: bool = True,
                          fmt: str = "yaml", read_kube_context: KubeContextReader | None = None) -> str:
    """The effective configuration of `file` for `run.command`, as annotated YAML or JSON text."""
    request = LoadRequest(file, tuple(profiles), tuple(modules), run or RunContext(), run_dir)
    eff = load_effective(sources, request, latest, defaults, read_kube_context)
    return render(eff, fmt, run_dir_reason)


def render(eff: Effective, fmt: str = "yaml", run_dir_reason: str = "") -> str:
    if fmt == "json":
        return json.dumps(render_json(eff, run_dir_reason), indent=2) + "\n"
    return render_yaml(eff, run_dir_reason)


# ---------------------------------------------------------------------------
# Labels


def label(path: Path | None, eff: Effective) -> str:
    """A file as the output names it: relative to the run directory when below it."""
    if path is None:
        return "<unsaved>"
    try:
        return path.relative_to(eff.run_dir).as_posix()
    except ValueError:
        return path.as_posix()


def problem_lines(eff: Effective, relative_to: Path | None = None) -> list[str]:
    """What stops skaffold, as `check` prints findings: `file:line:col: error code message`
    (syntax errors of the files read, then loading's problems; non-fatal ones as warnings)."""
    def shown(path: Path | None) -> str:
        path = path or eff.root
        if relative_to is not None and path.is_relative_to(relative_to):
            return path.relative_to(relative_to).as_posix()
        return str(path)

    out = [f"{shown(path)}:{f.range.start.line + 1}:{f.range.start.col + 1}: error {f.code} {f.message}"
           for path, f in syntax_errors(eff)]
    for p in eff.problems:
        out.append(_problem_line(p, shown(p.file)))
    return out


def syntax_errors(eff: Effective) -> list[tuple[Path, Finding]]:
    """Errors in the files themselves (YAML syntax, alias bombs...), with their file."""
    return [(path, f) for path, cf in eff.files.items() for f in cf.parsed.findings if f.severity == Severity.ERROR]


def stops_loading(eff: Effective) -> bool:
    """Whether skaffold would stop loading these configs (exit status 1 of `config`)."""
    return bool(eff.fatal or syntax_errors(eff))


def _problem_line(p: ConfigProblem, file: str) -> str:
    line, col = (p.range.start.line + 1, p.range.start.col + 1) if p.range is not None else (1, 1)
    return f"{file}:{line}:{col}: {'error' if p.fatal else 'warning'} {p.code} {p.message}"


def config_title(cfg: EffectiveConfig, eff: Effective) -> str:
    """`app (skaffold.yaml, document 1)`: its name, file and position among the file's documents."""
    name = cfg.name or "(no metadata.name)"
    return f"{name} ({label(cfg.file, eff)}, document {cfg.loaded.source.index + 1})"


def source_comment(value: Value, cfg: EffectiveConfig, eff: Effective) -> str | None:
    """Where a value came from, for a comment; None for the root file's document as written."""
    o = value.origin
    if not _is_inline(value) and value.key_node is not None and o.range is not None:
        o = replace(o, range=value.key_node.range)  # a block's source is where its key is written
    if o.default:
        text: str | None = "default"
    elif o.profile is not None:
        text = o.describe(eff.run_dir)
    elif cfg.loaded.is_root and o.file == cfg.file:
        text = None
    else:
        text = "from " + o.describe(eff.run_dir)
    if value.written is not None:
        text = (text + "; " if text else "") + f"written {value.written}"
    return text


def _source_key(o: Origin) -> tuple[Any, ...]:
    return (o.file, o.profile, o.patch, o.default)


# ---------------------------------------------------------------------------
# YAML


def render_yaml(eff: Effective, run_dir_reason: str = "") -> str:
    out = _header(eff, run_dir_reason)
    total = len(eff.configs)
    for i, cfg in enumerate(eff.configs, 1):
        out.append("---")
        out.append(f"# config {i} of {total}: {config_title(cfg, eff)}")
        if cfg.loaded.required_by is not None:
            by = cfg.loaded.required_by
            out.append(f"# required by: {by.name or '(no metadata.name)'} ({label(by.file, eff)})")
        out.extend(f"# note: {_one_line(n)}" for n in cfg.notes)
        out.extend(_profile_lines(cfg))
        body = cfg.value.mapping
        if body is None:
            out.append(_scalar(cfg.value))
        else:
            _Emitter(cfg, eff, out).mapping(cfg.value, 0)
    return "\n".join(out) + "\n"


def _header(eff: Effective, run_dir_reason: str) -> list[str]:
    out = [f"# skaffold-ls config: what `skaffold {eff.run.command}` runs from {label(eff.root, eff)}"
           + ("" if eff.defaults else " (defaults not filled in)")]
    where = eff.run_dir.as_posix() + (f" ({run_dir_reason})" if run_dir_reason else "")
    out.append(f"# run directory: {where}")
    out.append(f"# kube context: {eff.kube_context_note or 'unknown'}")
    count = len(eff.configs)
    out.append(f"# {count} config{'' if count == 1 else 's'}, in the order skaffold loads them (required configs first)")
    for line in problem_lines(eff, eff.run_dir):
        out.append(f"# {line}")
    if stops_loading(eff):
        out.append("# skaffold stops loading at the first error above; shown below is what could be loaded")
    out.extend(f"# note: {_one_line(n)}" for n in eff.notes)
    return out


def _profile_lines(cfg: EffectiveConfig) -> list[str]:
    states = cfg.loaded.states
    if not states:
        return ["# profiles: none defined"]
    active = {s.name: s for s in states if s.active}
    # In the order skaffold applied them (auto-activated first, then named).
    shown = [f"{n} ({_one_line(active[n].reason)})" for n in cfg.loaded.profiles if n in active]
    out = ["# active profiles: " + ("; ".join(shown) if shown else "none")]
    inactive = [s for s in states if not s.active]
    if not inactive:
        out.append("# inactive profiles: none")
    for i, s in enumerate(inactive):
        lead = "# inactive profiles: " if i == 0 else "#                    "
        out.append(f"{lead}{s.name} ({_one_line(s.reason)})")
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Emitter:
    """Block-style YAML with a source comment at the end of each line that needs one."""

    def __init__(self, cfg: EffectiveConfig, eff: Effective, out: list[str]):
        self.cfg = cfg
        self.eff = eff
        self.out = out

    def comment(self, value: Value, parent: Value | None) -> str:
        inline = _is_inline(value)
        if not inline and parent is not None and _source_key(value.origin) == _source_key(parent.origin) \
                and value.written is None:
            return ""
        text = source_comment(value, self.cfg, self.eff)
        return f"  # {_one_line(text)}" if text else ""

    def mapping(self, value: Value, indent: int) -> None:
        pad = " " * indent
        for key, child in (value.mapping or {}).items():
            head = f"{pad}{_string(key, key=True)}:"
            self.child(head, child, value, indent)

    def sequence(self, value: Value, indent: int) -> None:
        pad = " " * indent
        for item in value.items:
            if _is_inline(item) or _block_scalar(item) is not None:
                self.child(f"{pad}-", item, None, indent)
                continue
            start = len(self.out)
            if item.mapping is not None:
                self.mapping(item, indent + 2)
            else:
                self.sequence(item, indent + 2)
            first = self.out[start]
            self.out[start] = f"{pad}- {first[indent + 2:]}"

    def child(self, head: str, child: Value, parent: Value | None, indent: int) -> None:
        comment = self.comment(child, parent)
        block = _block_scalar(child)
        if block is not None:
            indicator, lines = block
            self.out.append(f"{head} {indicator}{comment}")
            inner = " " * (indent + 2)
            self.out.extend(f"{inner}{line}" if line else "" for line in lines)
        elif _is_inline(child):
            self.out.append(f"{head} {_scalar(child)}{comment}")
        elif child.mapping is not None:
            self.out.append(f"{head}{comment}")
            self.mapping(child, indent + 2)
        else:
            self.out.append(f"{head}{comment}")
            self.sequence(child, indent)


def _is_inline(value: Value) -> bool:
    """Scalars and empty containers (`{}`, `[]`) sit on their key's line."""
    if isinstance(value.data, dict):
        return not value.data
    if isinstance(value.data, list):
        return not value.data
    return True


def _scalar(value: Value) -> str:
    data = value.data
    if isinstance(data, dict):
        return "{}"
    if isinstance(data, list):
        return "[]"
    if isinstance(data, str):
        return _string(data)
    node = value.node
    if isinstance(node, Scalar) and node.style is None and node.value and "\n" not in node.value:
        return node.value  # as written: Go decodes the text by its field's type (`1.10`, `0o17`)
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, float):
        if math.isnan(data):
            return ".nan"
        if math.isinf(data):
            return ".inf" if data > 0 else "-.inf"
        text = repr(data)
        mantissa, e, exponent = text.partition("e")
        # YAML 1.1 wants a dot and a signed exponent (`1.0e+20`); 1.2 reads that too.
        return text if not e else f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}"
    return str(data)


# A plain scalar that YAML 1.2 (Go's yaml.v3) or 1.1 (yaml.v2, PyYAML) reads as something other
# than a string: null, booleans, numbers (also 1.1's `0b`, `0`-octal, `_` and base 60), timestamps.
_NOT_A_STRING = re.compile(r"""^(?:
    ~|null|Null|NULL
  | y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
  | [-+]?0b[01_]+ | [-+]?0o?[0-7_]+ | [-+]?0x[0-9a-fA-F_]+ | [-+]?[0-9][0-9_]*
  | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
  | [-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+]?[0-9]+)? | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
  | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
  | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?
  | <<|=
)$""", re.VERBOSE)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


def _plain_ok(s: str) -> bool:
    if not s or s != s.strip() or not s.isprintable() or _NOT_A_STRING.match(s):
        return False
    # `-`, `?` and `:` may start a plain scalar when a non-space follows (`-trimpath`); `---` and
    # `...` at a line's start (a top-level key) would end the document.
    if (s[0] in _INDICATORS and (s[0] not in "-?:" or len(s) == 1 or s[1] == " ")) or s.startswith(("---", "...")):
        return False
    return ": " not in s and " #" not in s and not s.endswith(":")


def _string(s: str, key: bool = False) -> str:
    if _plain_ok(s):
        return s
    if s.isprintable():
        return "'" + s.replace("'", "''") + "'"
    return _double_quoted(s)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _double_quoted(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _block_scalar(value: Value) -> tuple[str, list[str]] | None:
    """A multi-line string as a literal block (`|`, `|-`): (indicator, lines), when that reads it back exactly."""
    s = value.data
    if not isinstance(s, str) or "\n" not in s or "\r" in s:
        return None
    body = s[:-1] if s.endswith("\n") else s
    if s.endswith("\n\n") or not body:
        return None
    lines = body.split("\n")
    first = next((line for line in lines if line), "")
    if first[:1] in (" ", "\t") or any(not line.replace("\t", "x").isprintable() for line in lines):
        return None
    if any(line and not line.strip() for line in lines):  # whitespace-only lines would read back differently
        return None
    return ("|" if s.endswith("\n") else "|-"), lines


# ---------------------------------------------------------------------------
# JSON


def render_json(eff: Effective, run_dir_reason: str = "") -> dict[str, Any]:
    return {
        "command": eff.run.command,
        "file": label(eff.root, eff),
        "runDirectory": eff.run_dir.as_posix(),
        "runDirectoryReason": run_dir_reason or None,
        "kubeContext": {"name": eff.run.kube_context, "from": eff.run.kube_context_from
                        if eff.run.kube_context else None, "note": eff.kube_context_note},
        "defaults": eff.defaults,
        "problems": [{"file": label(path, eff), "line": f.range.start.line + 1, "column": f.range.start.col + 1,
                      "code": f.code, "message": f.message, "fatal": True} for path, f in syntax_errors(eff)]
        + [_json_problem(p, eff) for p in eff.problems],
        "notes": list(eff.notes),
        "configs": [_json_config(i, cfg, eff) for i, cfg in enumerate(eff.configs, 1)],
    }


def _json_problem(p: ConfigProblem, eff: Effective) -> dict[str, Any]:
    return {"file": label(p.file or eff.root, eff),
            "line": p.range.start.line + 1 if p.range is not None else 1,
            "column": p.range.start.col + 1 if p.range is not None else 1,
            "code": p.code, "message": p.message, "fatal": p.fatal}


def _json_config(index: int, cfg: EffectiveConfig, eff: Effective) -> dict[str, Any]:
    by = cfg.loaded.required_by
    return {
        "index": index,
        "file": label(cfg.file, eff),
        "document": cfg.loaded.source.index + 1,
        "name": cfg.name,
        "root": cfg.loaded.is_root,
        "requiredBy": {"file": label(by.file, eff), "name": by.name} if by is not None else None,
        "apiVersion": cfg.api_version,
        "notes": list(cfg.notes),
        "profiles": [{"name": s.name, "active": s.active, "reason": s.reason} for s in cfg.loaded.states],
        "appliedProfiles": list(cfg.loaded.profiles),
        "config": json_value(cfg.value, eff),
    }


def json_value(value: Value, eff: Effective) -> dict[str, Any]:
    """`{"value": ..., "source": {...}}`, containers holding the same for each child."""
    data = value.data
    shown: Any
    if isinstance(data, dict):
        shown = {k: json_value(v, eff) for k, v in data.items()}
    elif isinstance(data, list):
        shown = [json_value(v, eff) for v in data]
    elif isinstance(data, float) and (math.isnan(data) or math.isinf(data)):
        shown = _scalar(value)
    else:
        shown = data
    return {"value": shown, "source": json_source(value, eff)}


def json_source(value: Value, eff: Effective) -> dict[str, Any]:
    o = value.origin
    rng = value.range if value.node is not None else o.range
    source: dict[str, Any] = {
        "file": None if o.default else label(o.file, eff),
        "line": None if o.default or rng is None else rng.start.line + 1,
        "column": None if o.default or rng is None else rng.start.col + 1,
        "profile": o.profile,
        "patch": o.patch + 1 if o.patch is not None else None,
        "default": o.default,
    }
    if value.written is not None:
        source["written"] = value.written
    return source
