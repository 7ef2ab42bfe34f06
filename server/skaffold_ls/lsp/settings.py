"""The server's settings (section `skaffold`), read leniently.

Clients send them in `initializationOptions` and answer `workspace/configuration`
for section `skaffold`. Shapes accepted, because clients differ:
- nested: `{"schemas": {"directory": ...}, "validation": {"outdatedApiVersion": ...}}`
- dotted: `{"schemas.directory": ...}`
- wrapped: `{"skaffold": {...}}` or `{"settings": {...}}` (what our VS Code extension sends)
A bad value is ignored (with a note in `problems`) and the default kept: settings
never stop the server from starting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skaffold_ls.analysis import AnalysisOptions
from skaffold_ls.core.findings import Severity
from skaffold_ls.core.yamldoc import MAX_FILE_BYTES
from skaffold_ls.schema.store import SchemaStore

_OUTDATED = {"off": None, "false": None, "error": Severity.ERROR, "warning": Severity.WARNING,
             "information": Severity.INFORMATION, "info": Severity.INFORMATION, "hint": Severity.HINT}


@dataclass(slots=True)
class Settings:
    schemas_directory: str | None = None
    # None: don't report outdated apiVersions; else report at this severity.
    outdated_api_version: Severity | None = Severity.HINT
    checks_enabled: bool = True  # False: schema validation only
    max_file_size: int = MAX_FILE_BYTES
    # Where skaffold runs for root configs (relative to the workspace folder); None: decide per config.
    run_directory: str | None = None
    problems: list[str] = field(default_factory=list, compare=False)

    def analysis_options(self, schema_only: bool = False) -> AnalysisOptions:
        return AnalysisOptions(outdated_api_version=self.outdated_api_version is not None,
                               schema_only=schema_only or not self.checks_enabled,
                               max_file_bytes=self.max_file_size)

    def schema_store(self) -> SchemaStore:
        """The schemas these settings ask for (built-in ones where `schemas.directory` has none)."""
        d = self.schemas_directory
        return SchemaStore(Path(d).expanduser() if d else None)


def _unwrap(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    for key in ("skaffold", "settings"):
        inner = raw.get(key)
        if isinstance(inner, dict):
            raw = inner
            break
    return raw


def _lookup(raw: dict[str, Any], dotted: str) -> Any:
    if dotted in raw:
        return raw[dotted]
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def read_settings(raw: Any, base: Settings | None = None) -> Settings:
    """`base` updated with a client's JSON (initializationOptions, didChangeConfiguration's
    settings or a workspace/configuration answer), as the server and the fast start both
    read it. Never raises: what cannot be used is said in `problems` and ignored."""
    base = base or Settings()
    try:
        new = parse_settings(raw, base)
    except Exception as e:  # a shape nobody foresaw must not stop the server
        new = Settings(base.schemas_directory, base.outdated_api_version, base.checks_enabled, base.max_file_size,
                       base.run_directory)
        new.problems.append(f"settings ignored: {e!r}")
    if new.schemas_directory and not Path(new.schemas_directory).expanduser().is_dir():
        new.problems.append(f"schemas.directory {new.schemas_directory} is not a directory; "
                            "using the built-in schemas")
    return new


def parse_settings(raw: Any, base: Settings | None = None) -> Settings:
    """Settings from a client's JSON; keys that are absent keep `base`'s values."""
    base = base or Settings()
    s = replace(base, problems=[])  # unset keys keep the base's values; problems are this read's own
    data = _unwrap(raw)

    directory = _lookup(data, "schemas.directory")
    if directory is not None:
        if isinstance(directory, str):
            s.schemas_directory = directory.strip() or None
        else:
            s.problems.append(f"skaffold.schemas.directory must be a string, not {directory!r}")

    outdated = _lookup(data, "validation.outdatedApiVersion")
    if outdated is not None:
        if isinstance(outdated, bool):
            s.outdated_api_version = Severity.HINT if outdated else None
        elif isinstance(outdated, str) and outdated.lower() in _OUTDATED:
            s.outdated_api_version = _OUTDATED[outdated.lower()]
        else:
            s.problems.append(
                f"skaffold.validation.outdatedApiVersion must be true/false or one of "
                f"{', '.join(_OUTDATED)}, not {outdated!r}")

    enabled = _lookup(data, "checks.enabled")
    if enabled is not None:
        if isinstance(enabled, bool):
            s.checks_enabled = enabled
        else:
            s.problems.append(f"skaffold.checks.enabled must be true or false, not {enabled!r}")

    run_dir = _lookup(data, "runDirectory")
    if run_dir is not None:
        if isinstance(run_dir, str):
            s.run_directory = run_dir.strip() or None
        else:
            s.problems.append(f"skaffold.runDirectory must be a string, not {run_dir!r}")

    size = _lookup(data, "maxFileSize")
    if size is not None:
        if isinstance(size, int) and not isinstance(size, bool) and size > 0:
            s.max_file_size = size
        else:
            s.problems.append(f"skaffold.maxFileSize must be a positive number of bytes, not {size!r}")
    return s
