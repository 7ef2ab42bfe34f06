"""Minimal YAML text edits that keep the user's comments, blank lines and style.

Code actions never re-dump a document: they change only the lines they must. The
helpers here work on the document model (`core.yamldoc`) and produce `TextEdit`s:
insert a key (in the indentation style the file already uses), remove a key or a list
item (with its comments inside), rename a key, replace a node, copy a block somewhere
else re-indented, and turn "old text → new text" into the smallest line edits.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from collections.abc import Mapping as MappingT
from dataclasses import dataclass
from typing import Any

import yaml

from skaffold_ls.core.findings import Pos, Range, TextEdit
from skaffold_ls.core.positions import line_col, line_starts
from skaffold_ls.core.yamldoc import Alias, Mapping, Node, Pair, Scalar, Sequence, YamlDocument


class EditError(Exception):
    """The requested edit cannot be expressed on this text (overlapping edits, odd layout)."""


# ---------------------------------------------------------------------------
# Positions and applying edits


def newline_of(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def offset_of(starts: list[int], text: str, pos: Pos) -> int:
    if pos.line >= len(starts):
        return len(text)
    return min(starts[pos.line] + pos.col, len(text))


def pos_at(text: str, offset: int) -> Pos:
    return Pos(*line_col(text, offset))


def apply_text_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply edits made against `text` (all positions refer to the original)."""
    starts = line_starts(text)
    spans = sorted(
        ((offset_of(starts, text, e.range.start), offset_of(starts, text, e.range.end), e.new_text, n)
         for n, e in enumerate(edits)),
        key=lambda s: (s[0], s[1], s[3]),
    )
    out: list[str] = []
    cur = 0
    for start, end, new, _ in spans:
        if start < cur:
            raise EditError("overlapping edits")
        out.append(text[cur:start])
        out.append(new)
        cur = max(cur, end)
    out.append(text[cur:])
    return "".join(out)


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """The smallest whole-line edits turning `old` into `new`."""
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    a_starts = [0]
    for line in a:
        a_starts.append(a_starts[-1] + len(line))
    edits: list[TextEdit] = []
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        start, end = pos_at(old, a_starts[i1]), pos_at(old, a_starts[i2])
        edits.append(TextEdit(Range(start, end), "".join(b[j1:j2])))
    return edits


# ---------------------------------------------------------------------------
# Where nodes really end


def content_end(node: Node) -> Pos:
    """The position just after the node's last character (libyaml's block ends point at
    the next token, possibly lines later, past comments)."""
    if isinstance(node, Mapping) and not node.flow:
        if not node.pairs:
            return node.start
        last = node.pairs[-1]
        if _is_empty_scalar(last.value):
            return last.key.end if last.key.end > last.value.end else last.value.end
        return content_end(last.value)
    if isinstance(node, Sequence) and not node.flow:
        if not node.items:
            return node.start
        return content_end(node.items[-1])
    if isinstance(node, Scalar) and node.style in ("|", ">"):
        end = node.end
        if end.col == 0 and end.line > node.start.line:
            return Pos(end.line - 1, 10**6)  # clipped by the caller to the line length
        return end
    return node.end


def _is_empty_scalar(node: Node) -> bool:
    return isinstance(node, Scalar) and node.is_null and node.value == "" and node.range.start == node.range.end


def last_line(node: Node, lines: list[str]) -> int:
    end = content_end(node)
    return min(end.line, len(lines) - 1)


# ---------------------------------------------------------------------------
# Style of the file


@dataclass(frozen=True, slots=True)
class Style:
    unit: int = 2  # spaces per nesting level of mappings
    seq_indent: bool = False  # `key:\n  - item` (True) or `key:\n- item` (False)
    newline: str = "\n"


def detect_style(text: str, docs: list[YamlDocument]) -> Style:
    """The file's indentation unit and sequence style (majority vote; 2 and flush by default)."""
    units: dict[int, int] = {}
    seq_votes = [0, 0]  # [flush, indented]
    for doc in docs:
        stack: list[Node] = [doc.root] if doc.root is not None else []
        while stack:
            n = stack.pop()
            if isinstance(n, Mapping) and not n.flow:
                for p in n.pairs:
                    v = p.value
                    if isinstance(v, Mapping) and not v.flow and v.pairs and v.start.line > p.key.start.line:
                        d = v.pairs[0].key.start.col - p.key.start.col
                        if d > 0:
                            units[d] = units.get(d, 0) + 1
                    if isinstance(v, Sequence) and not v.flow and v.items and v.start.line > p.key.start.line:
                        seq_votes[v.start.col > p.key.start.col] += 1
                    stack.append(v)
            elif isinstance(n, Sequence):
                stack.extend(n.items)
    unit = max(units, key=lambda u: (units[u], -u)) if units else 2
    return Style(unit, seq_votes[1] > seq_votes[0], newline_of(text))


# ---------------------------------------------------------------------------
# Rendering new YAML


def render_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    s = str(value)
    dumped = yaml.safe_dump(s, default_flow_style=True, width=10**6).strip()
    if dumped.endswith("\n..."):
        dumped = dumped[:-4].strip()
    if dumped.endswith("..."):
        dumped = dumped[:-3].strip()
    if dumped == s:
        return s
    return json.dumps(s, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Raw:
    """Text copied from the document (comments kept): lines with relative indentation,
    the first line at column 0. `block` is True for block mappings/sequences."""

    lines: tuple[str, ...]
    block: bool
    is_sequence: bool = False
    key_comment: str | None = None  # the `# ...` that followed `key:` where it came from


def key_comment(lines: list[str], pair: Pair) -> str | None:
    """The comment after `key:` when the value starts on a later line."""
    if pair.value.start.line <= pair.key.end.line:
        return None
    rest = lines[pair.key.end.line][pair.key.end.col:].rstrip("\r").lstrip()
    if rest.startswith(":"):
        rest = rest[1:].strip()
    return rest[1:] if rest.startswith("#") else None


def raw_of_pair(pair: Pair, lines: list[str]) -> Raw:
    """The value's text, remembering the comment on the key's line."""
    raw = raw_of(pair.value, lines)
    c = key_comment(lines, pair)
    return Raw(raw.lines, raw.block, raw.is_sequence, c) if c else raw


def raw_of(node: Node, lines: list[str]) -> Raw:
    """The node's text, with the indentation of its first line removed from every line."""
    if not (isinstance(node, (Mapping, Sequence)) and not node.flow):
        end = content_end(node)
        if end.line == node.start.line:
            return Raw((lines[node.start.line][node.start.col:end.col],), False)
        text = [lines[node.start.line][node.start.col:]]
        for i in range(node.start.line + 1, min(end.line, len(lines) - 1) + 1):
            text.append(lines[i].rstrip("\r"))
        return Raw(tuple(t.rstrip("\r") for t in text), False)
    first = node.start.line
    last = last_line(node, lines)
    base = node.start.col
    out: list[str] = []
    for i in range(first, last + 1):
        line = lines[i].rstrip("\r")
        if i == first:
            out.append(line[base:])
            continue
        lead = len(line) - len(line.lstrip(" "))
        out.append(line[min(lead, base):] if line.strip() else "")
    return Raw(tuple(out), True, isinstance(node, Sequence))


@dataclass(frozen=True, slots=True)
class Commented:
    """A scalar rendered with the end-of-line comment it had where it came from."""

    value: Any
    comment: str  # without the leading `#`


def trailing_comment(lines: list[str], node: Node) -> str | None:
    """The `# comment` after a scalar on its line, without the `#`."""
    end = content_end(node)
    if end.line >= len(lines):
        return None
    rest = lines[end.line][end.col:].rstrip("\r")
    stripped = rest.strip()
    if stripped.startswith("#"):
        return stripped[1:]
    return None


def render_value_lines(key: str, value: Any, indent: int, style: Style) -> list[str]:
    """`key: value` as block YAML lines at `indent`."""
    pad = " " * indent
    if isinstance(value, Commented):
        return [f"{pad}{key}: {render_scalar(value.value)}  #{value.comment}"]
    if isinstance(value, Raw):
        if not value.block:
            return [f"{pad}{key}: {value.lines[0]}", *value.lines[1:]]
        child = indent + (style.unit if not value.is_sequence or style.seq_indent else 0)
        head = f"{pad}{key}:" + (f"  #{value.key_comment}" if value.key_comment else "")
        return [head, *(" " * child + ln if ln else "" for ln in value.lines)]
    if isinstance(value, dict):
        if not value:
            return [f"{pad}{key}: {{}}"]
        out = [f"{pad}{key}:"]
        for k, v in value.items():
            out.extend(render_value_lines(str(k), v, indent + style.unit, style))
        return out
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        out = [f"{pad}{key}:"]
        dash = indent + (style.unit if style.seq_indent else 0)
        for item in value:
            out.extend(render_item_lines(item, dash, style))
        return out
    return [f"{pad}{key}: {render_scalar(value)}"]


def render_item_lines(item: Any, dash: int, style: Style) -> list[str]:
    pad = " " * dash
    if isinstance(item, Commented):
        return [f"{pad}- {render_scalar(item.value)}  #{item.comment}"]
    if isinstance(item, Raw):
        if not item.block:
            return [f"{pad}- {item.lines[0]}", *item.lines[1:]]
        return [f"{pad}- {item.lines[0]}", *(" " * (dash + 2) + ln if ln else "" for ln in item.lines[1:])]
    if isinstance(item, dict) and item:
        inner: list[str] = []
        for k, v in item.items():
            inner.extend(render_value_lines(str(k), v, dash + 2, style))
        inner[0] = pad + "- " + inner[0][dash + 2:]
        return inner
    if isinstance(item, list) and item:
        inner = []
        for sub in item:
            inner.extend(render_item_lines(sub, dash + 2, style))
        inner[0] = pad + "- " + inner[0][dash + 2:]
        return inner
    if isinstance(item, dict):
        return [f"{pad}- {{}}"]
    if isinstance(item, list):
        return [f"{pad}- []"]
    return [f"{pad}- {render_scalar(item)}"]


# ---------------------------------------------------------------------------
# Edits


def _insert_lines(lines: list[str], after_line: int, new_lines: list[str], nl: str) -> TextEdit:
    if after_line + 1 < len(lines):
        at = Pos(after_line + 1, 0)
        return TextEdit(Range(at, at), "".join(ln + nl for ln in new_lines))
    end = Pos(after_line, len(lines[after_line]))
    return TextEdit(Range(end, end), "".join(nl + ln for ln in new_lines))


def _insert_before_line(line: int, new_lines: list[str], nl: str) -> TextEdit:
    at = Pos(line, 0)
    return TextEdit(Range(at, at), "".join(ln + nl for ln in new_lines))


def rename_key(pair: Pair, new_key: str) -> TextEdit:
    return TextEdit(pair.key.range, new_key)


def replace_node(node: Node, new_text: str) -> TextEdit:
    return TextEdit(Range(node.start, content_end(node)), new_text)


def _on_dash_line(lines: list[str], pos: Pos) -> bool:
    before = lines[pos.line][: pos.col]
    return before.strip().startswith("-") and before.strip().replace("-", "").strip() == ""


def _first_on_line(lines: list[str], pos: Pos) -> bool:
    return lines[pos.line][: pos.col].strip() == ""


def remove_pair(lines: list[str], mapping: Mapping, pair: Pair, parent_key: Pair | None = None) -> TextEdit:
    """Remove `key: value` (and the lines of its value, comments included)."""
    if mapping.flow:
        rest = [p for p in mapping.pairs if p is not pair]
        text = "{" + ", ".join(f"{_node_text(lines, p.key)}: {_node_text(lines, p.value)}" for p in rest) + "}"
        return TextEdit(mapping.range, text)
    idx = mapping.pairs.index(pair)
    end_line = last_line(pair.value, lines) if not _is_empty_scalar(pair.value) else pair.key.end.line
    if _on_dash_line(lines, pair.key.start):
        if len(mapping.pairs) == 1:
            return TextEdit(Range(pair.key.start, Pos(end_line, len(lines[end_line].rstrip("\r")))), "{}")
        nxt = mapping.pairs[idx + 1]
        if idx == 0:
            return TextEdit(Range(pair.key.start, nxt.key.start), "")
    if len(mapping.pairs) == 1 and parent_key is not None and parent_key.key.end.line < pair.key.start.line:
        # the mapping becomes empty: `parent: {}`
        return TextEdit(Range(parent_key.key.end, Pos(end_line, len(lines[end_line].rstrip("\r")))), ": {}")
    if not _first_on_line(lines, pair.key.start):
        raise EditError("the key does not start its line")
    return TextEdit(Range(Pos(pair.key.start.line, 0), Pos(end_line + 1, 0)), "")


def remove_item(lines: list[str], seq: Sequence, index: int, parent_key: Pair | None = None) -> TextEdit:
    item = seq.items[index]
    if seq.flow:
        rest = [i for n, i in enumerate(seq.items) if n != index]
        return TextEdit(seq.range, "[" + ", ".join(_node_text(lines, i) for i in rest) + "]")
    end_line = last_line(item, lines)
    if len(seq.items) == 1 and parent_key is not None and parent_key.key.end.line < item.start.line:
        return TextEdit(Range(parent_key.key.end, Pos(end_line, len(lines[end_line].rstrip("\r")))), ": []")
    dash_line = item.start.line
    return TextEdit(Range(Pos(dash_line, 0), Pos(end_line + 1, 0)), "")


def _node_text(lines: list[str], node: Node) -> str:
    end = content_end(node)
    if end.line == node.start.line:
        return lines[node.start.line][node.start.col:end.col]
    parts = [lines[node.start.line][node.start.col:]]
    parts.extend(lines[node.start.line + 1:end.line])
    parts.append(lines[end.line][: end.col])
    return "\n".join(parts)


def child_indent(lines: list[str], mapping: Mapping | None, parent_key: Pair | None, style: Style) -> int:
    if mapping is not None and mapping.pairs and not mapping.flow:
        return mapping.pairs[0].key.start.col
    if parent_key is not None:
        return parent_key.key.start.col + style.unit
    return 0


def insert_pair(lines: list[str], style: Style, mapping: Mapping | None, parent_key: Pair | None,
                key: str, value: Any, before: Iterable[str] = (), after: Iterable[str] = ()) -> TextEdit:
    """Add `key: value` to `mapping` (the value of `parent_key`; `mapping` None or empty
    when the parent has no block mapping yet). `before`: keys this one should precede
    (the first present wins); `after`: keys it should follow."""
    nl = style.newline
    if mapping is not None and mapping.pairs and not mapping.flow:
        indent = mapping.pairs[0].key.start.col
        new_lines = render_value_lines(key, value, indent, style)
        after_keys = list(after)
        for k in after_keys:
            p = mapping.pair(k)
            if p is not None:
                line = p.key.end.line if _is_empty_scalar(p.value) else last_line(p.value, lines)
                return _insert_lines(lines, line, new_lines, nl)
        for k in before:
            p = mapping.pair(k)
            if p is not None and _first_on_line(lines, p.key.start):
                return _insert_before_line(p.key.start.line, new_lines, nl)
        last = mapping.pairs[-1]
        line = last.key.end.line if _is_empty_scalar(last.value) else last_line(last.value, lines)
        if _on_dash_line(lines, mapping.pairs[0].key.start) or True:
            return _insert_lines(lines, line, new_lines, nl)
    if mapping is not None and mapping.flow and (mapping.pairs or not _block_context(lines, parent_key)):
        # stay in flow style: `{a: 1}` -> `{a: 1, key: value}`
        end = Pos(mapping.end.line, mapping.end.col - 1)
        if lines[end.line][end.col: end.col + 1] != "}":
            raise EditError("unexpected flow mapping layout")
        sep = ", " if mapping.pairs else ""
        return TextEdit(Range(end, end), f"{sep}{key}: {render_flow(value)}")
    if parent_key is None:
        raise EditError("no place to insert")
    # The parent holds null or `{}`: rewrite its value as a block.
    indent = parent_key.key.start.col + style.unit
    if _on_dash_line(lines, parent_key.key.start):
        indent = parent_key.key.start.col + style.unit
    existing: list[str] = []
    if mapping is not None and mapping.flow:
        for p in mapping.pairs:
            existing.extend(render_value_lines(_node_text(lines, p.key), Raw((_node_text(lines, p.value),), False),
                                               indent, style))
    new_lines = existing + render_value_lines(key, value, indent, style)
    value_node = parent_key.value
    start = parent_key.key.end
    end = content_end(value_node) if not _is_empty_scalar(value_node) else after_colon(lines, parent_key)
    # keep a comment after the colon (`docker: # build with docker`)
    line_rest = lines[end.line][end.col:].rstrip("\r")
    comment = ""
    if line_rest.strip().startswith("#"):
        comment = " " + line_rest.strip()
        end = Pos(end.line, len(lines[end.line].rstrip("\r")))
    return TextEdit(Range(start, end), ":" + comment + nl + nl.join(new_lines))


def after_colon(lines: list[str], pair: Pair) -> Pos:
    """Just after the `:` that follows the key (the end of `key:` when the value is empty)."""
    end = pair.key.end
    line = lines[end.line] if end.line < len(lines) else ""
    i = line.find(":", end.col)
    return Pos(end.line, i + 1) if i >= 0 and line[end.col:i].strip() == "" else end


def value_end(lines: list[str], pair: Pair) -> Pos:
    """Where the pair's text ends: its value's last character, or the colon of `key:`."""
    if _is_empty_scalar(pair.value):
        return after_colon(lines, pair)
    return content_end(pair.value)


def _block_context(lines: list[str], parent_key: Pair | None) -> bool:
    """Whether the parent key sits in block context (first on its line, or after a `- `)."""
    if parent_key is None:
        return False
    return _first_on_line(lines, parent_key.key.start) or _on_dash_line(lines, parent_key.key.start)


def render_flow(value: Any) -> str:
    if isinstance(value, Raw):
        if not value.block:
            return " ".join(ln.strip() for ln in value.lines)
        try:  # a block copied into flow context: its comments cannot come along
            return render_flow(yaml.safe_load("\n".join(value.lines)))
        except yaml.YAMLError as e:
            raise EditError(f"cannot copy this block into a flow mapping: {e}") from e
    if isinstance(value, Commented):
        return render_scalar(value.value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {render_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render_flow(v) for v in value) + "]"
    return render_scalar(value)


def mapping_of(node: Node | None) -> Mapping | None:
    while isinstance(node, Alias):
        node = node.target
    return node if isinstance(node, Mapping) else None


def sequence_of(node: Node | None) -> Sequence | None:
    while isinstance(node, Alias):
        node = node.target
    return node if isinstance(node, Sequence) else None


def get_path(root: Node | None, path: Iterable[str | int]) -> Node | None:
    node = root
    for step in path:
        while isinstance(node, Alias):
            node = node.target
        if isinstance(step, int):
            if not isinstance(node, Sequence) or step >= len(node.items):
                return None
            node = node.items[step]
        else:
            if not isinstance(node, Mapping):
                return None
            node = node.get(step)
    return node


def ensure_path_edit(lines: list[str], style: Style, root: Mapping, path: list[str], value: Any,
                     before: MappingT[int, Iterable[str]] | None = None) -> TextEdit:
    """Set `path` (mapping keys only) to `value`, creating the missing mappings on the way.
    `before[depth]`: keys the new key at that depth should precede."""
    before = before or {}
    node: Mapping | None = root
    parent_key: Pair | None = None
    depth = 0
    while depth < len(path) - 1 and node is not None:
        p = node.pair(path[depth])
        if p is None:
            break
        child = mapping_of(p.value)
        if child is None and not (isinstance(p.value, Scalar) and p.value.is_null):
            raise EditError(f"`{path[depth]}` is not a mapping")
        parent_key, node = p, child
        depth += 1
        if child is None or not child.pairs or child.flow:
            break
    nested: Any = value
    for key in reversed(path[depth + 1:]):
        nested = {key: nested}
    if node is not None and node.pairs and not node.flow:
        existing = node.pair(path[depth])
        if existing is not None:
            raise EditError(f"`{'.'.join(path[: depth + 1])}` already exists")
    return insert_pair(lines, style, node, parent_key, path[depth], nested, before=before.get(depth, ()))
