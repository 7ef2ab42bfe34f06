"""Profiles: patches that do not apply, activations that do not say what they mean, and
manifests that only some commands get.

Errors (skaffold refuses the config whenever the profile is active):
- invalid-patch-op: an `op` skaffold's patch library does not know;
- patch-path-unresolved: the patch's `path` (or `from`) does not exist once the profile's
  sections are overlaid (each profile is replayed alone on the config, as `-p name` would).
Warnings:
- invalid-activation-regex, activation-double-negation, activation-negated-env-key:
  activation conditions that cannot match what they say (skaffold's `util.RegexEqual`);
- manifests-only-in-profile: a multi-config project whose config deploys with kubectl but
  has manifests only in profiles some commands never activate: those commands stop with
  "nothing to deploy" (skaffold applies its default `k8s/*.yaml` only to a single config).
Information:
- profile-always-active: an activation OR-ed with its own negation.
"""

from __future__ import annotations

import re

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.activation import describe_activation, go_regexp_error, profiles_of, regex_equal
from skaffold_ls.config.artifacts import artifacts_of
from skaffold_ls.config.patches import OPS
from skaffold_ls.config.sources import ConfigDocument
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Finding, Severity

_ARTIFACT_STEP = re.compile(r"^/build/artifacts/(\d+)/([^/]+)")


def check_patches(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        profiles = dict(profiles_of(doc.value))
        invalid_ops: set[int] = set()
        for name, profile in profiles.items():
            patches = profile.get("patches")
            for item in patches.items if patches else []:
                op = item.get("op")
                if op is not None and op.text not in OPS:
                    invalid_ops.add(id(item))
                    out.append(Finding(
                        "invalid-patch-op", Severity.ERROR,
                        f"unknown patch op `{op.text}`; skaffold knows {', '.join(OPS)} (profile `{name}` cannot load)",
                        op.range, {"allowed": list(OPS)}))
        for view in ctx.view.profile_views(doc):
            when = describe_activation(profiles[view.name]) if view.name in profiles else ""
            for problem in view.problems:
                if problem.range is None:
                    continue
                if any(id(i) in invalid_ops for i in _patch_items(profiles.get(view.name))
                       if i.range.start.line <= problem.range.start.line <= i.range.end.line):
                    continue
                out.append(Finding(
                    "patch-path-unresolved", Severity.ERROR,
                    f"{problem.message}{_artifact_hint(doc.value, problem.message)}. skaffold refuses to load the "
                    f"config whenever profile `{view.name}` is active, and it is {when}",
                    problem.range, {"profile": view.name}))
    return out


def _patch_items(profile: Value | None) -> list[Value]:
    patches = profile.get("patches") if profile is not None else None
    return patches.items if patches else []


def _artifact_hint(config: Value, message: str) -> str:
    """For a patch into build.artifacts[i]: which artifact index i is, and which has the key."""
    m = re.search(r"invalid path: (\S+)`", message)
    if m is None:
        return ""
    step = _ARTIFACT_STEP.match(m.group(1))
    if step is None:
        return ""
    index, key = int(step.group(1)), step.group(2)
    arts = artifacts_of(config, None)
    if index >= len(arts):
        return ""  # the message already says how many there are
    hint = f" (artifact {index} is `{arts[index].image}`"
    having = [a for a in arts if a.value.get(key) is not None]
    if having:
        hint += "; " + ", ".join(f"`{a.image}` (index {a.index})" for a in having[:3]) + f" has `{key}`"
    return hint + ")"


# ---------------------------------------------------------------------------
# Activation conditions


def check_activation(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        for _name, profile in profiles_of(doc.value):
            out.extend(_activation_findings(profile))
    return out


def _activation_findings(profile: Value) -> list[Finding]:
    out: list[Finding] = []
    entries = profile.get("activation")
    conditions: dict[tuple[str, str, bool], Value] = {}
    for entry in entries.items if entries else []:
        keys = [k for k in ("env", "kubeContext", "command") if entry.get(k) is not None]
        for key in keys:
            node = entry.get(key)
            assert node is not None
            value = node.text
            if not value:
                continue
            if key == "env":
                if "=" not in value:
                    continue  # skaffold's own error: the loader reports it
                var, value = value.split("=", 1)
                if var.startswith("!"):
                    out.append(Finding(
                        "activation-negated-env-key", Severity.WARNING,
                        f"`{node.text}` tests a variable named `{var}`, which is never set: skaffold negates the "
                        f"value, so write `{var[1:]}=!{value}`", node.range, {"suggestion": f"{var[1:]}=!{value}"}))
                    continue
                if value == "":
                    continue
            out.extend(_value_findings(key, value, node))
            if len(keys) == 1:
                negated = value.startswith("!") and not value.startswith("!!")
                bare = value[1:] if negated else value
                prefix = (node.text or "").split("=", 1)[0] + "=" if key == "env" else ""
                conditions[(key, prefix + bare, negated)] = node
    requires_all = profile.get("requiresAllActivations")
    if requires_all is not None and requires_all.data is True:
        return out
    for (key, bare, negated), node in conditions.items():
        if not negated and (key, bare, True) in conditions:
            out.append(Finding(
                "profile-always-active", Severity.INFORMATION,
                f"this profile is activated by `{node.text}` or by its negation: it is always active "
                "(use `requiresAllActivations`, or drop one)", node.range))
    return out


def _value_findings(key: str, value: str, node: Value) -> list[Finding]:
    if value.startswith("!!"):
        return [Finding(
            "activation-double-negation", Severity.WARNING,
            f"`{value}`: skaffold strips one `!`, so this means \"does not match `{value[1:]}`\", which is true "
            f"almost always: the profile is active for nearly every {'command' if key == 'command' else key}",
            node.range, {"suggestion": value[2:]})]
    pattern = value[1:] if value.startswith("!") else value
    err = go_regexp_error(pattern)
    if err is not None:
        return [Finding(
            "invalid-activation-regex", Severity.WARNING,
            f"`{pattern}` is not a valid regex ({err}); skaffold then only activates the profile on an exact "
            "string match", node.range, {"pattern": pattern})]
    return []


# ---------------------------------------------------------------------------
# Manifests only some commands get

COMMANDS = ("dev", "debug", "run", "render", "deploy")
DEPLOYING = ("debug", "run", "deploy")  # the commands that deploy and would stop (dev is the usual one covered)


def check_manifests_only_in_profiles(ctx: CheckContext) -> list[Finding]:
    if not ctx.on_disk():
        return []
    out: list[Finding] = []
    for doc in ctx.configs():
        finding = _manifests_only_in_profiles(ctx, doc)
        if finding is not None:
            out.append(finding)
    return out


def _has_manifests(config: Value) -> bool:
    return any(config.at(*p) is not None for p in (
        ("manifests", "rawYaml"), ("manifests", "kustomize"), ("manifests", "helm"), ("manifests", "kpt"),
        ("manifests", "remoteManifests"), ("deploy", "kubectl", "manifests"), ("deploy", "kustomize"),
        ("deploy", "helm")))


def _manifests_only_in_profiles(ctx: CheckContext, doc: ConfigDocument) -> Finding | None:
    config = doc.value
    assert config is not None
    kubectl = config.at("deploy", "kubectl")
    if kubectl is None or _has_manifests(config):
        return None
    multi = len(ctx.view.load().configs) > 1 or bool(ctx.view.parents())
    if not multi:
        return None  # a single config gets skaffold's default `k8s/*.yaml`
    with_manifests = [v.name for v in ctx.view.profile_views(doc) if _has_manifests(v.value)]
    if not with_manifests:
        return None
    profiles = dict(profiles_of(config))
    covered: set[str] = set()
    automatic = []
    for name in with_manifests:
        commands = _commands_activating(profiles[name])
        covered |= commands
        if commands:
            automatic.append(name)
    missed = [c for c in DEPLOYING if c not in covered]
    if not automatic or not missed:
        return None  # every deploying command gets them, or none without -p (a deliberate opt-in)
    first = automatic[0]
    shown = " and ".join(f"`skaffold {c}`" for c in missed)
    return Finding(
        "manifests-only-in-profile", Severity.WARNING,
        f"this config deploys with kubectl, but only profiles give it manifests, and `{first}` is "
        f"{describe_activation(profiles[first])}: {shown} stop with \"nothing to deploy\" (skaffold's default "
        f"`k8s/*.yaml` applies only to a single config) unless run with `-p {first}`; add those commands to its "
        "activation to make them work", kubectl.key_range, {"profiles": with_manifests, "commands": missed})


def _commands_activating(profile: Value) -> set[str]:
    """The commands (of COMMANDS) under which the profile activates by itself, env and kube
    context aside (they depend on where skaffold runs)."""
    out: set[str] = set()
    entries = profile.get("activation")
    for entry in entries.items if entries else []:
        command = entry.text_at("command")
        out |= {c for c in COMMANDS if command is None or regex_equal(command, c)}
    return out
