"""The values skaffold fills in after applying profiles, marked as defaults.

Follows skaffold's `pkg/skaffold/schema/defaults/defaults.go`:
- `set_defaults` is `Set`, which skaffold runs on every config right after its profiles
  (parser/config.go, before a required config's paths are made absolute): the local
  build when no build environment is set, the `gitCommit` tagger, the `container` log
  prefix, helm concurrency 1 (and its release-order checks), each artifact's context
  `.`, sync rules (`infer: ['**/*']`, or `auto` for jib and buildpacks), the docker
  builder when none is set (kaniko under `build.cluster`), each builder's own defaults
  (Dockerfile, kaniko images and timeouts, custom and buildpacks dependencies, the
  buildpacks builder), a dependency's alias, local build concurrency, the Cloud Build
  images, `build.cluster`'s timeout and secrets, each port forward's local port and
  address, each test's context;
- `set_default_renderer_and_deployer` is `SetDefaultRenderer` + `SetDefaultDeployer`
  (`k8s/*.yaml` rendered with rawYaml, deployed with kubectl), which skaffold applies
  only when exactly one config is loaded (cmd/skaffold/app/cmd/runner.go,
  `setDefaultRendererAndDeployer`).

One default needs a cluster's configuration and is not filled in: `build.cluster.namespace`
(skaffold reads the current context's namespace from kubeconfig); a note says so.

The functions change the config they are given in place: pass a copy you own
(`values.copy_value`). Defaults are skaffold's latest; an older apiVersion keeps its own
shape (before skaffold/v3alpha1 the default manifests go to `deploy.kubectl.manifests`,
where skaffold's upgrade takes them from). A value of the wrong type is left alone: the
schema check reports it, and no default is guessed below it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.artifacts import BUILDERS
from skaffold_ls.config.loader import ConfigProblem
from skaffold_ls.config.values import Origin, Value, synthetic
from skaffold_ls.schema.versions import sort_key

DEFAULT = Origin(None, default=True)

# constants.go / kaniko/types.go / defaults.go, skaffold HEAD 359a940c
DEFAULT_DOCKERFILE = "Dockerfile"
DEFAULT_LOG_PREFIX = "container"
DEFAULT_HELM_CONCURRENCY = 1
DEFAULT_LOCAL_CONCURRENCY = 1
DEFAULT_SYNC_INFER = "**/*"
DEFAULT_PROJECT_DESCRIPTOR = "project.toml"
DEFAULT_BUILDPACKS_BUILDER = "gcr.io/buildpacks/builder:v1"
DEFAULT_PORT_FORWARD_ADDRESS = "127.0.0.1"
DEFAULT_MANIFESTS = "k8s/*.yaml"
KANIKO_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("image", "gcr.io/kaniko-project/executor:latest"),
    ("dockerfile", DEFAULT_DOCKERFILE),
    ("initImage", "gcr.io/k8s-skaffold/skaffold-helpers/busybox"),
    ("digestFile", "/dev/termination-log"),
)
KANIKO_POINTER_DEFAULTS: tuple[tuple[str, int], ...] = (("copyMaxRetries", 3),)
KANIKO_COPY_TIMEOUT = "5m"
KANIKO_COMPRESSION_LEVEL = 1
CLOUD_BUILD_IMAGES: tuple[tuple[str, str], ...] = (
    ("dockerImage", "gcr.io/cloud-builders/docker"),
    ("mavenImage", "gcr.io/cloud-builders/mvn"),
    ("gradleImage", "gcr.io/cloud-builders/gradle"),
    ("kanikoImage", "gcr.io/kaniko-project/executor:latest"),
    ("packImage", "gcr.io/k8s-skaffold/pack"),
    ("koImage", "gcr.io/k8s-skaffold/skaffold"),
)
CLUSTER_TIMEOUT = "20m"
CLUSTER_SECRET_MOUNT_PATH = "/secret"
CLUSTER_SECRET_NAME = "kaniko-secret"
CLUSTER_DOCKER_CONFIG_SECRET_NAME = "docker-cfg"
RANDOM_SUFFIX = "<random UUID>"  # skaffold appends a new UUID on each run

BUILD_ENVIRONMENTS = ("local", "googleCloudBuild", "cluster")
TAGGERS = ("gitCommit", "sha256", "envTemplate", "dateTime", "customTemplate", "inputDigest")
DEPLOYERS = ("docker", "helm", "kpt", "kubectl", "cloudrun")
FIRST_V3 = sort_key("skaffold/v3alpha1")  # `manifests` (the renderers) exists from here on


@dataclass(slots=True)
class Defaulted:
    """What filling in the defaults found: skaffold's errors at this stage, and notes."""

    problems: list[ConfigProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def set_defaults(config: Value, file: Path | None = None) -> Defaulted:
    """skaffold's `defaults.Set` on `config` (changed in place)."""
    out = Defaulted()
    top = config.mapping
    if top is None:
        return out
    name = config.text_at("metadata", "name") or ""
    build = _child_map(config, "build")
    deploy = _child_map(config, "deploy")
    if build is not None and not _has_any(build, BUILD_ENVIRONMENTS):
        _put(build, "local", {})
    if build is not None:
        tag_policy = _child_map(build, "tagPolicy")
        if tag_policy is not None and not _has_any(tag_policy, TAGGERS):
            _put(tag_policy, "gitCommit", {})
    if deploy is not None:
        logs = _child_map(deploy, "logs")
        if logs is not None:
            _default_text(logs, "prefix", DEFAULT_LOG_PREFIX)
        helm = deploy.get("helm")
        if helm is not None and helm.mapping is not None:
            _default_missing(helm, "concurrency", DEFAULT_HELM_CONCURRENCY)
            out.problems.extend(_helm_release_graph(helm, file))
    artifacts = build.get("artifacts") if build is not None else None
    cluster = build.get("cluster") if build is not None else None
    for art in artifacts.items if artifacts is not None else []:
        if art.mapping is not None:
            _artifact_defaults(art, cluster is not None)
    if build is not None:
        local = build.get("local")
        if local is not None and local.mapping is not None and artifacts is not None and artifacts.items:
            _default_missing(local, "concurrency", DEFAULT_LOCAL_CONCURRENCY)
        gcb = build.get("googleCloudBuild")
        if gcb is not None and gcb.mapping is not None:
            for key, image in CLOUD_BUILD_IMAGES:
                _default_text(gcb, key, image)
        if cluster is not None and cluster.mapping is not None:
            out.notes.extend(_cluster_defaults(cluster))
    port_forward = top.get("portForward")
    for index, pf in enumerate(port_forward.items if port_forward is not None else []):
        if pf.data is None:
            out.problems.append(ConfigProblem(
                "port-forward-empty",
                f"portForward[{index}] of config with name '{name}' is empty, Please check if it has valid values",
                file, pf.range))
            continue
        if pf.mapping is None:
            continue
        port = pf.get("port")
        local_port = pf.get("localPort")
        if (local_port is None or local_port.data == 0) and port is not None and _is_int(port.data):
            _put(pf, "localPort", port.data)
        _default_text(pf, "address", DEFAULT_PORT_FORWARD_ADDRESS)
    tests = top.get("test")
    for test in tests.items if tests is not None else []:
        if test.mapping is not None:
            _default_text(test, "context", ".")
    _prune_empty(config)
    return out


def set_default_renderer_and_deployer(config: Value, version: str | None = None) -> None:
    """skaffold's `SetDefaultRenderer` and `SetDefaultDeployer` (for a lone config only)."""
    if config.mapping is None:
        return
    if version is not None and version.startswith("skaffold/") and sort_key(version) < FIRST_V3:
        _default_v2_manifests(config)
        _prune_empty(config)
        return
    manifests = _child_map(config, "manifests")
    deploy = _child_map(config, "deploy")
    if manifests is None or deploy is None:
        return
    if not _renders_something(manifests, deploy):
        _put(manifests, "rawYaml", [DEFAULT_MANIFESTS])
    elif _non_empty_list(manifests.get("rawYaml")) and not _non_empty_list(manifests.get("kpt")) \
            and not _has_any(deploy, ("kubectl", "cloudrun")):
        _put(deploy, "kubectl", {})
    if not _has_any(deploy, DEPLOYERS):
        _put(deploy, "kubectl", {})
    _prune_empty(config)


def _renders_something(manifests: Value, deploy: Value) -> bool:
    return (_non_empty_list(manifests.get("kpt")) or _non_empty_list(manifests.get("rawYaml"))
            or _has_any(manifests, ("kustomize", "helm")) or _has_any(deploy, ("helm", "docker", "cloudrun")))


def _default_v2_manifests(config: Value) -> None:
    """Before skaffold/v3alpha1 the upgrade moves `deploy.kubectl.manifests` to `manifests.rawYaml`:
    the default renderer and deployer, in that shape, are `deploy.kubectl.manifests: [k8s/*.yaml]`."""
    deploy = _child_map(config, "deploy")
    if deploy is None or _has_any(deploy, ("kustomize", "helm", "kpt", "docker", "cloudrun")):
        return
    kubectl = deploy.get("kubectl")
    if kubectl is None:
        _put(deploy, "kubectl", {"manifests": [DEFAULT_MANIFESTS]})
    elif kubectl.mapping is not None and not _non_empty_list(kubectl.get("manifests")):
        _put(kubectl, "manifests", [DEFAULT_MANIFESTS])


# ---------------------------------------------------------------------------
# Artifacts


def _artifact_defaults(art: Value, cluster_build: bool) -> None:
    _default_text(art, "context", ".")
    _sync_defaults(art)
    if cluster_build and not _has_any(art, ("custom", "buildpacks")):
        if "kaniko" not in (art.mapping or {}):
            _put(art, "kaniko", {})
    elif not _has_any(art, BUILDERS):
        _put(art, "docker", {})
    builder = next((b for b in ("docker", "kaniko", "custom", "buildpacks") if b in (art.mapping or {})), None)
    spec = art.get(builder) if builder is not None else None
    if spec is not None and spec.mapping is not None:
        if builder == "docker":
            _default_text(spec, "dockerfile", DEFAULT_DOCKERFILE)
        elif builder == "kaniko":
            _kaniko_defaults(spec)
        elif builder == "custom":
            _default_missing(spec, "dependencies", {"paths": ["."]})
        else:
            _buildpacks_defaults(spec)
    requires = art.get("requires")
    for dep in requires.items if requires is not None else []:
        image = dep.text_at("image")
        if dep.mapping is not None and image:
            _default_text(dep, "alias", image)


def _sync_defaults(art: Value) -> None:
    sync = art.get("sync")
    auto_builder = _has_any(art, ("jib", "buildpacks"))
    if sync is None:
        if "buildpacks" in (art.mapping or {}):
            _put(art, "sync", {"auto": True})
        return
    if sync.mapping is None:
        return
    if _non_empty_list(sync.get("manual")) or _non_empty_list(sync.get("infer")) or "auto" in sync.mapping:
        return
    if auto_builder:
        _put(sync, "auto", True)
    else:
        _put(sync, "infer", [DEFAULT_SYNC_INFER])


def _kaniko_defaults(kaniko: Value) -> None:
    for key, default in KANIKO_DEFAULTS:
        _default_text(kaniko, key, default)
    cache = kaniko.get("cache")
    if cache is not None and cache.mapping is not None:
        _default_missing(cache, "cacheRunLayers", True)
    for key, number in KANIKO_POINTER_DEFAULTS:
        _default_missing(kaniko, key, number)
    _default_text(kaniko, "copyTimeout", KANIKO_COPY_TIMEOUT)
    _default_missing(kaniko, "buildContextCompressionLevel", KANIKO_COMPRESSION_LEVEL)


def _buildpacks_defaults(pack: Value) -> None:
    _default_text(pack, "projectDescriptor", DEFAULT_PROJECT_DESCRIPTOR)
    _default_missing(pack, "dependencies", {"paths": ["."]})
    if not pack.text_at("builder") and not _non_empty_list(pack.get("buildpacks")):
        _put(pack, "builder", DEFAULT_BUILDPACKS_BUILDER)
        _put(pack, "trustBuilder", True)


# ---------------------------------------------------------------------------
# Build environments and deployers


def _cluster_defaults(cluster: Value) -> list[str]:
    notes = []
    if not cluster.text_at("namespace"):
        notes.append("`build.cluster.namespace` is not filled in: skaffold uses the current kube context's "
                     "namespace from kubeconfig (else `default`), not looked up here")
    _default_text(cluster, "timeout", CLUSTER_TIMEOUT)
    _default_text(cluster, "pullSecretMountPath", CLUSTER_SECRET_MOUNT_PATH)
    secret_path = cluster.get("pullSecretPath")
    if secret_path is not None and secret_path.text:
        _expand_home(cluster, "pullSecretPath", secret_path)
        random = _is_true(cluster.get("randomPullSecret"))
        _default_text(cluster, "pullSecretName", CLUSTER_SECRET_NAME + (RANDOM_SUFFIX if random else ""))
    docker_config = cluster.get("dockerConfig")
    if docker_config is not None and docker_config.mapping is not None:
        random = _is_true(cluster.get("randomDockerConfigSecret"))
        _default_text(docker_config, "secretName", CLUSTER_DOCKER_CONFIG_SECRET_NAME + (RANDOM_SUFFIX if random else ""))
        path = docker_config.get("path")
        if path is not None and path.text:
            _expand_home(docker_config, "path", path)
    return notes


def _expand_home(parent: Value, key: str, value: Value) -> None:
    """go-homedir's Expand: a leading `~` (alone or before a separator) is the home folder."""
    text = value.text or ""
    if text == "~" or text.startswith(("~/", "~" + os.sep)):
        expanded = str(Path.home()) + text[1:]
        assert parent.mapping is not None
        parent.mapping[key] = Value(expanded, value.origin, None, value.key_node, written=text)


def _helm_release_graph(helm: Value, file: Path | None) -> list[ConfigProblem]:
    """helm.NewDependencyGraph's errors (checked when there is more than one release)."""
    releases = [r for r in (helm.get("releases").items if helm.get("releases") is not None else [])  # type: ignore[union-attr]
                if r.mapping is not None]
    if len(releases) <= 1:
        return []
    names: dict[str, Value] = {}
    for release in releases:
        name = release.text_at("name") or ""
        if name in names:
            where = release.get("name") or release
            return [ConfigProblem("helm-release-duplicate", f"duplicate release name {name}", file, where.range)]
        names[name] = release
    graph: dict[str, list[str]] = {}
    for release in releases:
        name = release.text_at("name") or ""
        deps = release.texts_at("dependsOn")
        for dep in deps:
            if dep.text not in names:
                return [ConfigProblem("helm-depends-on-unknown",
                                      f"release {name} depends on non-existent release {dep.text}", file, dep.range)]
        graph[name] = [d.text for d in deps if d.text is not None]
    cycle = _cycle(graph)
    if cycle is not None:
        where = names[cycle].get("dependsOn") or names[cycle]
        return [ConfigProblem("helm-depends-on-cycle", f'cycle detected involving release "{cycle}"', file,
                              where.range)]
    return []


def _cycle(graph: dict[str, list[str]]) -> str | None:
    """A release on a dependency cycle (iterative depth-first search), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, i = stack[-1]
            deps = graph.get(node, [])
            if i >= len(deps):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            dep = deps[i]
            if state.get(dep) == 1:
                return node
            if not state.get(dep):
                state[dep] = 1
                stack.append((dep, 0))
    return None


# ---------------------------------------------------------------------------
# Helpers: values are only ever added, each marked as a default


def _put(parent: Value, key: str, data: object) -> None:
    assert parent.mapping is not None
    parent.mapping[key] = synthetic(data, DEFAULT)


def _child_map(parent: Value, key: str) -> Value | None:
    """The mapping at `key`: a struct skaffold holds by value, so it exists even when not
    written (created empty here, and dropped again by `_prune_empty` when no default lands
    in it); None when something other than a mapping is written there."""
    m = parent.mapping
    if m is None:
        return None
    child = m.get(key)
    if child is None:
        child = Value({}, _CREATED)
        m[key] = child
    return child if child.mapping is not None else None


# The origin of the structs `_child_map` creates: a default, told apart by identity.
_CREATED = Origin(None, default=True)


def _prune_empty(value: Value) -> None:
    """Drop the structs created for nothing (innermost first), so no empty `{}` is shown."""
    m = value.mapping
    if m is None:
        return
    for key, child in list(m.items()):
        if child.mapping is not None:
            _prune_empty(child)
            if child.origin is _CREATED and not child.mapping:
                del m[key]


def _has_any(value: Value, keys: tuple[str, ...]) -> bool:
    m = value.mapping
    return m is not None and any(k in m for k in keys)


def _non_empty_list(value: Value | None) -> bool:
    return value is not None and bool(value.items)


def _is_int(data: object) -> bool:
    return isinstance(data, int) and not isinstance(data, bool)


def _is_true(value: Value | None) -> bool:
    return value is not None and value.data is True


def _default_text(parent: Value, key: str, default: str) -> None:
    """Go's `valueOrDefault` on a string field: absent or empty takes the default."""
    m = parent.mapping
    if m is None:
        return
    current = m.get(key)
    if current is None or current.data == "":
        _put(parent, key, default)


def _default_missing(parent: Value, key: str, default: object) -> None:
    """A pointer field (`*int`, `*bool`, `*struct`): only an absent value takes the default."""
    m = parent.mapping
    if m is not None and key not in m:
        _put(parent, key, default)
