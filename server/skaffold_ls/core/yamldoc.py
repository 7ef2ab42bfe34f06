# PyYAML types event marks as optional; the parser always sets them.
# mypy: disable-error-code="union-attr"
"""The document model: YAML nodes with ranges, the way skaffold reads them.

We compose nodes ourselves from libyaml's event stream instead of using PyYAML's
composer because we need things it does not give:
- every node keeps its range (code-point columns), keys included;
- duplicate keys are kept and reported (skaffold refuses such files), not merged;
- aliases are kept as references and never expanded, so an alias bomb costs
  nothing until someone asks for plain data, and that is budgeted;
- nesting depth is bounded without Python recursion;
- on a syntax error, the nodes built so far are kept: half-typed files still
  have a model for completion and hover.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from skaffold_ls.core.findings import Finding, Pos, Range, Severity
from skaffold_ls.core.positions import line_col, split_lines

try:  # libyaml makes parsing ~10x faster; fall back to the pure-Python parser.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 200
MAX_FILE_BYTES = 2 * 1024 * 1024
# Plain data built from aliases may be at most this many nodes, and at most
# ALIAS_RATIO times the nodes written in the file: enough for every real use of
# anchors, far too little for a "billion laughs".
MAX_EXPANDED_NODES = 200_000
ALIAS_RATIO = 20
# Merge keys expand too: `<<: [*a, *a]` chained 40 times stands for 2^40 pairs. Each
# mapping's merged pairs are computed once (kept on the node), and one call looks at
# no more than this many pairs of merged mappings; past it, merges add nothing more.
# Real merges look at a few dozen; check_alias_budget reports the document anyway,
# since expanded_size counts merged aliases.
MAX_MERGED_PAIRS = 5_000


# ---------------------------------------------------------------------------
# Nodes


@dataclass(eq=False, slots=True)
class Node:
    range: Range
    anchor: str | None = None
    tag: str | None = None

    @property
    def start(self) -> Pos:
        return self.range.start

    @property
    def end(self) -> Pos:
        return self.range.end


@dataclass(eq=False, slots=True)
class Scalar(Node):
    value: str = ""
    style: str | None = None  # None for plain, else one of ' " | >

    @property
    def is_plain(self) -> bool:
        return self.style is None

    @property
    def is_null(self) -> bool:
        return self.style is None and self.tag is None and self.value in _NULLS


@dataclass(eq=False, slots=True)
class Pair:
    key: Node
    value: Node


@dataclass(eq=False, slots=True)
class Mapping(Node):
    pairs: list[Pair] = field(default_factory=list)
    flow: bool = False
    merged: list[Pair] | None = field(default=None, repr=False)  # merged_pairs' result, once computed

    def get(self, key: str) -> Node | None:
        for p in self.pairs:
            if isinstance(p.key, Scalar) and p.key.value == key:
                return p.value
        return None

    def pair(self, key: str) -> Pair | None:
        for p in self.pairs:
            if isinstance(p.key, Scalar) and p.key.value == key:
                return p
        return None

    def keys(self) -> list[str]:
        return [p.key.value for p in self.pairs if isinstance(p.key, Scalar)]


@dataclass(eq=False, slots=True)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)
    flow: bool = False


@dataclass(eq=False, slots=True)
class Alias(Node):
    name: str = ""
    target: Node | None = None


def scalar_text(node: Node | None) -> str | None:
    """The text of a non-null scalar (after aliases), else None."""
    node = deref(node)
    if isinstance(node, Scalar) and not node.is_null:
        return node.value
    return None


def deref(node: Node | None, limit: int = 64) -> Node | None:
    """Follow aliases to the node they name."""
    while isinstance(node, Alias) and limit > 0:
        node = node.target
        limit -= 1
    return node


def node_at(node: Node | None, *keys: str) -> Node | None:
    """The node at a path of mapping keys below `node` (aliases followed), or None."""
    for k in keys:
        node = deref(node)
        if not isinstance(node, Mapping):
            return None
        node = node.get(k)
    return deref(node)


# ---------------------------------------------------------------------------
# Documents


@dataclass(eq=False, slots=True)
class YamlDocument:
    index: int
    root: Node | None
    range: Range
    complete: bool = True  # False when a syntax error cut the document short
    node_count: int = 0
    has_aliases: bool = False

    def root_mapping(self) -> Mapping | None:
        root = deref(self.root)
        return root if isinstance(root, Mapping) else None

    def scalar_at(self, *path: str) -> Scalar | None:
        node: Node | None = self.root
        for key in path:
            node = deref(node)
            if not isinstance(node, Mapping):
                return None
            node = node.get(key)
        node = deref(node)
        return node if isinstance(node, Scalar) else None

    def contains_line(self, line: int) -> bool:
        return self.range.start.line <= line <= self.range.end.line


@dataclass(eq=False, slots=True)
class ParsedFile:
    text: str
    lines: list[str]
    documents: list[YamlDocument]
    findings: list[Finding]  # syntax and structure problems found while parsing
    analysable: bool = True  # False for binary, oversized or undecodable input

    def document_at(self, line: int) -> YamlDocument | None:
        best = None
        for doc in self.documents:
            if doc.range.start.line <= line:
                best = doc
        return best


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SURROGATE = re.compile("[\ud800-\udfff]")


# ---------------------------------------------------------------------------
# Parsing


class _TooDeep(Exception):
    def __init__(self, mark: Any):
        self.mark = mark


def parse(text: str, max_bytes: int = MAX_FILE_BYTES) -> ParsedFile:
    """Parse a whole file. Never raises for bad input: problems become findings."""
    surrogate: Finding | None = None
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as e:
        # Unpaired surrogates (a JSON "\\ud800" from an editor) are not Unicode text and
        # crash libyaml: replace them one for one (columns stay put) and say so.
        size = len(text.encode("utf-8", "surrogatepass"))
        line, col = line_col(text, e.start)
        surrogate = Finding("not-utf8", Severity.ERROR,
                            "text contains an unpaired UTF-16 surrogate, which is not valid Unicode",
                            Range.of(line, col, line, col + 1))
        text = _SURROGATE.sub("\ufffd", text)
    lines = split_lines(text)
    if size > max_bytes:
        return ParsedFile(text, lines, [], [too_large_finding(size, max_bytes)], analysable=False)
    nul = text.find("\x00")
    if nul >= 0:
        line, col = line_col(text, nul)
        return ParsedFile(text, lines, [], [Finding(
            "binary-content", Severity.ERROR,
            "file contains a NUL byte: it looks binary, not YAML",
            Range.of(line, col, line, col + 1))], analysable=False)
    builder = _Builder()
    findings: list[Finding] = [surrogate] if surrogate is not None else []
    # YAML 1.1 also breaks lines at NEL, LS and PS; LSP and editors do not. Read them
    # as spaces (one for one, so columns stay put) to keep libyaml's line numbers
    # the editor's.
    yaml_text = text.translate(_UNICODE_BREAKS) if _has_unicode_breaks(text) else text
    try:
        for event in yaml.parse(yaml_text, Loader=_Loader):
            builder.feed(event)
    except _TooDeep as e:
        builder.abort()
        findings.append(Finding(
            "too-deep", Severity.ERROR,
            f"nesting deeper than {MAX_DEPTH} levels; skaffold-ls stops reading here",
            _point(e.mark.line, e.mark.column)))
    except yaml.MarkedYAMLError as e:
        builder.abort()
        findings.append(_syntax_finding(e, lines))
    except yaml.YAMLError as e:  # pragma: no cover - unmarked errors are rare
        builder.abort()
        findings.append(_whole_file("yaml-syntax", f"YAML syntax error: {e}"))
    except RecursionError:  # pragma: no cover - guarded by MAX_DEPTH
        builder.abort()
        findings.append(_whole_file("too-deep", "nesting too deep to read"))
    findings.extend(builder.findings)
    return ParsedFile(text, lines, builder.documents, findings)


def too_large_finding(size: int, max_bytes: int) -> Finding:
    """The finding for a file of `size` bytes, larger than analysed (also for files never read)."""
    return _whole_file(
        "file-too-large",
        f"file is {size / 1_048_576:.1f} MB; skaffold-ls analyses files up to "
        f"{max_bytes / 1_048_576:.1f} MB (raise `skaffold.maxFileSize` to change this)")


_UNICODE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def _has_unicode_breaks(text: str) -> bool:
    return "\x85" in text or "\u2028" in text or "\u2029" in text


def _whole_file(code: str, message: str) -> Finding:
    return Finding(code, Severity.ERROR, message, Range.of(0, 0, 0, 1))


def _point(line: int, col: int) -> Range:
    return Range.of(line, col, line, col + 1)


def _syntax_finding(e: yaml.MarkedYAMLError, lines: list[str]) -> Finding:
    mark = e.problem_mark or e.context_mark
    line = mark.line if mark else 0
    col = mark.column if mark else 0
    problem = e.problem or "syntax error"
    message = f"YAML syntax error: {problem}"
    if e.context:
        message += f" ({e.context}"
        if e.context_mark is not None and e.context_mark.line != line:
            message += f" started on line {e.context_mark.line + 1}"
        message += ")"
    if "maximum nesting depth" in problem:
        # libyaml >= 0.2.5 (PyYAML 6.0.2+ wheels) stops at 1,000 levels itself.
        return Finding("too-deep", Severity.ERROR,
                       "nesting deeper than libyaml's limit of 1,000 levels; skaffold-ls stops reading here",
                       Range.of(line, col, line, col + 1))
    if problem.startswith("found character '\\t'"):
        message = "YAML syntax error: tabs are not allowed for indentation; use spaces"
    # An end-of-file mark may sit after the last character: keep it inside the text.
    if line >= len(lines):
        line = max(len(lines) - 1, 0)
        col = len(lines[line]) if lines else 0
    end = min(col + 1, len(lines[line])) if lines else col
    return Finding("yaml-syntax", Severity.ERROR, message, Range.of(line, col, line, max(end, col)))


class _Builder:
    """Turns libyaml events into nodes with an explicit stack (no recursion)."""

    def __init__(self) -> None:
        self.documents: list[YamlDocument] = []
        self.findings: list[Finding] = []
        self._stack: list[tuple[Node, list[Node]]] = []  # (container, children so far)
        self._anchors: dict[str, Node] = {}
        self._doc_start: Pos | None = None
        self._root: Node | None = None
        self._count = 0
        self._aliases = False

    def feed(self, event: Any) -> None:  # yaml.Event subclasses; marks are always set by the parser
        if isinstance(event, yaml.DocumentStartEvent):
            self._doc_start = Pos(event.start_mark.line, event.start_mark.column)
            self._root = None
            self._anchors = {}
            self._count = 0
            self._aliases = False
        elif isinstance(event, yaml.DocumentEndEvent):
            self._finish_document(Pos(event.end_mark.line, event.end_mark.column), complete=True)
        elif isinstance(event, yaml.ScalarEvent):
            self._add(Scalar(_range(event), event.anchor, _tag(event.tag), event.value, event.style or None))
        elif isinstance(event, yaml.AliasEvent):
            target = self._anchors.get(event.anchor or "")
            self._aliases = True
            if target is None:
                self.findings.append(Finding(
                    "yaml-undefined-alias", Severity.ERROR,
                    f"alias `*{event.anchor}` names no anchor defined before it",
                    _range(event)))
            self._add(Alias(_range(event), None, None, event.anchor or "", target))
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(self._stack) >= MAX_DEPTH:
                raise _TooDeep(event.start_mark)
            cls = Mapping if isinstance(event, yaml.MappingStartEvent) else Sequence
            self._stack.append((cls(_range(event), event.anchor, _tag(event.tag), flow=bool(event.flow_style)), []))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node, children = self._stack.pop()
            node.range = Range(node.range.start, Pos(event.end_mark.line, event.end_mark.column))
            if isinstance(node, Mapping):
                node.pairs = self._pairs(children)
            elif isinstance(node, Sequence):
                node.items = children
            self._add(node, container_done=True)

    def _pairs(self, children: list[Node]) -> list[Pair]:
        pairs = [Pair(children[i], children[i + 1]) for i in range(0, len(children) - 1, 2)]
        seen: dict[str, Node] = {}
        for p in pairs:
            if isinstance(p.key, Scalar):
                first = seen.get(p.key.value)
                if first is not None and p.key.value != "<<":
                    self.findings.append(Finding(
                        "duplicate-key", Severity.ERROR,
                        f"duplicate key `{p.key.value}` (first set on line {first.start.line + 1}); "
                        "skaffold refuses files with duplicate keys",
                        p.key.range, {"key": p.key.value}))
                else:
                    seen[p.key.value] = p.key
        return pairs

    def _add(self, node: Node, container_done: bool = False) -> None:
        self._count += 1
        if node.anchor:
            self._anchors[node.anchor] = node
        if self._stack:
            self._stack[-1][1].append(node)
        else:
            self._root = node

    def _finish_document(self, end: Pos, complete: bool) -> None:
        start = self._doc_start or Pos(0, 0)
        self.documents.append(YamlDocument(
            index=len(self.documents), root=self._root, range=Range(start, end),
            complete=complete, node_count=self._count, has_aliases=self._aliases))
        self._doc_start = None
        self._root = None

    def abort(self) -> None:
        """Keep what was built before a syntax error: close open containers."""
        if self._doc_start is None:
            return
        last = self._doc_start
        while self._stack:
            node, children = self._stack.pop()
            if children:
                last = max(last, children[-1].end)
            node.range = Range(node.range.start, last)
            if isinstance(node, Mapping):
                if len(children) % 2 == 1:  # a key whose value never came
                    key = children[-1]
                    children.append(Scalar(Range(key.end, key.end), value=""))
                node.pairs = self._pairs(children)
            elif isinstance(node, Sequence):
                node.items = children
            self._add(node)
        self._finish_document(last, complete=False)


def _range(event: Any) -> Range:
    s, e = event.start_mark, event.end_mark
    return Range(Pos(s.line, s.column), Pos(e.line, e.column))


def _tag(tag: str | None) -> str | None:
    return tag if tag and tag != "!" else None


# ---------------------------------------------------------------------------
# Plain data (for checks that want dicts and lists)


class AliasBombError(Exception):
    def __init__(self, node: Node):
        super().__init__("alias expansion too large")
        self.node = node


_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_HEX = re.compile(r"^0x[0-9a-fA-F_]+$")
_OCT = re.compile(r"^0o[0-7_]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")


def scalar_value(node: Scalar) -> Any:
    """The value Go's yaml.v3 (YAML 1.2 core schema) gives a scalar."""
    if node.style is not None or node.tag == "tag:yaml.org,2002:str":
        return node.value
    v = node.value
    if v in _NULLS:
        return None
    if v in ("true", "True", "TRUE"):
        return True
    if v in ("false", "False", "FALSE"):
        return False
    if _INT.match(v):
        return int(v.replace("_", ""))
    if _HEX.match(v):
        return int(v[2:].replace("_", ""), 16)
    if _OCT.match(v):
        return int(v[2:].replace("_", ""), 8)
    if _FLOAT.match(v) and any(c.isdigit() for c in v):
        try:
            return float(v.replace("_", ""))
        except ValueError:
            return v
    return v


def expanded_size(node: Node | None, memo: dict[int, int] | None = None, limit: int = MAX_EXPANDED_NODES) -> int:
    """How many nodes `node` stands for once aliases are expanded (capped at limit+1).

    Memoised per node, so a bomb costs time proportional to the nodes written,
    not to its expansion."""
    if node is None:
        return 0
    memo = {} if memo is None else memo
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        n, children_done = stack.pop()
        if id(n) in memo:
            continue
        kids: list[Node]
        if isinstance(n, Alias):
            kids = [n.target] if n.target is not None else []
        elif isinstance(n, Mapping):
            kids = [x for p in n.pairs for x in (p.key, p.value)]
        elif isinstance(n, Sequence):
            kids = list(n.items)
        else:
            kids = []
        if children_done or not kids:
            total = (0 if isinstance(n, Alias) else 1) + sum(memo.get(id(k), 0) for k in kids)
            memo[id(n)] = min(total, limit + 1)
        else:
            stack.append((n, True))
            stack.extend((k, False) for k in kids if id(k) not in memo)
    return memo[id(node)]


def check_alias_budget(doc: YamlDocument) -> Finding | None:
    """A finding when the document's aliases expand to an unreasonable size."""
    if not doc.has_aliases or doc.root is None:
        return None
    budget = min(MAX_EXPANDED_NODES, max(10_000, doc.node_count * ALIAS_RATIO))
    size = expanded_size(doc.root, limit=budget)
    if size <= budget:
        return None
    first = next((n for n in iter_nodes(doc.root) if isinstance(n, Alias)), doc.root)
    return Finding(
        "alias-bomb", Severity.ERROR,
        f"anchors and aliases here expand to more than {budget:,} nodes "
        f"(from {doc.node_count:,} written): refused, not expanded",
        first.range)


def iter_nodes(root: Node | None) -> Iterator[Node]:
    """Every node written in the document, once (aliases are not followed)."""
    if root is None:
        return
    stack: list[Node] = [root]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Mapping):
            for p in reversed(n.pairs):
                stack.append(p.value)
                stack.append(p.key)
        elif isinstance(n, Sequence):
            stack.extend(reversed(n.items))


def merged_pairs(mapping: Mapping, budget: int = MAX_MERGED_PAIRS) -> list[Pair]:
    """The mapping's pairs with YAML merge keys (`<<: *base`) applied, as yaml.v3 does:
    explicit keys win over merged ones, earlier sources over later ones.

    Memoised on each mapping and bounded: one call looks at no more than `budget`
    pairs of merged mappings (see MAX_MERGED_PAIRS), so chained fan-out merges cost
    time proportional to the nodes written, not to their expansion."""
    if mapping.merged is not None:
        return mapping.merged
    # Post-order over the merge graph, without recursion: sources before the mappings
    # that merge them. Anchors are registered when their node is complete, so an alias
    # never names a mapping it is inside of; `seen` guards against cycles regardless.
    order: list[Mapping] = []
    seen: set[int] = set()
    stack: list[tuple[Mapping, bool]] = [(mapping, False)]
    while stack:
        m, sources_done = stack.pop()
        if sources_done:
            order.append(m)
            continue
        if id(m) in seen or m.merged is not None:
            continue
        seen.add(id(m))
        stack.append((m, True))
        stack.extend((src, False) for src in _merge_sources(m) if src.merged is None and id(src) not in seen)
    left = budget
    for m in order:
        if not any(_is_merge_key(p.key) for p in m.pairs):
            m.merged = m.pairs
            continue
        out = [p for p in m.pairs if not _is_merge_key(p.key)]
        present = {p.key.value for p in out if isinstance(p.key, Scalar)}
        for src in _merge_sources(m):
            merged = src.merged if src.merged is not None else src.pairs
            take = merged[:max(left, 0)]
            left -= len(merged)
            for q in take:
                if isinstance(q.key, Scalar) and q.key.value not in present and not _is_merge_key(q.key):
                    present.add(q.key.value)
                    out.append(q)
        m.merged = out
    return mapping.merged if mapping.merged is not None else mapping.pairs


def _is_merge_key(key: Node) -> bool:
    return isinstance(key, Scalar) and key.value == "<<" and key.is_plain


def _merge_sources(m: Mapping) -> list[Mapping]:
    """The mappings a mapping's `<<` keys name, in order."""
    out: list[Mapping] = []
    for p in m.pairs:
        if not _is_merge_key(p.key):
            continue
        value = deref(p.value)
        for src in ([deref(i) for i in value.items] if isinstance(value, Sequence) else [value]):
            if isinstance(src, Mapping):
                out.append(src)
    return out


def to_python(node: Node | None, budget: int = MAX_EXPANDED_NODES, depth: int = 0) -> Any:
    """Plain Python data, with merge keys applied and aliases expanded within budget.

    Raises AliasBombError past the budget. Depth is bounded by MAX_DEPTH at parse time."""
    counter = [budget]

    def conv(n: Node | None, d: int) -> Any:
        counter[0] -= 1
        if counter[0] < 0:
            raise AliasBombError(n if n is not None else Scalar(Range.of(0, 0, 0, 0)))
        if n is None:
            return None
        if isinstance(n, Alias):
            return conv(n.target, d)
        if isinstance(n, Scalar):
            return scalar_value(n)
        if isinstance(n, Sequence):
            return [conv(i, d + 1) for i in n.items]
        if isinstance(n, Mapping):
            out: dict[Any, Any] = {}
            for p in merged_pairs(n):
                k = conv(p.key, d + 1)
                try:
                    out[k] = conv(p.value, d + 1)
                except TypeError:  # unhashable key (a mapping as key): keep its text
                    out[str(k)] = conv(p.value, d + 1)
            return out
        return None

    return conv(node, depth)
