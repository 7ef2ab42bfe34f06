"""Values of skaffold's effective configuration, each knowing where it came from.

A `Value` is one node of the configuration after skaffold has read it: a mapping
(`dict[str, Value]`), a list (`list[Value]`) or a scalar. Every value carries an
`Origin`: the file and range it was written at, and, when a profile put it there,
the profile (and patch) that did. Checks, editor features, the debug bridge and
`skaffold-ls config` all read the configuration through these values, so they agree
on what skaffold sees and can point at the text that caused it.

Reading follows skaffold's Go decoder: a key whose value is null (`key:`, `key: ~`)
is absent (Go leaves the pointer nil, the string empty), top-level keys starting with
`.` are dropped (skaffold strips them: they hold YAML anchors), merge keys are applied
and aliases expanded within a budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import (
    MAX_EXPANDED_NODES,
    Alias,
    AliasBombError,
    Mapping,
    Node,
    Scalar,
    Sequence,
    merged_pairs,
    scalar_value,
)

PathStep = str | int


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from."""

    file: Path | None
    range: Range | None = None
    profile: str | None = None  # the profile that put the value there
    patch: int | None = None  # the index of the patch (in that profile) that did
    default: bool = False  # filled in by skaffold, written nowhere

    @property
    def line(self) -> int | None:
        """1-based line of the text, when there is one."""
        return self.range.start.line + 1 if self.range is not None else None

    def describe(self, relative_to: Path | None = None) -> str:
        """`profile debug, patch 1 (skaffold.yaml:84)`, `src/x/skaffold.yaml:12`, `default`."""
        if self.default:
            return "default"
        where = _file_label(self.file, relative_to)
        if self.line is not None:
            where = f"{where}:{self.line}"
        if self.profile is None:
            return where
        what = f"profile {self.profile}"
        if self.patch is not None:
            what += f", patch {self.patch + 1}"
        return f"{what} ({where})"


def _file_label(file: Path | None, relative_to: Path | None) -> str:
    if file is None:
        return "<unsaved>"
    if relative_to is not None:
        try:
            return file.relative_to(relative_to).as_posix()
        except ValueError:
            pass
    return file.name if relative_to is None else file.as_posix()


Data = Union[dict[str, "Value"], list["Value"], str, int, float, bool, None]  # noqa: UP007 (forward refs)


@dataclass(eq=False, slots=True)
class Value:
    """One value of the configuration: mapping, list or scalar, with its origin.

    `node` is the YAML node it was read from (None for defaults); its range is where
    editor features point, and its text is what a scalar looked like when written.
    `key_node` is the key it was written under, where findings about the key point.
    `written` is the text as written when skaffold changed it while loading (a required
    config's path made absolute, `~` expanded); `data` then holds skaffold's value.
    """

    data: Data
    origin: Origin
    node: Node | None = None
    key_node: Node | None = None  # the key it sits under in its mapping, if any
    written: str | None = None

    # -- shape ---------------------------------------------------------------
    @property
    def mapping(self) -> dict[str, Value] | None:
        return self.data if isinstance(self.data, dict) else None

    @property
    def items(self) -> list[Value]:
        """The list's items; [] for anything that is not a list."""
        return self.data if isinstance(self.data, list) else []

    @property
    def is_scalar(self) -> bool:
        return not isinstance(self.data, (dict, list))

    @property
    def text(self) -> str | None:
        """A scalar as skaffold's string fields read it (`DEBUG: 1` is the string "1")."""
        if isinstance(self.data, (dict, list)) or self.data is None:
            return None
        if isinstance(self.node, Scalar):
            return self.node.value
        if isinstance(self.data, bool):
            return "true" if self.data else "false"
        return str(self.data)

    @property
    def range(self) -> Range:
        """Where the value is written (a default, written nowhere, points at the file's start)."""
        if self.node is not None:
            return self.node.range
        return self.origin.range if self.origin.range is not None else Range.of(0, 0, 0, 0)

    @property
    def key_range(self) -> Range:
        """The key's range (e.g. `ko:`), else the value's."""
        return self.key_node.range if self.key_node is not None else self.range

    # -- navigation ----------------------------------------------------------
    def get(self, key: str) -> Value | None:
        m = self.mapping
        return m.get(key) if m is not None else None

    def at(self, *path: PathStep) -> Value | None:
        """The value at a path of keys and list indexes, or None."""
        cur: Value | None = self
        for step in path:
            if cur is None:
                return None
            if isinstance(step, int):
                items = cur.items
                cur = items[step] if 0 <= step < len(items) else None
            else:
                cur = cur.get(step)
        return cur

    def text_at(self, *path: PathStep) -> str | None:
        v = self.at(*path)
        return v.text if v is not None else None

    def texts_at(self, *path: PathStep) -> list[Value]:
        """The scalar items of the list at `path` (a lone scalar counts as one item)."""
        v = self.at(*path)
        if v is None:
            return []
        if v.is_scalar:
            return [v] if v.text is not None else []
        return [i for i in v.items if i.text is not None]

    def plain(self) -> Any:
        """Plain Python data (dicts, lists, scalars)."""
        if isinstance(self.data, dict):
            return {k: v.plain() for k, v in self.data.items()}
        if isinstance(self.data, list):
            return [v.plain() for v in self.data]
        return self.data

    def walk(self, path: tuple[PathStep, ...] = ()) -> Iterator[tuple[tuple[PathStep, ...], Value]]:
        """Every value with its path, parents before children (iterative: no recursion limit)."""
        stack: list[tuple[tuple[PathStep, ...], Value]] = [(path, self)]
        while stack:
            p, v = stack.pop()
            yield p, v
            if isinstance(v.data, dict):
                stack.extend(((*p, k), c) for k, c in reversed(v.data.items()))
            elif isinstance(v.data, list):
                stack.extend(((*p, i), c) for i, c in reversed(list(enumerate(v.data))))


def copy_value(value: Value, origin: Origin | None = None) -> Value:
    """A deep copy (containers only: nodes are shared), optionally re-attributed to `origin`."""
    out = Value(value.data, origin or value.origin, value.node, value.key_node)
    stack = [out]
    while stack:
        v = stack.pop()
        if isinstance(v.data, dict):
            v.data = {k: Value(c.data, origin or c.origin, c.node, c.key_node) for k, c in v.data.items()}
            stack.extend(v.data.values())
        elif isinstance(v.data, list):
            v.data = [Value(c.data, origin or c.origin, c.node, c.key_node) for c in v.data]
            stack.extend(v.data)
    return out


def from_node(node: Node | None, file: Path | None, profile: str | None = None, patch: int | None = None,
              budget: int = MAX_EXPANDED_NODES, top_level: bool = False) -> Value:
    """A YAML node read the way skaffold's decoder reads it, attributed to `file` (and profile/patch).

    Raises AliasBombError when aliases expand past `budget` values.
    """
    base = Origin(file, None, profile, patch)
    remaining = [budget]

    def origin_of(n: Node) -> Origin:
        return Origin(file, n.range, profile, patch)  # not dataclasses.replace: ~10x slower, per value

    def convert(n: Node | None, drop_dot_keys: bool) -> Value:
        # Iterative over containers: each entry is (node, the Value to fill).
        root = Value(None, base if n is None else origin_of(n), n)
        stack: list[tuple[Node | None, Value, bool]] = [(n, root, drop_dot_keys)]
        while stack:
            cur, out, dot = stack.pop()
            remaining[0] -= 1
            if remaining[0] < 0:
                raise AliasBombError(cur if cur is not None else Scalar(Range.of(0, 0, 0, 0)))
            hops = 0
            while isinstance(cur, Alias) and hops < 64:
                cur, hops = cur.target, hops + 1
            if isinstance(cur, Scalar):
                out.data = scalar_value(cur)
                if out.node is None or isinstance(out.node, Alias):
                    out.node = cur
            elif isinstance(cur, Mapping):
                children: dict[str, Value] = {}
                for pair in merged_pairs(cur):
                    key = pair.key
                    if not isinstance(key, Scalar):
                        continue
                    if dot and key.value.startswith("."):
                        continue
                    if _is_null(pair.value):
                        continue
                    child = Value(None, origin_of(pair.value), pair.value, key)
                    children[key.value] = child
                    stack.append((pair.value, child, False))
                out.data = children
            elif isinstance(cur, Sequence):
                items: list[Value] = []
                for item in cur.items:
                    child = Value(None, origin_of(item), item)
                    items.append(child)
                    stack.append((item, child, False))
                out.data = items
            else:
                out.data = None
        return root

    return convert(node, top_level)


def _is_null(node: Node) -> bool:
    hops = 0
    while isinstance(node, Alias) and node.target is not None and hops < 64:
        node, hops = node.target, hops + 1
    return isinstance(node, Scalar) and node.is_null


def synthetic(value: Any, origin: Origin) -> Value:
    """A value no text holds (a default skaffold fills in), from plain data."""
    if isinstance(value, dict):
        return Value({k: synthetic(v, origin) for k, v in value.items()}, origin)
    if isinstance(value, list):
        return Value([synthetic(v, origin) for v in value], origin)
    return Value(value, origin)
