"""`requires` across files: each local dependency exists, names configs that exist,
and does not lead back to the config that declares it.

skaffold fails on a missing file ("failed to read file") and on a `configs`
selection that matches nothing. A cycle is not an error for skaffold (it reads
each config once), but the "dependencies come first" order it implies cannot
hold, so we warn.
"""

from __future__ import annotations

from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity


def check_requires(ctx: CheckContext) -> list[Finding]:
    from skaffold_ls.features.multiconfig import current_file, find_cycle, follow

    analysis = ctx.analysis
    out: list[Finding] = []
    cf = current_file(analysis)
    for cd in cf.docs:
        for i, req in enumerate(cd.requires):
            if req.remote:
                continue
            if req.path is not None and analysis.path is None:
                continue  # an unsaved file: relative paths mean nothing yet
            target = follow(analysis, req)
            if target is None:
                continue
            where = req.path_range or req.entry_range
            if target.config is None:
                shown = req.path or "."
                out.append(Finding(
                    "requires-missing", Severity.ERROR,
                    f"required config `{shown}` not found"
                    + (f" (looked for `{target.file.name}` in `{target.file.parent}`)" if target.file else ""),
                    where, {"path": req.path, "file": str(target.file) if target.file else None}))
                continue
            for name, rng in target.missing_names:
                known = target.config.names()
                hint = f"; configs there: {', '.join(f'`{n}`' for n in known)}" if known else \
                    "; no config there has a `metadata.name`"
                out.append(Finding(
                    "requires-unknown-config", Severity.ERROR,
                    f"no config named `{name}` in `{req.path or 'this file'}`{hint}",
                    rng, {"name": name, "known": known}))
            chain = find_cycle(analysis, cd.index, i)
            if chain:
                out.append(Finding(
                    "requires-cycle", Severity.WARNING,
                    "`requires` cycle: " + " → ".join(f"`{c}`" for c in chain)
                    + "; skaffold reads each config once, so the dependency order around the cycle is undefined",
                    where, {"chain": chain}))
    return out


CHECKS.append(check_requires)
