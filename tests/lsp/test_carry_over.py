"""Check findings carried over between edits move with the text (a pure function)."""


def test_carry_over_moves_check_findings_past_the_edit():
    from skaffold_ls.core.findings import Finding, Range, Severity
    from skaffold_ls.lsp.server import carry_over

    def f(line: int) -> Finding:
        return Finding("x", Severity.WARNING, "m", Range.of(line, 2, line, 4))

    old = ["a", "b", "c", "d"]
    found = [f(0), f(1), f(3)]
    assert carry_over(found, old, list(old)) == found
    moved = carry_over(found, old, ["a", "b", "new", "new2", "c", "d"])  # two lines inserted after "b"
    assert [x.range.start.line for x in moved] == [0, 1, 5]
    edited = carry_over(found, old, ["a", "B", "c", "d"])  # the finding on the edited line goes
    assert [x.range.start.line for x in edited] == [0, 3]
