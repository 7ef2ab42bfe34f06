"""What a Helm chart's templates say about probes (the user's guide's `debug` value).

The guide's charts wrap probes in `{{- if not .Values.debug }}`: setting `debug: true`
drops them, so a container paused at a breakpoint is not restarted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

_GUARD = re.compile(r"\{\{-?\s*if\s+(not\s+)?\.Values\.([A-Za-z0-9_.]+)\s*-?\}\}")
_PROBE = re.compile(r"\b(livenessProbe|readinessProbe|startupProbe)\s*:")


def probe_switch(chart: Path) -> tuple[str, bool] | None:
    """(value name, value that turns the probes off) when a template guards probes with
    `{{- if not .Values.X }}` (X: true drops them) or `{{- if .Values.X }}` (X: false)."""
    templates = chart / "templates"
    if not templates.is_dir():
        return None
    for f in _template_files(templates):
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for m in _GUARD.finditer(text):
            body = text[m.end(): m.end() + 400]
            end = body.find("{{")
            if _PROBE.search(body[: end if end >= 0 else len(body)]):
                return m.group(2), bool(m.group(1))
    return None




def _template_files(templates: Path, limit: int = 500) -> Iterator[Path]:
    """Template files, without following symlinked folders (no loops), at most `limit`."""
    count = 0
    for folder, dirs, files in os.walk(templates):  # followlinks=False
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in (".yaml", ".yml", ".tpl") and path.is_file() and not path.is_symlink():
                count += 1
                if count > limit:
                    return
                yield path
