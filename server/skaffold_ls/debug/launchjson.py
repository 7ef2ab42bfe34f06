"""launch.json is the user's file: JSONC-preserving updates by minimal text edits.

The file is parsed with json-five's model loader, which keeps the character offsets of
every node. Our entries (found by `name`) are replaced in place by splicing new text over
exactly their span; new entries are inserted before the closing `]`. Everything outside
our entries — comments, trailing commas, the user's own configurations, formatting — is
kept byte for byte. Keys the user added to one of our entries are kept (ours win on
conflicts). A file that does not parse is never written.

Writers do not lose each other's entries: each takes an advisory lock on a sibling
`.launch.json.lock` (removed afterwards), reads the file under it, merges and writes it (four
`launch-config --write` at once used to keep one or two of the four entries). Writes
are atomic (temporary file beside it, fsync, rename: a full disk leaves the old file),
go through a symlinked launch.json to its target, keep the file's mode (a new one gets
0666 minus the umask, like any editor's file), and a `.vscode` that is a symlink out
of the workspace is refused.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from skaffold_ls.core import fsutil
from skaffold_ls.core.printable import printable

HEADER = (
    "// Attach configurations named \"skaffold: ...\" are maintained by skaffold-ls\n"
    "// (`skaffold-ls debug` / `skaffold-ls launch-config --write`); it updates them in place\n"
    "// and leaves everything else in this file alone.\n"
)


MAX_LAUNCH_JSON_BYTES = 4 * 1024 * 1024


class LaunchJsonError(Exception):
    """launch.json exists but cannot be parsed or has an unexpected shape; nothing was written."""


def _load_model(text: str, path: Path) -> Any:
    from json5.loader import ModelLoader, loads

    try:
        return loads(text, loader=ModelLoader())
    except Exception as e:  # json-five raises JSON5DecodeError and friends
        raise LaunchJsonError(f"{path}: cannot parse launch.json (JSON with comments): {e}; the file was left untouched") from e


def _plain(text: str) -> Any:
    import json5

    return json5.loads(text)


def _span(node: Any) -> tuple[int, int]:
    return int(node._tok.index), int(node._end_tok.end)


def _key_name(key: Any) -> str:
    return str(getattr(key, "characters", None) or getattr(key, "name", None) or "")


def _find_key(obj: Any, name: str) -> Any | None:
    for kvp in obj.key_value_pairs:
        if _key_name(kvp.key) == name:
            return kvp
    return None


def _line_indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    m = re.match(r"[ \t]*", text[start:offset])
    return m.group(0) if m else ""


def _indent_unit(text: str) -> str:
    for line in text.splitlines():
        m = re.match(r"^([ \t]+)\S", line)
        if m:
            return m.group(1)
    return "    "


def _format(value: Any, base_indent: str, unit: str) -> str:
    if unit.startswith("\t"):
        dumped = json.dumps(value, indent="\t", ensure_ascii=False)
    else:
        dumped = json.dumps(value, indent=len(unit), ensure_ascii=False)
    return dumped.replace("\n", "\n" + base_indent)


_JSONC_TOKENS = re.compile(r'("(?:\\.|[^"\\])*")|(//[^\n]*|/\*[\s\S]*?\*/)')
_TRAILING_COMMA = re.compile(r'("(?:\\.|[^"\\])*")|,(\s*[\]}])')


def strip_jsonc(text: str) -> str:
    """JSONC → JSON: comments become spaces, trailing commas go (strings left alone)."""
    no_comments = _JSONC_TOKENS.sub(lambda m: m.group(1) or " " * len(m.group(2)), text)
    return _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), no_comments)


def read_launch_json(path: Path) -> dict[str, Any]:
    """The plain data of launch.json ({} when the file does not exist). Fast path: JSONC as
    VS Code writes it goes through the C json parser; anything else through json-five."""
    if not path.exists():
        return {}
    text = fsutil.read_text(path, MAX_LAUNCH_JSON_BYTES)
    if not text.strip():
        return {}
    try:
        data = json.loads(strip_jsonc(text))
    except ValueError:
        _load_model(text, path)
        data = _plain(text)
    if not isinstance(data, dict):
        raise LaunchJsonError(f"{path}: the top level is not an object; the file was left untouched")
    return data


def update_text(
    text: str,
    entries: Sequence[Mapping[str, Any]],
    compounds: Sequence[Mapping[str, Any]] = (),
    path: Path = Path("launch.json"),
    managed_keys: Sequence[str] | None = None,
) -> str:
    """Return `text` with `entries` (configurations) and `compounds` upserted by name."""
    for entry in entries:
        text = _upsert(text, "configurations", entry, path, managed_keys)
    for comp in compounds:
        text = _upsert(text, "compounds", comp, path, None)
    return text


def _upsert(text: str, section: str, entry: Mapping[str, Any], path: Path, managed_keys: Sequence[str] | None) -> str:
    model = _load_model(text, path)
    root = model.value
    if type(root).__name__ != "JSONObject":
        raise LaunchJsonError(f"{path}: the top level is not an object; the file was left untouched")
    unit = _indent_unit(text)
    kvp = _find_key(root, section)
    if kvp is None:
        # add `"section": [ entry ]` as the last member of the root object
        start, end = _span(root)
        inner_indent = _line_indent(text, start) + unit
        body = f'"{section}": [\n{inner_indent}{unit}{_format(dict(entry), inner_indent + unit, unit)}\n{inner_indent}]'
        return _insert_member(text, root, body, inner_indent, start, end)
    arr = kvp.value
    if type(arr).__name__ != "JSONArray":
        raise LaunchJsonError(f"{path}: \"{section}\" is not a list; the file was left untouched")
    plain_items = _plain(text[_span(arr)[0]:_span(arr)[1]])
    for node, item in zip(arr.values, plain_items, strict=False):
        if isinstance(item, dict) and item.get("name") == entry.get("name"):
            merged = _merge_entry(item, entry, managed_keys)
            s, e = _span(node)
            indent = _line_indent(text, s)
            return text[:s] + _format(merged, indent, unit) + text[e:]
    a_start, a_end = _span(arr)
    if arr.values:
        last_s, last_e = _span(arr.values[-1])
        indent = _line_indent(text, last_s)
        tail = text[last_e:a_end - 1]
        has_comma = tail.lstrip().startswith(",")
        if has_comma:
            comma_at = last_e + tail.index(",")
            insert_at = comma_at + 1
            return text[:insert_at] + "\n" + indent + _format(dict(entry), indent, unit) + "," + text[insert_at:]
        return text[:last_e] + ",\n" + indent + _format(dict(entry), indent, unit) + text[last_e:]
    outer = _line_indent(text, a_start)
    indent = outer + unit
    inside = text[a_start + 1:a_end - 1]
    return (text[:a_start + 1] + inside.rstrip(" \t\n") + "\n" + indent + _format(dict(entry), indent, unit)
            + "\n" + outer + text[a_end - 1:])


def _insert_member(text: str, obj: Any, body: str, indent: str, start: int, end: int) -> str:
    if obj.key_value_pairs:
        last = obj.key_value_pairs[-1].value
        _, last_e = _span(last)
        tail = text[last_e:end - 1]
        if tail.lstrip().startswith(","):
            at = last_e + tail.index(",") + 1
            return text[:at] + "\n" + indent + body + "," + text[at:]
        return text[:last_e] + ",\n" + indent + body + text[last_e:]
    outer = _line_indent(text, start)
    return text[:start + 1] + "\n" + indent + body + "\n" + outer + text[end - 1:]


def _merge_entry(existing: Mapping[str, Any], ours: Mapping[str, Any], managed_keys: Sequence[str] | None) -> dict[str, Any]:
    """Managed keys come from us (absent from ours = removed); every other key keeps the user's value."""
    managed = set(managed_keys) if managed_keys is not None else set(ours)
    merged: dict[str, Any] = dict(ours)
    for k, v in existing.items():
        if k not in managed:
            merged[k] = v
    return merged


def new_file_text(entries: Sequence[Mapping[str, Any]], compounds: Sequence[Mapping[str, Any]] = ()) -> str:
    data: dict[str, Any] = {"version": "0.2.0", "configurations": [dict(e) for e in entries]}
    if compounds:
        data["compounds"] = [dict(c) for c in compounds]
    return HEADER + json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """launch.json's new text, all at once (see fsutil.write_atomic)."""
    fsutil.write_atomic(path, text.encode("utf-8"), prefix=".launch.json.")


def check_inside_workspace(path: Path, workspace: Path) -> None:
    """Refuse to write `path` when it lies in the workspace as written but a symlinked
    folder (`.vscode -> /elsewhere`) takes it outside: skaffold-ls writes into the
    project, not wherever a link in it points."""
    try:
        rel = path.absolute().relative_to(workspace.absolute())
    except ValueError:
        return  # a launch.json named outside the workspace on purpose (--launch-json)
    real_workspace = Path(os.path.realpath(workspace))
    folder = workspace.absolute()
    for part in rel.parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            real = Path(os.path.realpath(folder))
            if real != real_workspace and real_workspace not in real.parents:
                raise LaunchJsonError(f"{printable(folder)} is a symlink to {printable(real)}, outside the workspace "
                                      f"{printable(real_workspace)}; launch.json was not written there")


def upsert_launch_json(
    path: Path,
    entries: Sequence[Mapping[str, Any]],
    compounds: Sequence[Mapping[str, Any]] = (),
    managed_keys: Sequence[str] | None = None,
    workspace: Path | None = None,
) -> bool:
    """Create or update launch.json; returns True when the file changed. Raises
    LaunchJsonError when it cannot be read, parsed, written (the message names the file;
    its old content is whole) or lies outside the workspace through a symlinked folder."""
    if workspace is not None:
        check_inside_workspace(path, workspace)
    target = fsutil.write_through_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with fsutil.locked(target.parent / f".{target.name}.lock"):
        if target.exists():
            try:
                old = fsutil.read_text(target, MAX_LAUNCH_JSON_BYTES)
            except (OSError, UnicodeDecodeError) as e:
                raise LaunchJsonError(f"{printable(path)}: cannot read: {e}; the file was left untouched") from e
            if not old.strip():
                new = new_file_text(entries, compounds)
            else:
                new = update_text(old, entries, compounds, path, managed_keys)
            if new == old:
                return False
        else:
            new = new_file_text(entries, compounds)
        try:
            write_atomic(path, new)
        except OSError as e:
            raise LaunchJsonError(f"cannot write {printable(path)}: {e.strerror or e}; "
                                  "the file was left as it was") from e
    return True
