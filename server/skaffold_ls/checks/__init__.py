"""Checks beyond the schema. Each module appends its check functions to
`skaffold_ls.core.analysis.CHECKS`; importing this package registers them all."""

from skaffold_ls.checks import (
    cluster,  # noqa: F401
    debug_readiness,  # noqa: F401
    files,  # noqa: F401
    images,  # noqa: F401
    ko,  # noqa: F401
    profile_activation,  # noqa: F401
    profiles,  # noqa: F401
    requires,  # noqa: F401
    security,  # noqa: F401
)
