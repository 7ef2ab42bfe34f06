"""Which profiles skaffold activates, and why (or why not).

skaffold (`pkg/skaffold/schema/profiles.go`, `activatedProfiles`):
- profiles whose `activation` is triggered come first, in the order the file lists them
  (auto-activation can be turned off with `--profile-auto-activation=false`);
- then the profiles named with `-p`, in that order, that the config defines and that are
  not already active; `-p -name` deactivates `name`;
- an activation entry is triggered when all its conditions hold: `env: KEY=VALUE`
  (VALUE an unanchored Go regexp matched against the variable; an empty VALUE means
  "unset or empty"), `kubeContext` (regexp against `--kube-context`, else the current
  context in kubeconfig), `command` (regexp against the skaffold command);
- a profile is activated when any entry is triggered, or all of them with
  `requiresAllActivations`;
- matching (`util.RegexEqual`): exact equality first, then the regexp; a leading `!`
  negates; an invalid regexp matches nothing.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from skaffold_ls.config.values import Value


@dataclass(frozen=True, slots=True)
class RunContext:
    """What skaffold is run with: the facts profile activation depends on."""

    command: str = "dev"
    env: Mapping[str, str] = field(default_factory=dict)
    kube_context: str | None = None  # --kube-context, else kubeconfig's current context; None: unknown
    kube_context_from: str = "kubeconfig"  # where kube_context came from ("--kube-context", "kubeconfig")
    auto_activation: bool = True


@dataclass(frozen=True, slots=True)
class ProfileState:
    """One profile of one config: whether it is active, and why in words."""

    name: str
    active: bool
    reason: str
    by_kube_context: bool = False  # activated through a kubeContext condition


class ActivationError(Exception):
    """skaffold refuses the activation itself (e.g. `env` without `=`)."""


# ---------------------------------------------------------------------------
# Go regexps


# RE2 rejects these although Python accepts them.
_RE2_UNSUPPORTED = [
    (re.compile(r"\(\?<?[=!]"), "lookaround assertions (`(?=`, `(?!`, `(?<=`, `(?<!`)"),
    (re.compile(r"\\[1-9]"), "backreferences (`\\1`)"),
    (re.compile(r"\(\?>"), "atomic groups (`(?>`)"),
    (re.compile(r"(?<!\\)[*+?]\+"), "possessive quantifiers (`*+`, `++`)"),
    (re.compile(r"\(\?\("), "conditionals (`(?(`)"),
    (re.compile(r"\\Z"), "`\\Z` (RE2 spells it `\\z`)"),
]


def go_regexp_error(pattern: str) -> str | None:
    """Why Go's regexp (RE2) would reject `pattern`, as far as we can tell; None if it compiles."""
    plain = re.sub(r"\\[pP]\{[^}]*\}", "x", pattern.replace("\\\\", ""))
    for rx, what in _RE2_UNSUPPORTED:
        if rx.search(plain):
            return f"Go regexps do not support {what}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(python_pattern(pattern))
    except re.error as e:
        return str(e)
    return None


def python_pattern(p: str) -> str:
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


def regex_equal(expected: str, actual: str) -> bool:
    """skaffold's `util.RegexEqual`."""
    if expected.startswith("!"):
        return not _regex_match(expected[1:], actual)
    return _regex_match(expected, actual)


def _regex_match(expected: str, actual: str) -> bool:
    if actual == expected:
        return True
    if go_regexp_error(expected) is not None:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.search(python_pattern(expected), actual) is not None
    except re.error:
        return False


# ---------------------------------------------------------------------------
# Activation


def profiles_of(config: Value) -> list[tuple[str, Value]]:
    """(name, profile) for each named profile, in file order."""
    profiles = config.get("profiles")
    return [(name, item) for item in (profiles.items if profiles else []) if (name := item.text_at("name"))]


def activated(config: Value, named: Sequence[tuple[str, str]], run: RunContext) -> tuple[list[str], list[ProfileState]]:
    """The profiles skaffold applies to `config`, in order, and every profile's state.

    `named` pairs each profile skaffold is asked for with why it is asked: `-p` for a
    root config, the requiring config's `activeProfiles` (and propagated `-p`) for a
    dependency; `-name` deactivates. Names the config does not define are skipped, as
    skaffold does. Raises ActivationError where skaffold itself fails.
    """
    profiles = profiles_of(config)
    names = [n for n, _ in profiles]
    active: list[str] = []
    reasons: dict[str, str] = {}
    by_context: set[str] = set()
    for name, profile in profiles:
        if not run.auto_activation:
            reasons[name] = "auto-activation is off"
            continue
        hit, why, through_context = _auto(profile, run)
        reasons[name] = why
        if hit:
            active.append(name)
            if through_context:
                by_context.add(name)
    for name, why in named:
        if name.startswith("-"):
            target = name[1:]
            if target in active:
                active.remove(target)
                by_context.discard(target)
            reasons[target] = f"deactivated ({why})"
        elif name in names and name not in active:
            active.append(name)
            reasons[name] = why
    states = [ProfileState(n, n in active, reasons.get(n, ""), n in by_context) for n in names]
    return active, states


def _is_true(value: Value | None) -> bool:
    return value is not None and value.data is True


def _activation_entries(profile: Value) -> list[Value]:
    entries = profile.get("activation")
    return [e for e in (entries.items if entries else []) if e.mapping is not None]


def _auto(profile: Value, run: RunContext) -> tuple[bool, str, bool]:
    """(triggered, why, through a kubeContext condition) for one profile."""
    entries = _activation_entries(profile)
    if not entries:
        return False, "no `activation`: only active when named", False
    require_all = _is_true(profile.get("requiresAllActivations"))
    results = [_entry(e, run) for e in entries]
    if require_all:
        if all(ok for ok, _, _ in results):
            return True, "all activations hold: " + "; ".join(w for _, w, _ in results), any(c for _, _, c in results)
        failed = next(w for ok, w, _ in results if not ok)
        return False, f"requiresAllActivations, and {failed}", False
    for ok, why, ctx in results:
        if ok:
            return True, why, ctx
    return False, "; ".join(w for _, w, _ in results), False


def _entry(entry: Value, run: RunContext) -> tuple[bool, str, bool]:
    """(triggered, why, has a kubeContext condition) for one activation entry."""
    held: list[str] = []
    env = entry.text_at("env")
    if env:
        key, eq, want = env.partition("=")
        if not eq:
            raise ActivationError(f"invalid env variable format: {env}, should be KEY=VALUE")
        actual = run.env.get(key, "")
        ok = actual == "" if want == "" else regex_equal(want, actual)
        shown = f"`{key}` is unset" if key not in run.env else f"`{key}={actual}`"
        if not ok:
            return False, f"env `{env}` does not hold ({shown})", False
        held.append(f"env `{env}` holds ({shown})")
    ctx_pattern = entry.text_at("kubeContext")
    if ctx_pattern:
        if run.kube_context is None:
            return False, f"kubeContext `{ctx_pattern}`: no current kube context", False
        if not regex_equal(ctx_pattern, run.kube_context):
            return False, f"kubeContext `{ctx_pattern}` does not match `{run.kube_context}`", False
        held.append(f"kubeContext `{ctx_pattern}` matches `{run.kube_context}` ({run.kube_context_from})")
    command = entry.text_at("command")
    if command:
        if not regex_equal(command, run.command):
            return False, f"command `{command}` does not match `{run.command}`", False
        held.append(f"on `skaffold {run.command}`" if command == run.command else f"command `{command}` matches `{run.command}`")
    return True, ", ".join(held) or "an empty activation entry always holds", bool(ctx_pattern)


def describe_activation(profile: Value) -> str:
    """When a profile activates by itself, in words (for a code lens and messages):
    `active on skaffold debug`, `active when ENV=prod`, `active in kube context kind-*`, or
    `never active by itself (only with -p)`."""
    entries = _activation_entries(profile)
    if not entries:
        return "never active by itself (only with -p)"
    parts = []
    for e in entries:
        conds = []
        if e.text_at("command"):
            conds.append(_negatable("on `skaffold {}`", "not on `skaffold {}`", e.text_at("command") or ""))
        if e.text_at("env"):
            conds.append(f"when `{e.text_at('env')}`")
        if e.text_at("kubeContext"):
            conds.append(_negatable("in kube context `{}`", "outside kube context `{}`", e.text_at("kubeContext") or ""))
        parts.append(" and ".join(conds) or "always")
    joiner = " and " if _is_true(profile.get("requiresAllActivations")) else " or "
    return "active " + joiner.join(parts)


def _negatable(pos: str, neg: str, value: str) -> str:
    return neg.format(value[1:]) if value.startswith("!") else pos.format(value)
