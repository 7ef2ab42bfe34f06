"""Checks beyond the schema: each is a function of a `CheckContext` returning findings.

`ALL` is the list `analyze` runs, in this order; nothing registers itself on import.
Each module's docstring states its codes, severities and the evidence they rest on
(docs/diagnostics.md has the policy).
"""

from skaffold_ls.checks import debug_readiness, files, images, ko, ports, profiles, push, requires, security
from skaffold_ls.checks.context import Check

ALL: list[Check] = [
    requires.check_loading,
    requires.check_requirements,
    requires.check_cycles,
    requires.check_artifact_requires,
    profiles.check_patches,
    profiles.check_activation,
    profiles.check_manifests_only_in_profiles,
    files.check_files,
    files.check_outside_workspace,
    images.check_duplicates,
    images.check_unreferenced,
    ko.check_ko,
    debug_readiness.check_dockerfiles,
    debug_readiness.check_probes,
    push.check_push,
    security.check_debug_ports,
    ports.check_port_ranges,
]

__all__ = ["ALL", "Check"]
