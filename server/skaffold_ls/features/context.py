"""Where the cursor is, read from the text: works on half-typed and broken YAML.

The document model (`core.yamldoc`) is exact but stops at the first syntax error,
and a line being typed (`  bui`) is usually one. Completion and hover therefore
find the path at the cursor from indentation, the way an editor's user reads it:
walk up from the cursor line, collecting parent keys and list items. The model is
then used to look up nodes along that path when they exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.validate import DocumentInfo
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, Sequence, YamlDocument, deref
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.schema.model import VersionSchema

_KEY = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s'"#{\[\]}&*!|>%@`,-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)"""
)
_DOC_MARK = re.compile(r"^(---|\.\.\.)([ \t]|$)")
_API = re.compile(r"""^apiVersion[ \t]*:[ \t]*["']?([^"'\s#]+)""")


@dataclass(slots=True)
class Line:
    """One line split the way block YAML reads: indentation, `- ` markers, key, value."""

    dashes: list[int]
    content: int  # column of the first character after indentation and dashes
    key: str | None
    key_start: int
    key_end: int  # column just after the key text (before the colon)
    value_start: int  # first column after `key:` and spaces (len(text) when none)
    blank: bool  # nothing but spaces or a comment

    @property
    def first(self) -> int:
        return self.dashes[0] if self.dashes else self.content


def split_line(text: str) -> Line:
    if text.endswith("\r"):
        text = text[:-1]  # CRLF files
    i, n = 0, len(text)
    while i < n and text[i] == " ":
        i += 1
    dashes: list[int] = []
    while i < n and text[i] == "-" and (i + 1 == n or text[i + 1] in " \t"):
        dashes.append(i)
        i += 1
        while i < n and text[i] in " \t":
            i += 1
    content = i
    blank = not dashes and (i >= n or text[i] == "#")
    m = _KEY.match(text, content)
    if m is None:
        return Line(dashes, content, None, content, content, n, blank)
    raw = m.group("key")
    key = raw
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        key = raw[1:-1]
    j = m.end() + 1
    while j < n and text[j] in " \t":
        j += 1
    return Line(dashes, content, key, content, content + len(raw), min(j, n), blank)


def first_column(text: str) -> int:
    """Column of the first significant character (a list dash counts); -1 for a blank
    or comment-only line. Cheap: lets the scans skip deeper lines without a regex."""
    stripped = text.lstrip(" ")
    if not stripped or stripped[0] in "#\r":
        return -1
    return len(text) - len(stripped)


def _is_marker(text: str) -> bool:
    return text[:3] in ("---", "...") and _DOC_MARK.match(text) is not None


def document_bounds(lines: list[str], line: int) -> tuple[int, int]:
    """First and last line of the YAML document holding `line` (by `---` markers)."""
    line = min(max(line, 0), max(len(lines) - 1, 0))
    start = 0
    for i in range(line, -1, -1):
        if i < len(lines) and _is_marker(lines[i]):
            start = i + 1 if i < line else i
            break
    end = max(len(lines) - 1, start)
    for i in range(line + 1, len(lines)):
        if _is_marker(lines[i]):
            end = i - 1
            break
    return start, end


def path_to_mapping(lines: list[str], line: int, col: int, dashes: list[int], start: int) -> list[str | int] | None:
    """Path of the mapping whose keys sit at column `col` on `line` (which has list
    markers `dashes` before that column). None when the indentation makes no sense."""
    rev: list[str | int] = []
    state = "map"
    c = col
    count = 0  # items seen so far in the current sequence (state "seq")
    idx_slot = -1

    def enter_items(ds: list[int]) -> None:
        nonlocal state, c, count, idx_slot
        for d in reversed(ds):
            if state == "seq":  # the sequence at c is itself an item of the one at d
                rev[idx_slot] = count
            rev.append(0)
            idx_slot = len(rev) - 1
            state, c, count = "seq", d, 0

    enter_items(dashes)
    for i in range(line - 1, start - 1, -1):
        text = lines[i]
        if state == "map" and c == 0:
            break  # a mapping at column 0 is the document's root
        fc = first_column(text)
        if fc < 0 or fc > c:
            continue  # blank, comment, or deeper than anything we look for
        if _is_marker(text):
            break
        info = split_line(text)
        if info.blank:
            continue
        first = info.first
        if state == "map":
            if first >= c:
                continue
            if info.dashes and info.content == c:
                enter_items(info.dashes)
                count = 0
                continue
            if info.key is not None and info.content < c:
                rev.append(info.key)
                state, c = "map", info.content
                enter_items(info.dashes)
                continue
            return None
        # state == "seq" (dashes at column c)
        if first > c:
            continue
        if first == c and info.dashes:
            count += 1
            continue
        if info.key is not None and info.content <= c:
            rev[idx_slot] = count
            rev.append(info.key)
            state, c = "map", info.content
            enter_items(info.dashes)
            continue
        return None
    if state == "seq":
        return None  # a document that is a list: not a skaffold config
    rev.reverse()
    return rev


@dataclass(slots=True)
class Cursor:
    """What is being typed at a position.

    mode "key": a key of the mapping at `path` (`prefix` typed so far).
    mode "value": the value at `path` (its last step is the key or list index).
    """

    mode: str
    path: list[str | int]
    prefix: str
    replace: Range  # the text a completion replaces
    key_col: int  # column of the mapping's keys (key mode) or of the key (value mode)
    has_colon: bool = False  # key mode: the key on this line already has its `:`
    after_dash: bool = False  # the cursor is on a `- ` line, in a new or existing item
    quoted: str | None = None  # value mode: the quote that opens the value
    doc_start: int = 0
    doc_end: int = 0
    line_rest: str = ""  # text after the cursor on its line
    needs_space: bool = False  # value mode right after `key:`: insert a space first


_WORD_END = re.compile(r"[^\s:#]*")


def cursor_at(lines: list[str], pos: Pos) -> Cursor | None:
    """The cursor's situation, from the text alone. Never raises."""
    if pos.line >= len(lines) or pos.line < 0:
        return None
    text = lines[pos.line]
    col = min(max(pos.col, 0), len(text))
    before = text[:col]
    if _DOC_MARK.match(text) or before.lstrip().startswith("#"):
        return None
    start, end = document_bounds(lines, pos.line)
    info = split_line(before)
    full = split_line(text)
    # value mode: `key: val|`
    if info.key is not None and col >= info.key_end + 1:
        mapping = path_to_mapping(lines, pos.line, info.content, info.dashes, start)
        if mapping is None:
            return None
        vstart = info.value_start if info.value_start <= col else col
        raw = text[vstart:col]
        quoted = None
        if raw[:1] in ("'", '"'):
            quoted = raw[0]
            raw = raw[1:]
            vstart += 1
        if quoted is None and raw.startswith(("[", "{", "|", ">", "&", "*", "!")):
            return None
        vend = _value_end(text, vstart, col, quoted)
        return Cursor("value", [*mapping, info.key], raw, Range(Pos(pos.line, vstart), Pos(pos.line, vend)),
                      info.content, after_dash=bool(info.dashes), quoted=quoted, doc_start=start, doc_end=end,
                      line_rest=text[col:], needs_space=vstart > 0 and text[vstart - 1] == ":")
    if before.strip() and not info.dashes and info.content < col and " " in before[info.content:].rstrip():
        return None  # `foo bar|`: not a key being typed
    kcol = info.content if (before.strip() or info.dashes) else col
    mapping = path_to_mapping(lines, pos.line, kcol, info.dashes, start)
    if mapping is None:
        return None
    prefix = before[kcol:] if kcol <= col else ""
    rest = text[col:]
    m = _WORD_END.match(rest)
    word_end = col + (m.end() if m else 0)
    has_colon = full.key is not None and full.key_start == kcol
    if has_colon:
        word_end = max(word_end, full.key_end)
    return Cursor("key", mapping, prefix, Range(Pos(pos.line, kcol), Pos(pos.line, word_end)), kcol,
                  has_colon=has_colon, after_dash=bool(info.dashes), doc_start=start, doc_end=end,
                  line_rest=rest)


def _value_end(text: str, vstart: int, col: int, quoted: str | None) -> int:
    if quoted:
        j = text.find(quoted, col)
        return j if j >= 0 else len(text)
    j = text.find(" #", col)
    return (j if j >= 0 else len(text.rstrip())) if len(text.rstrip()) >= col else col


def present_keys(lines: list[str], line: int, col: int, start: int, end: int) -> set[str]:
    """Keys of the block mapping at column `col` around `line` (text-based)."""
    keys: set[str] = set()
    here = split_line(lines[line]) if line < len(lines) else None
    top = line - 1
    if here is not None and here.dashes and here.content == col:
        top = start - 1  # the item starts on this line: nothing above belongs to it
    for i in range(top, start - 1, -1):
        info = _line_at_or_left_of(lines[i], col)
        if info is None:
            continue
        if info.first == col and info.key:
            keys.add(info.key)
            continue
        if info.dashes and info.content == col and info.key:
            keys.add(info.key)
        break
    for i in range(line + 1, min(end + 1, len(lines))):
        info = _line_at_or_left_of(lines[i], col)
        if info is None:
            continue
        if info.first == col and info.key:
            keys.add(info.key)
            continue
        break
    return keys


def _line_at_or_left_of(text: str, col: int) -> Line | None:
    """The line's split when it can hold a key of the block mapping at `col` or close it;
    None for blank lines, lines nested deeper and sequence items at `col` (inside the block)."""
    fc = first_column(text)
    if fc < 0 or fc > col:
        return None
    info = split_line(text)
    if info.blank or info.first > col or (info.first == col and info.dashes):
        return None
    return info


def api_version_in(lines: list[str], start: int, end: int) -> str | None:
    for i in range(start, min(end + 1, len(lines))):
        m = _API.match(lines[i])
        if m:
            return m.group(1)
    return None


# ---------------------------------------------------------------------------
# The document and schema at a line


@dataclass(slots=True)
class DocAt:
    info: DocumentInfo | None
    schema: VersionSchema
    version: str
    guessed: bool = False  # the document names no known apiVersion: the latest is used

    @property
    def document(self) -> YamlDocument | None:
        return self.info.document if self.info else None

    @property
    def root(self) -> Mapping | None:
        return self.info.document.root_mapping() if self.info else None


def doc_info_at(ctx: FeatureContext, line: int, bounds: tuple[int, int] | None = None) -> DocumentInfo | None:
    """The model of the document holding `line`: the one that starts within the text's
    document bounds (its `---` marker sits just before them). After a syntax error the
    model may stop early; a later document then has no model (None)."""
    start, end = bounds or document_bounds(ctx.lines, line)
    for info in ctx.analysis.documents:
        if start - 1 <= info.document.range.start.line <= end:
            return info
    return None


def doc_at(ctx: FeatureContext, line: int, bounds: tuple[int, int] | None = None) -> DocAt | None:
    start, end = bounds or document_bounds(ctx.lines, line)
    info = doc_info_at(ctx, line, (start, end))
    if info is not None and info.schema.schema is not None:
        return DocAt(info, info.schema.schema, info.schema.schema.version)
    version = api_version_in(ctx.lines, start, end)
    if version is not None:
        schema = ctx.store.get(version)
        if schema is not None:
            return DocAt(info, schema, version)
        if not version.startswith("skaffold/"):
            return None  # a Kubernetes manifest or another kind of file
    schema = ctx.store.get(ctx.store.latest)
    if schema is None:  # pragma: no cover - the model always has its latest
        return None
    return DocAt(info, schema, schema.version, guessed=True)


# ---------------------------------------------------------------------------
# Following a path in the model


def node_at_path(root: Node | None, path: list[str | int]) -> Node | None:
    node = deref(root)
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, Sequence) or step >= len(node.items):
                return None
            node = deref(node.items[step])
        else:
            if not isinstance(node, Mapping):
                return None
            node = deref(node.get(step))
    return node


@dataclass(slots=True)
class PathNode:
    """A node in the model with its path (for features that walk the whole document)."""

    path: list[str | int]
    node: Node
    key: Node | None = None
    children: list[PathNode] = field(default_factory=list)


def walk(root: Node | None, path: list[str | int] | None = None, key: Node | None = None,
         limit: int = 200_000) -> list[PathNode]:
    """Every node under root with its path, pre-order, without following aliases."""
    out: list[PathNode] = []
    if root is None:
        return out
    stack: list[tuple[Node, list[str | int], Node | None]] = [(root, list(path or []), key)]
    while stack and len(out) < limit:
        node, p, k = stack.pop()
        out.append(PathNode(p, node, k))
        if isinstance(node, Mapping):
            for pair in reversed(node.pairs):
                name = pair.key.value if isinstance(pair.key, Scalar) else "?"
                stack.append((pair.value, [*p, name], pair.key))
        elif isinstance(node, Sequence):
            for i in range(len(node.items) - 1, -1, -1):
                stack.append((node.items[i], [*p, i], None))
    return out
