"""Folding ranges from indentation: works while the file is half-typed."""

from __future__ import annotations

from skaffold_ls.features.context import split_line
from skaffold_ls.features.types import FeatureContext, Folding


def folding_ranges(ctx: FeatureContext) -> list[Folding]:
    return fold_lines(ctx.lines)


def fold_lines(lines: list[str]) -> list[Folding]:
    """A range for every key or list item whose block spans more than one line."""
    out: list[Folding] = []
    # open blocks: (column the block's children must exceed, start line, is_key_block)
    stack: list[tuple[int, int, bool]] = []
    last_content = -1

    def close_until(col: int, is_dash: bool) -> None:
        nonlocal last_content
        while stack:
            c, start, key_block = stack[-1]
            # an indentless list (`key:` then `- item` at the same column) stays open
            if col > c or (key_block and is_dash and col == c):
                return
            stack.pop()
            if last_content > start:
                out.append(Folding(start, last_content))

    for i, text in enumerate(lines):
        if text.startswith(("---", "...")) and text[:3] in ("---", "...") and text[3:4] in ("", " ", "\t"):
            close_until(-1, False)
            continue
        info = split_line(text)
        if info.blank:
            continue
        close_until(info.first, bool(info.dashes))
        for d in info.dashes:
            stack.append((d, i, False))
        if info.key is not None:
            stack.append((info.content, i, True))
        last_content = i
    close_until(-1, False)
    out.sort(key=lambda f: (f.start_line, -f.end_line))
    return out
