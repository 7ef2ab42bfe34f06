"""Snippets become plain text for clients that cannot expand them."""

from skaffold_ls.lsp.convert import _strip_snippet


def test_choice_placeholder_becomes_its_first_option():
    assert _strip_snippet("- image: ${1}\n  ${2|ko,docker|}: {}$0") == "- image: \n  ko: {}"


def test_placeholders_and_tabstops():
    assert _strip_snippet("ko:\n  fromImage: ${1:alpine}\n$0") == "ko:\n  fromImage: alpine\n"
    assert _strip_snippet("a: \\$HOME") == "a: $HOME"
