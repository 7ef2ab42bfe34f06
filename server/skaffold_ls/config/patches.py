"""Profile patches, applied as skaffold applies them (github.com/krishicks/yaml-patch).

skaffold marshals the config (after the profile's overlay) to YAML and applies each
patch in turn; any failure is `invalid path: <path>` and the config does not load.
The library's rules, which differ from RFC 6902 in places, are followed here:
- `add` on a mapping sets the key (existing or not); on a list inserts at an index
  from 0 to the length, or appends at `-`;
- `replace` and `remove` need the key or index to exist;
- `move` and `copy` read `from` (a missing mapping key reads as null), then set the
  target; setting a list index past the end grows the list;
- `test` compares the value;
- a path step of the form `key=value` selects, anywhere below, the mappings whose
  `key` is the string `value` (the library's extension), each patched in turn.

Patching is copy-on-write: the root passed in is changed in place, but every mapping or
list below it on a patch's way is copied before it changes, so the values a config
shares with its document (and the document cached by `Sources`) are never altered.
"""

from __future__ import annotations

from dataclasses import dataclass

from skaffold_ls.config.values import Origin, Value, copy_value

OPS = ("add", "remove", "replace", "move", "copy", "test")


class PatchError(Exception):
    """The patch does not apply; the message says why, in the user's terms."""


@dataclass(slots=True)
class Patch:
    op: str
    path: str
    from_: str | None = None
    value: Value | None = None
    origin: Origin | None = None  # where the patch is written (values it moves or copies get it)


def apply_patch(root: Value, patch: Patch) -> None:
    """Apply one patch to the configuration in place, or raise PatchError."""
    op = patch.op or "replace"
    if op not in OPS:
        raise PatchError(f"unknown op `{op}`")
    if "=" in patch.path:
        targets = _expand(root, patch.path)
        if not targets:
            raise PatchError(f"`{patch.path}` selects nothing")
        for target in targets:
            _perform(root, Patch(op, target, patch.from_, patch.value, patch.origin))
    else:
        _perform(root, patch)


def decode(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def split_pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise PatchError("a patch path starts with `/`")
    return [decode(t) for t in path[1:].split("/")]


def _container(root: Value, path: str) -> tuple[Value, str]:
    """The mapping or list holding the path's last step, and that step.

    Each container on the way is replaced by a shallow copy in its (already copied)
    parent, so the caller may change the one returned without touching shared values."""
    tokens = split_pointer(path)
    cur = root
    where = ""
    for token in tokens[:-1]:
        nxt = _child(cur, token, where)
        if nxt is None:
            raise PatchError(f"no `{token}` under `{where or '/'}`")
        if nxt.is_scalar:
            raise PatchError(f"`{where}/{token}` is a value, not a mapping or list")
        nxt = _own(cur, token, nxt)
        cur = nxt
        where += "/" + token
    return cur, tokens[-1]


def _own(parent: Value, token: str, child: Value) -> Value:
    """`child` replaced in `parent` by a shallow copy of itself (parent is already owned)."""
    data = dict(child.data) if isinstance(child.data, dict) else list(child.items)
    copy = Value(data, child.origin, child.node, child.key_node)
    if isinstance(parent.data, dict):
        parent.data[token] = copy
    elif isinstance(parent.data, list):
        parent.data[int(token)] = copy
    return copy


def _child(cur: Value, token: str, where: str) -> Value | None:
    m = cur.mapping
    if m is not None:
        return m.get(token)
    items = cur.data if isinstance(cur.data, list) else None
    if items is None:
        raise PatchError(f"`{where or '/'}` is a value, not a mapping or list")
    index = _index(token, where, items)
    if not 0 <= index < len(items):
        raise PatchError(f"`{where or '/'}` has {len(items)} item(s), no index {token}")
    return items[index]


def _index(token: str, where: str, items: list[Value]) -> int:
    try:
        return int(token)
    except ValueError:
        raise PatchError(f"`{where or '/'}` is a list ({len(items)} item(s)); `{token}` is not an index") from None


def _perform(root: Value, patch: Patch) -> None:
    op = patch.op
    if op in ("move", "copy"):
        if patch.from_ is None:
            raise PatchError(f"`{op}` needs `from`")
        source, key = _container(root, patch.from_)
        value = _get(source, key, patch.from_, missing_ok=True)
        if op == "move":
            _remove(source, key, patch.from_)
        target, tkey = _container(root, patch.path)
        origin = patch.origin or root.origin
        _set(target, tkey, copy_value(value, origin) if value is not None else Value(None, origin), patch.path)
        return
    container, key = _container(root, patch.path)
    value = patch.value or Value(None, patch.origin or root.origin)
    if op == "add":
        _add(container, key, value, patch.path)
    elif op == "remove":
        _remove(container, key, patch.path)
    elif op == "replace":
        _get(container, key, patch.path)  # must exist
        _set(container, key, value, patch.path)
    else:  # test
        current = _get(container, key, patch.path, missing_ok=True)
        expected = patch.value.plain() if patch.value is not None else None
        if (current.plain() if current is not None else None) != expected:
            raise PatchError(f"test failed at `{patch.path}`")


def _parent_label(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def _get(container: Value, key: str, path: str, missing_ok: bool = False) -> Value | None:
    m = container.mapping
    if m is not None:
        if key not in m and not missing_ok:
            raise PatchError(f"no `{key}` under `{_parent_label(path)}`")
        return m.get(key)
    items = container.items
    index = _index(key, _parent_label(path), items)
    if not 0 <= index < len(items):
        raise PatchError(f"`{_parent_label(path)}` has {len(items)} item(s), no index {key}")
    return items[index]


def _set(container: Value, key: str, value: Value, path: str) -> None:
    m = container.mapping
    if m is not None:
        m[key] = value
        return
    items = container.data
    assert isinstance(items, list)
    index = _index(key, _parent_label(path), items)
    if index < 0:
        raise PatchError(f"`{_parent_label(path)}` has no index {key}")
    while len(items) <= index:  # the library grows the list
        items.append(Value(None, value.origin))
    items[index] = value


def _add(container: Value, key: str, value: Value, path: str) -> None:
    m = container.mapping
    if m is not None:
        m[key] = value
        return
    items = container.data
    assert isinstance(items, list)
    if key == "-":
        items.append(value)
        return
    index = _index(key, _parent_label(path), items)
    if not 0 <= index <= len(items):
        raise PatchError(f"`{_parent_label(path)}` has {len(items)} item(s), cannot add at index {key}")
    items.insert(index, value)


def _remove(container: Value, key: str, path: str) -> None:
    m = container.mapping
    if m is not None:
        if key not in m:
            raise PatchError(f"no `{key}` under `{_parent_label(path)}` to remove")
        del m[key]
        return
    items = container.data
    assert isinstance(items, list)
    index = _index(key, _parent_label(path), items)
    if not 0 <= index < len(items):
        raise PatchError(f"`{_parent_label(path)}` has {len(items)} item(s), no index {key}")
    del items[index]


def _expand(root: Value, path: str) -> list[str]:
    """The plain paths a path with `key=value` steps stands for."""
    routes: dict[str, Value | None] = {"": root}
    for raw in path[1:].split("/") if path.startswith("/") else []:
        token = decode(raw)
        found: dict[str, Value | None] = {}
        for prefix, value in routes.items():
            if token == "-":
                found = {f"{p}/-": v for p, v in routes.items()}
                break
            if token.count("=") == 1:
                k, want = token.split("=")
                hits = _find_all(prefix, k, want, value)
                if hits:
                    found = hits
                continue
            if value is None or value.is_scalar:
                continue
            if value.mapping is not None:
                child = value.mapping.get(token)
                found[f"{prefix}/{raw}"] = child if child is not None else value
            else:
                try:
                    index = int(token)
                except ValueError:
                    continue
                if 0 <= index < len(value.items):
                    found[f"{prefix}/{raw}"] = value.items[index]
        routes = found
    return list(routes)


def _find_all(prefix: str, key: str, want: str, value: Value | None) -> dict[str, Value | None]:
    if value is None or value.is_scalar:
        return {}
    own = value.get(key)
    if own is not None and isinstance(own.data, str) and own.data == want:
        return {prefix: value}
    out: dict[str, Value | None] = {}
    if value.mapping is not None:
        for k, child in value.mapping.items():
            out.update(_find_all(f"{prefix}/{k}", key, want, child))
    else:
        for i, child in enumerate(value.items):
            out.update(_find_all(f"{prefix}/{i}", key, want, child))
    return out
