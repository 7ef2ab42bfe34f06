"""Profile activation conditions that do not do what they say.

skaffold (`pkg/skaffold/schema/profiles.go`, `util.RegexEqual`) matches `env: KEY=VALUE`
values, `kubeContext` and `command` as unanchored Go RE2 regexes, after an exact-equality
test; a leading `!` on the *value* negates, and exactly one `!` is stripped; an invalid
regex silently falls back to string equality.

Codes:
- invalid-activation-regex (warning): the regex does not compile under RE2 rules;
- activation-double-negation (warning): `!!x` means "does not match `!x`": always true;
- activation-negated-env-key (warning): `!KEY=v` names a variable called `!KEY`, never set;
- profile-always-active (information): one activation and its negation are OR-ed.
"""

from __future__ import annotations

import re
import warnings

from skaffold_ls.checks.common import skaffold_docs
from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.textedit import mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Scalar, deref
from skaffold_ls.model_helpers import config_sections

# RE2 rejects these although Python accepts them.
_RE2_UNSUPPORTED = [
    (re.compile(r"\(\?<?[=!]"), "lookaround assertions (`(?=`, `(?!`, `(?<=`, `(?<!`)"),
    (re.compile(r"\\[1-9]"), "backreferences (`\\1`)"),
    (re.compile(r"\(\?>"), "atomic groups (`(?>`)"),
    (re.compile(r"(?<!\\)[*+?]\+"), "possessive quantifiers (`*+`, `++`)"),
    (re.compile(r"\(\?\("), "conditionals (`(?(`)"),
    (re.compile(r"\\Z"), "`\\Z` (RE2 spells it `\\z`)"),
]


def re2_error(pattern: str) -> str | None:
    """Why RE2 (Go's regexp) would reject `pattern`, as far as we can tell; None if it compiles."""
    for rx, what in _RE2_UNSUPPORTED:
        if rx.search(_strip_escaped_backslashes(pattern)):
            return f"Go regexps do not support {what}"
    py = _to_python(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(py)
    except re.error as e:
        return str(e)
    return None


def _strip_escaped_backslashes(p: str) -> str:
    p = p.replace("\\\\", "")
    return re.sub(r"\\[pP]\{[^}]*\}", "x", p)


def _to_python(p: str) -> str:
    """Rewrite RE2-only syntax Python's `re` lacks, so a Python error means a real error."""
    p = re.sub(r"\\Q(.*?)(\\E|$)", lambda m: re.escape(m.group(1)), p)
    p = re.sub(r"\\[pP](\{\^?[A-Za-z_]+\}|[A-Za-z])", ".", p)
    p = p.replace("\\z", "\\Z")
    p = re.sub(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>", r"(?P<\1>", p)
    p = re.sub(r"\[:\^?[a-z]+:\]", "a", p)
    p = re.sub(r"\(\?([imsU]+)\)", lambda m: "(?" + m.group(1).replace("U", "") + ")" if m.group(1) != "U" else "",
               p)
    p = re.sub(r"\(\?([imsU]*)-([imsU]+)\)", "", p)
    return p


def check_activation(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in skaffold_docs(ctx):
        root = doc.root_mapping()
        if root is None:
            continue
        for section, cfg in config_sections(root):
            if not section:
                continue
            acts = sequence_of(cfg.get("activation"))
            conditions: dict[tuple[str, str, bool], Scalar] = {}
            for item in acts.items if acts else []:
                m = mapping_of(item)
                if m is None:
                    continue
                keys = [k for k in ("env", "kubeContext", "command") if m.pair(k) is not None]
                for key in keys:
                    node = deref(m.get(key))
                    if not isinstance(node, Scalar) or node.is_null or not node.value:
                        continue
                    value = node.value
                    if key == "env":
                        if "=" not in value:
                            continue  # the schema layer does not know; skaffold errors "should be KEY=VALUE"
                        name, value = value.split("=", 1)
                        if name.startswith("!"):
                            out.append(Finding(
                                "activation-negated-env-key", Severity.WARNING,
                                f"`{node.value}` tests a variable named `{name}`, which is never set: skaffold "
                                f"negates the value, so write `{name[1:]}=!{value}`", node.range,
                                {"suggestion": f"{name[1:]}=!{value}"}))
                            continue
                        if value == "":
                            continue
                    out.extend(_check_value(key, value, node))
                    if len(keys) == 1:
                        neg = value.startswith("!") and not value.startswith("!!")
                        base = value[1:] if neg else value
                        ident = (key, (node.value.split("=", 1)[0] + "=" if key == "env" else "") + base, neg)
                        conditions[ident] = node
            requires_all = deref(cfg.get("requiresAllActivations"))
            if isinstance(requires_all, Scalar) and requires_all.value in ("true", "True", "TRUE", "yes", "on"):
                continue
            for (key, base, neg), node in conditions.items():
                if not neg and (key, base, True) in conditions:
                    out.append(Finding(
                        "profile-always-active", Severity.INFORMATION,
                        f"this profile is activated by `{node.value}` or by its negation: it is always active "
                        "(use `requiresAllActivations`, or drop one)", node.range))
    return out


def _check_value(key: str, value: str, node: Scalar) -> list[Finding]:
    if value.startswith("!!"):
        return [Finding(
            "activation-double-negation", Severity.WARNING,
            f"`{value}`: skaffold strips one `!`, so this means \"does not match `{value[1:]}`\", which is true "
            f"almost always: the profile is active for nearly every {'command' if key == 'command' else key}",
            node.range, {"suggestion": value[2:]})]
    pattern = value[1:] if value.startswith("!") else value
    err = re2_error(pattern)
    if err is not None:
        return [Finding(
            "invalid-activation-regex", Severity.WARNING,
            f"`{pattern}` is not a valid regex ({err}); skaffold then only activates the profile on an exact "
            "string match", node.range, {"pattern": pattern})]
    return []


CHECKS.append(check_activation)
