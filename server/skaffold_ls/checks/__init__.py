"""Checks beyond the schema. Each module appends its check functions to
`skaffold_ls.core.analysis.CHECKS`; importing this package registers them all."""

from skaffold_ls.checks import profiles  # noqa: F401
from skaffold_ls.checks import requires  # noqa: F401
