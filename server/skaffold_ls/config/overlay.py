"""How a profile's sections land on the config: skaffold's overlay, field by field.

skaffold (`pkg/skaffold/schema/profiles.go`, `overlayProfileField`) walks its Go types:
- a struct held by value is merged field by field;
- a struct whose first field starts a one-of group (`tagPolicy`, the build
  environment `local`/`googleCloudBuild`/`cluster`) is replaced whole when the profile
  sets any member;
- a pointer, slice or map is replaced when the profile sets it (an empty list counts as
  unset; an empty mapping `{}` is a set pointer and does replace);
- a plain string, int or bool is replaced when the profile's value is not Go's zero
  value ("", 0, false): a profile cannot turn `tolerateFailuresUntilDeadline` off.

The JSON schema does not say which struct fields are pointers, so the few structs held
by value (everything else is a pointer, slice or map) are listed here, from skaffold's
`latest` types. Older apiVersions are upgraded to the latest before profiles apply, and
keep these shapes where they still exist.
"""

from __future__ import annotations

from skaffold_ls.config.values import Origin, Value, copy_value

# Struct fields skaffold holds by value (merged field by field), by path from the config root.
MERGED_STRUCTS: frozenset[tuple[str, ...]] = frozenset({
    ("build",), ("build", "hooks"),
    ("manifests",), ("manifests", "hooks"),
    ("deploy",), ("deploy", "logs"), ("deploy", "logs", "jsonParse"),
    ("resourceSelector",),
})
# Inline one-of groups inside a merged struct: the profile's member replaces the whole group.
ONE_OF_GROUPS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("build",): ("local", "googleCloudBuild", "cluster"),
}
# Structs that are themselves one-of groups: replaced whole when the profile sets any member.
ONE_OF_STRUCTS: frozenset[tuple[str, ...]] = frozenset({("build", "tagPolicy")})
# The sections of a profile that overlay the config (skaffold's `Pipeline`).
PROFILE_SECTIONS = ("build", "test", "manifests", "deploy", "portForward", "resourceSelector",
                    "verify", "customActions")
# Scalars skaffold holds as pointers (*bool, *int): set means set, even to false or 0.
POINTER_SCALARS: frozenset[tuple[str, ...]] = frozenset({("deploy", "statusCheck")})


def is_go_zero(value: Value, path: tuple[str, ...]) -> bool:
    """Whether the profile's value leaves the config's in place."""
    data = value.data
    if data is None:
        return True
    if isinstance(data, list):
        return not data
    if isinstance(data, dict):
        return path in MERGED_STRUCTS and not data  # a pointer to {} is set
    if path in POINTER_SCALARS:
        return False
    return data == "" or data is False or (type(data) is int and data == 0)


def overlay_profile(config: Value, profile: Value, name: str) -> Value:
    """The config with the profile's sections overlaid (a new top-level mapping; the
    config's own values are shared, never changed)."""
    base = dict(config.mapping or {})
    sections = profile.mapping or {}
    for section in PROFILE_SECTIONS:
        over = sections.get(section)
        if over is None:
            continue
        merged = _overlay(base.get(section), over, (section,), name)
        if merged is not None:
            base[section] = merged
    return Value(base, config.origin, config.node)


def _overlay(current: Value | None, over: Value, path: tuple[str, ...], name: str) -> Value | None:
    if is_go_zero(over, path):
        return current
    over_map = over.mapping
    if path in ONE_OF_STRUCTS:
        return over if over_map else current
    if path in MERGED_STRUCTS and over_map is not None:
        result = dict(current.mapping or {}) if current is not None and current.mapping is not None else {}
        group = ONE_OF_GROUPS.get(path, ())
        if any(k in over_map and not is_go_zero(over_map[k], (*path, k)) for k in group):
            for k in group:
                result.pop(k, None)
        for key, child in over_map.items():
            merged = _overlay(result.get(key), child, (*path, key), name)
            if merged is not None:
                result[key] = merged
        kept = current if current is not None else over
        return Value(result, kept.origin, kept.node, kept.key_node)
    return over


def attribute(value: Value, profile: str) -> Value:
    """The profile's section as values attributed to the profile (copies: the profile's
    own tree stays as written)."""
    out = copy_value(value)
    for _path, v in out.walk():
        v.origin = Origin(v.origin.file, v.origin.range, profile, v.origin.patch)
    return out
