"""Validate one YAML document against the schema of its own apiVersion.

Reads values the way skaffold's Go decoder (yaml.v3, strict) does:
- any plain scalar is accepted where a string is expected (`DEBUG: 1`, `on`);
- YAML 1.1 booleans (`yes`, `on`...) are accepted where a boolean is expected;
- a key with an empty value (`docker:`) is an empty object/list, as in Go;
- top-level keys starting with `.` hold anchors and are ignored;
- unknown keys are errors (skaffold decodes with KnownFields).
One-of groups (an artifact's builder...) give one message about the keys the
user wrote, never a cascade of "not valid under any of the given schemas".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from skaffold_ls.core.findings import Finding, Range, Severity
from skaffold_ls.core.yamldoc import Alias, Mapping, Node, Scalar, Sequence, YamlDocument, merged_pairs
from skaffold_ls.schema.changes import DEPRECATED_IN_PLACE, MOVES
from skaffold_ls.schema.model import Definition, TypeSpec, VersionSchema
from skaffold_ls.schema.store import SchemaStore
from skaffold_ls.schema.versions import PREFIX, nearest, sort_key

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")
_BOOLS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"])

# Human names for the one-of groups skaffold documents.
_GROUP_NAMES = {
    "Artifact": ("an artifact", "builder"),
    "BuildConfig": ("`build`", "build environment"),
    "TaggerComponent": ("a tagger component", "tagger"),
    "DeployConfig": ("`deploy`", "deployer"),
    "HelmImageStrategy": ("`imageStrategy`", "strategy"),
}

MAX_VISITS = 500_000
GO_INT_MIN, GO_INT_MAX = -(2**63), 2**63 - 1


def go_int(text: str) -> int | None:
    """The integer yaml.v3 reads from a plain scalar (`_` separators, 0x and 0o prefixes), or None."""
    if not _INT.match(text):
        return None
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    base = 16 if digits[:2] in ("0x", "0X") else 8 if digits[:2] == "0o" else 10
    return sign * int(digits[2:] if base != 10 else digits, base)


def fits_go_int(text: str) -> bool:
    """Whether a Go `int` field (64-bit) can hold the number: yaml.v3 fails the whole decode
    when it cannot (a 20-digit port, say)."""
    n = go_int(text)
    return n is None or GO_INT_MIN <= n <= GO_INT_MAX


@dataclass(slots=True)
class ValidationOptions:
    outdated_api_version: bool = True  # a hint (style and currency) naming the latest version


@dataclass(slots=True)
class DocumentSchema:
    """The outcome of looking at a document's apiVersion."""

    version: str | None
    schema: VersionSchema | None
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class DocumentInfo:
    """A document of the file with the schema of its apiVersion."""

    document: YamlDocument
    schema: DocumentSchema
    aliases_refused: bool = False  # an alias bomb: no plain data is built from it


def document_schema(doc: YamlDocument, store: SchemaStore, options: ValidationOptions) -> DocumentSchema:
    root = doc.root_mapping()
    findings: list[Finding] = []
    if root is None:
        if doc.root is None or (isinstance(doc.root, Scalar) and doc.root.is_null):
            return DocumentSchema(None, None)  # an empty document: nothing to say
        findings.append(Finding("not-a-mapping", Severity.ERROR,
                                "a skaffold config is a mapping (`apiVersion: ...`, `kind: Config`, ...)",
                                doc.root.range))
        return DocumentSchema(None, None, findings)
    known = store.known_versions()
    latest = known[-1]
    pair = root.pair("apiVersion")
    if pair is None:
        findings.append(Finding(
            "missing-api-version", Severity.ERROR,
            f"missing `apiVersion`; the latest is `{latest}` (known: {_summary(known)})",
            _first_line(root), {"latest": latest}))
        return DocumentSchema(None, None, findings)
    value = pair.value
    if not isinstance(value, Scalar) or value.is_null:
        findings.append(Finding("missing-api-version", Severity.ERROR,
                                f"`apiVersion` needs a value such as `{latest}`", pair.key.range, {"latest": latest}))
        return DocumentSchema(None, None, findings)
    version = value.value.strip()
    schema = store.get(version)
    if schema is None:
        near = nearest(version, known) if version.startswith(PREFIX) else []
        hint = f"nearest known: {', '.join(near)}" if near else f"known: {_summary(known)}"
        if not version.startswith(PREFIX):
            msg = f"unknown apiVersion `{version}`: skaffold configs use `skaffold/<version>`, latest `{latest}`"
        else:
            msg = f"unknown apiVersion `{version}` ({hint}; latest `{latest}`)"
        error = store.override_errors.get(version)
        if error:
            msg = f"schema for `{version}` could not be read: {error}"
        findings.append(Finding("unknown-api-version", Severity.ERROR, msg, value.range,
                                {"nearest": near, "latest": latest}))
        return DocumentSchema(version, None, findings)
    if options.outdated_api_version and sort_key(version) < sort_key(latest):
        findings.append(Finding(
            "outdated-api-version", Severity.HINT,
            f"`{version}` is not the latest apiVersion; `{latest}` is "
            "(the upgrade code action rewrites the file and keeps your comments)",
            value.range, {"latest": latest, "version": version}))
    kind = root.pair("kind")
    if kind is None:
        findings.append(Finding("missing-kind", Severity.ERROR, "missing `kind: Config`",
                                _first_line(root)))
    elif not (isinstance(kind.value, Scalar) and kind.value.value == "Config"):
        shown = kind.value.value if isinstance(kind.value, Scalar) else "a " + _node_kind(kind.value)
        findings.append(Finding("unknown-kind", Severity.ERROR,
                                f"unknown kind `{shown}`: skaffold configs are `kind: Config`",
                                kind.value.range if isinstance(kind.value, Scalar) else kind.key.range))
    return DocumentSchema(version, schema, findings)


def validate_document(doc: YamlDocument, store: SchemaStore,
                      options: ValidationOptions | None = None,
                      follow_aliases: bool = True) -> tuple[DocumentSchema, list[Finding]]:
    """Findings for one document: apiVersion/kind, then the schema of that version."""
    options = options or ValidationOptions()
    ds = document_schema(doc, store, options)
    findings = list(ds.findings)
    if ds.schema is not None and doc.root is not None:
        v = _Validator(ds.schema, store, follow_aliases)
        root_def = ds.schema.definitions[ds.schema.root]
        v.check_object(doc.root, root_def, [], top_level=True)
        findings.extend(v.findings)
    return ds, findings


class _Validator:
    def __init__(self, schema: VersionSchema, store: SchemaStore, follow_aliases: bool):
        self.schema = schema
        self.store = store
        self.follow_aliases = follow_aliases
        self.findings: list[Finding] = []
        self.visits = 0
        self._alias_seen: set[tuple[int, str]] = set()

    def add(self, code: str, severity: Severity, message: str, rng: Range, data: dict | None = None) -> None:
        self.findings.append(Finding(code, severity, message, rng, data))

    # -- dispatch -----------------------------------------------------------

    def check(self, node: Node, spec: TypeSpec, path: list[str | int]) -> None:
        self.visits += 1
        if self.visits > MAX_VISITS:
            return
        if isinstance(node, Alias):
            target = node.target
            if target is None or not self.follow_aliases:
                return
            seen = (id(target), repr(spec))
            if seen in self._alias_seen:
                return  # the same anchor checked against the same type: once is enough
            self._alias_seen.add(seen)
            self.check(target, spec, path)
            return
        kind = spec.kind
        if kind == "any":
            return
        if kind == "ref":
            resolved = self.schema.resolve(spec)
            if isinstance(resolved, Definition):
                self.check_object(node, resolved, path)
            else:
                self.check(node, resolved, path)
            return
        if isinstance(node, Scalar) and node.is_null:
            return  # `key:` with no value is the zero value in Go
        if kind in ("string", "integer", "number", "boolean"):
            self.check_scalar(node, spec, path)
        elif kind == "array":
            if not isinstance(node, Sequence):
                self.type_error(node, spec, path)
                return
            assert spec.items is not None
            for i, item in enumerate(node.items):
                self.check(item, spec.items, [*path, i])
        elif kind in ("map", "object"):
            if not isinstance(node, Mapping):
                self.type_error(node, spec, path)
                return
            if kind == "map" and spec.items is not None:
                for p in merged_pairs(node):
                    key = p.key.value if isinstance(p.key, Scalar) else "?"
                    self.check(p.value, spec.items, [*path, key])
        elif kind == "union":
            for option in spec.options:
                probe = _Validator(self.schema, self.store, self.follow_aliases)
                probe.check(node, option, path)
                if not probe.findings:
                    return
            self.type_error(node, spec, path)

    def check_scalar(self, node: Node, spec: TypeSpec, path: list[str | int]) -> None:
        if not isinstance(node, Scalar):
            self.type_error(node, spec, path)
            return
        value, plain = node.value, node.is_plain
        ok = True
        if spec.kind == "integer":
            ok = plain and bool(_INT.match(value))
        elif spec.kind == "number":
            ok = plain and bool(_INT.match(value) or _FLOAT.match(value))
        elif spec.kind == "boolean":
            ok = plain and value in _BOOLS
        if not ok:
            self.type_error(node, spec, path)
            return
        if spec.kind == "integer" and not fits_go_int(value):
            shown = value if len(value) <= 40 else value[:37] + "..."
            self.add("number-out-of-range", Severity.ERROR,
                     f"`{_label(path)}` is {shown}, more than a 64-bit integer holds: skaffold (Go's yaml "
                     "decoder) refuses to load the config", node.range, {"value": value})
            return
        if spec.enum is not None and value not in spec.enum:
            allowed = ", ".join(f"`{e}`" for e in spec.enum)
            guess = difflib.get_close_matches(value, list(spec.enum), n=1, cutoff=0.5)
            msg = f"`{_label(path)}` must be one of {allowed}; got `{value}`"
            if guess:
                msg += f". Did you mean `{guess[0]}`?"
            self.add("invalid-enum", Severity.ERROR, msg, node.range,
                     {"allowed": list(spec.enum), "suggestion": guess[0] if guess else None})

    def type_error(self, node: Node, spec: TypeSpec, path: list[str | int]) -> None:
        expected = spec.describe()
        if spec.kind == "ref":
            expected = "mapping"
        got = _node_kind(node)
        if isinstance(node, Scalar):
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            got = f"`{shown}`" if node.is_plain else f"the quoted string `{shown}`"
        self.add("wrong-type", Severity.ERROR, f"`{_label(path)}` must be a {expected}, not {got}",
                 node.range, {"expected": expected})

    # -- objects --------------------------------------------------------------

    def check_object(self, node: Node, d: Definition, path: list[str | int], top_level: bool = False) -> None:
        if isinstance(node, Alias):
            self.check(node, TypeSpec("ref", ref=d.name), path)
            return
        if isinstance(node, Scalar) and node.is_null:
            return
        if not isinstance(node, Mapping):
            self.type_error(node, TypeSpec("ref", ref=d.name), path)
            return
        pairs = merged_pairs(node)
        present: dict[str, Scalar] = {}
        for p in pairs:
            key = p.key
            if not isinstance(key, Scalar):
                self.add("invalid-key", Severity.ERROR, "keys must be plain names", key.range)
                continue
            name = key.value
            if top_level and name.startswith("."):
                continue  # anchor holders: skaffold strips them before parsing
            spec = d.properties.get(name)
            if spec is None:
                if isinstance(d.additional, TypeSpec):
                    self.check(p.value, d.additional, [*path, name])
                    continue
                if d.additional is None or d.additional is True:
                    continue
                self.unknown_key(key, d, path)
                continue
            present.setdefault(name, key)
            self.check(p.value, spec, [*path, name])
            moved = DEPRECATED_IN_PLACE.get((d.name, name))
            if moved is not None and sort_key(self.schema.version) >= sort_key(moved.since):
                self.add("deprecated-field", Severity.WARNING,
                         f"`{name}` is {moved.where} since {moved.since}; skaffold still reads it here "
                         "but `skaffold fix` moves it", key.range,
                         {"definition": d.name, "property": name, "since": moved.since})
        for name in d.required:
            if name not in present:
                self.add("missing-required", Severity.ERROR,
                         f"missing required key `{name}` in `{_label(path) or 'the config'}`",
                         _first_line(node), {"key": name, "path": path})
        if d.alternatives:
            self.check_one_of(d, present, path)

    def check_one_of(self, d: Definition, present: dict[str, Scalar], path: list[str | int]) -> None:
        chosen: list[tuple[tuple[str, ...], Scalar]] = []
        for alt in d.alternatives:
            keys = [present[k] for k in alt if k in present]
            if keys:
                chosen.append((alt, keys[0]))
        if len(chosen) < 2:
            return
        what, member = _GROUP_NAMES.get(d.name, (f"`{_label(path)}`", "option"))
        names = [f"`{c[1].value}`" for c in chosen]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        for _alt, key in chosen[1:]:
            self.add("one-of-conflict", Severity.ERROR,
                     f"{what} takes one {member}, but {listed} are all set "
                     f"(at `{_label(path)}`); keep one",
                     key.range, {"keys": [c[1].value for c in chosen], "group": d.name})

    def unknown_key(self, key: Scalar, d: Definition, path: list[str | int]) -> None:
        name = key.value
        where = f"`{_label(path)}`" if path else "the top level"
        data: dict = {"key": name, "definition": d.name, "path": path}
        move = MOVES.get((d.name, name))
        history = self.store.property_history(d.name, name)
        this = self.schema.version
        if move is not None and sort_key(this) >= sort_key(move.since):
            data.update(since=move.since, moved=move.where)
            self.add("removed-field", Severity.ERROR,
                     f"`{name}` is not in {this} {where}: {move.where} in {move.since}",
                     key.range, data)
            return
        if history.versions and this not in history.versions:
            first, last = history.first or "", history.last or ""
            if sort_key(first) > sort_key(this):
                msg = (f"`{name}` is not available in {this} {where}: it was added in {first}; "
                       f"upgrade the apiVersion to use it")
                data.update(added=first)
            else:
                after = _next_version(self.store, last)
                msg = f"`{name}` is not in {this} {where}: it was removed in {after or 'a later version'}"
                data.update(removed=after)
                guess = difflib.get_close_matches(name, list(d.properties), n=1, cutoff=0.6)
                if guess:
                    msg += f". Did you mean `{guess[0]}`?"
                    data["suggestion"] = guess[0]
            self.add("removed-field" if "removed" in data else "field-not-yet-available", Severity.ERROR,
                     msg, key.range, data)
            return
        candidates = list(d.properties)
        guess = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if not guess:
            lowered = {c.lower(): c for c in candidates}
            if name.lower() in lowered:
                guess = [lowered[name.lower()]]
        msg = f"unknown key `{name}` in {where}"
        if guess:
            msg += f". Did you mean `{guess[0]}`?"
            data["suggestion"] = guess[0]
        elif len(candidates) <= 12:
            msg += f" (allowed: {', '.join(candidates)})"
        self.add("unknown-key", Severity.ERROR, msg, key.range, data)


def _next_version(store: SchemaStore, version: str) -> str | None:
    versions = store.model.versions
    try:
        i = versions.index(version)
    except ValueError:
        return None
    return versions[i + 1] if i + 1 < len(versions) else None


def _label(path: list[str | int]) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + step
    return out


def _node_kind(node: Node) -> str:
    if isinstance(node, Mapping):
        return "mapping"
    if isinstance(node, Sequence):
        return "list"
    if isinstance(node, Alias):
        return "alias"
    return "scalar"


def _first_line(node: Node) -> Range:
    """The first key of a mapping (or the node's first line): where a 'missing key' is shown."""
    if isinstance(node, Mapping) and node.pairs:
        return node.pairs[0].key.range
    end_col = node.end.col if node.end.line == node.start.line else node.start.col + 1
    return Range(node.start, type(node.start)(node.start.line, max(end_col, node.start.col + 1)))


def _summary(known: list[str]) -> str:
    if len(known) <= 6:
        return ", ".join(known)
    return f"{known[0]} … {known[-1]}, {len(known)} versions"
