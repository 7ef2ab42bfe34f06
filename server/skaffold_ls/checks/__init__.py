"""Checks beyond the schema. Each module appends its check functions to
`skaffold_ls.core.analysis.CHECKS`; importing this package registers them all."""

from skaffold_ls.checks import profiles  # noqa: F401
from skaffold_ls.checks import requires  # noqa: F401
from skaffold_ls.checks import files  # noqa: F401
from skaffold_ls.checks import images  # noqa: F401
from skaffold_ls.checks import ko  # noqa: F401
from skaffold_ls.checks import debug_readiness  # noqa: F401
from skaffold_ls.checks import security  # noqa: F401
from skaffold_ls.checks import profile_activation  # noqa: F401
from skaffold_ls.checks import cluster  # noqa: F401
