"""Profile patches: each `op` is one skaffold knows, and each `path` resolves.

skaffold applies a profile's sections over the config, then its JSON patches, and
only fails at run time ("invalid path: ..."). We replay the same on plain data.
"""

from __future__ import annotations

import copy
from typing import Any

from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.yamldoc import AliasBombError, Mapping, Scalar, Sequence, deref, to_python

PATCH_OPS = ("add", "remove", "replace", "move", "copy", "test")
PROFILE_SECTIONS = ("build", "test", "manifests", "deploy", "portForward", "resourceSelector",
                    "verify", "customActions")


class _Unresolved(Exception):
    pass


def check_profile_patches(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for info in ctx.analysis.documents:
        if info.schema.schema is None or info.aliases_refused:
            continue
        root = info.document.root_mapping()
        profiles = deref(root.get("profiles")) if root else None
        if not isinstance(profiles, Sequence):
            continue
        try:
            base = to_python(root)
        except AliasBombError:
            continue
        if not isinstance(base, dict):
            continue
        base.pop("profiles", None)
        for item in profiles.items:
            profile_node = deref(item)
            if not isinstance(profile_node, Mapping):
                continue
            patches = deref(profile_node.get("patches"))
            if not isinstance(patches, Sequence):
                continue
            try:
                profile = to_python(profile_node)
            except AliasBombError:
                continue
            # Copy on write: containers are copied only on the path a patch changes
            # (a deep copy of the whole config per profile was seconds on big files).
            data = overlay(dict(base), profile if isinstance(profile, dict) else {})
            owned = {id(data)}
            for patch_item in patches.items:
                patch_node = deref(patch_item)
                if isinstance(patch_node, Mapping):
                    out.extend(_check_patch(patch_node, data, owned))
    return out


def overlay(config: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """skaffold's profile overlay, simplified: lists and scalars replace, mappings merge."""
    for section in PROFILE_SECTIONS:
        if section in profile and profile[section] not in (None, {}, []):
            config[section] = _merge(config.get(section), profile[section])
    return config


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v)
        return out
    return copy.deepcopy(over)


def _check_patch(node: Mapping, data: Any, owned: set[int] | None = None) -> list[Finding]:
    op_node = deref(node.get("op"))
    path_node = deref(node.get("path"))
    op = op_node.value if isinstance(op_node, Scalar) and not op_node.is_null else "replace"
    if op not in PATCH_OPS:
        rng = op_node.range if op_node is not None else node.range
        return [Finding("invalid-patch-op", Severity.ERROR,
                        f"unknown patch op `{op}`; skaffold knows {', '.join(PATCH_OPS)}",
                        rng, {"allowed": list(PATCH_OPS)})]
    if not isinstance(path_node, Scalar):
        return []
    path = path_node.value
    own = owned if owned is not None else set()
    try:
        if op in ("move", "copy"):
            from_node = deref(node.get("from"))
            if isinstance(from_node, Scalar):
                value = copy.deepcopy(_get(data, _tokens(from_node.value)))
                if op == "move":
                    _remove(data, _tokens(from_node.value), own)
                _add(data, _tokens(path), value, own)
        elif op == "add":
            value_node = node.get("value")
            _add(data, _tokens(path), to_python(value_node) if value_node is not None else None, own)
        elif op == "remove":
            _remove(data, _tokens(path), own)
        else:  # replace, test
            _get(data, _tokens(path))
            if op == "replace":
                value_node = node.get("value")
                _set(data, _tokens(path), to_python(value_node) if value_node is not None else None, own)
    except _Unresolved as e:
        return [Finding("patch-path-unresolved", Severity.WARNING,
                        f"patch path `{path}` does not resolve in this config ({e}); "
                        "skaffold fails with `invalid path` when the profile is activated",
                        path_node.range, {"path": path})]
    return []


def _tokens(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise _Unresolved("a patch path starts with `/`")
    return [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]


def _step(cur: Any, tok: str, where: str) -> Any:
    if isinstance(cur, dict):
        if tok not in cur:
            raise _Unresolved(f"no `{tok}` under `{where or '/'}`")
        return cur[tok]
    if isinstance(cur, list):
        if not tok.isdigit() or int(tok) >= len(cur):
            raise _Unresolved(f"`{where}` has {len(cur)} item(s), no index `{tok}`")
        return cur[int(tok)]
    raise _Unresolved(f"`{where}` is a value, not a mapping or list")


def _get(data: Any, toks: list[str]) -> Any:
    cur = data
    where = ""
    for tok in toks:
        cur = _step(cur, tok, where)
        where += "/" + tok
    return cur


def _parent(data: Any, toks: list[str], owned: set[int]) -> tuple[Any, str]:
    """The container a patch changes, made private to this profile first: every
    container on the way is replaced by a shallow copy unless it already is one."""
    if not toks:
        raise _Unresolved("the whole config cannot be patched")
    cur = data
    where = ""
    for tok in toks[:-1]:
        child = _step(cur, tok, where)
        if isinstance(child, (dict, list)) and id(child) not in owned:
            child = dict(child) if isinstance(child, dict) else list(child)
            owned.add(id(child))
            if isinstance(cur, dict):
                cur[tok] = child
            else:
                cur[int(tok)] = child
        cur = child
        where += "/" + tok
    return cur, toks[-1]


def _add(data: Any, toks: list[str], value: Any, owned: set[int]) -> None:
    parent, last = _parent(data, toks, owned)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif last.isdigit() and int(last) <= len(parent):
            parent.insert(int(last), value)
        else:
            raise _Unresolved(f"list has {len(parent)} item(s), cannot add at `{last}`")
    else:
        raise _Unresolved("parent is a value, not a mapping or list")


def _remove(data: Any, toks: list[str], owned: set[int]) -> None:
    parent, last = _parent(data, toks, owned)
    _step(parent, last, "/".join(toks[:-1]))
    if isinstance(parent, dict):
        del parent[last]
    else:
        del parent[int(last)]


def _set(data: Any, toks: list[str], value: Any, owned: set[int]) -> None:
    parent, last = _parent(data, toks, owned)
    if isinstance(parent, dict):
        parent[last] = value
    else:
        parent[int(last)] = value


CHECKS.append(check_profile_patches)
