"""Ports skaffold loads but cannot use, and numbers it cannot load (checks/ports.py,
core/validate.py: number-out-of-range)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.actions.helpers import analysis_of

FORWARDS = """\
apiVersion: skaffold/{version}
kind: Config
portForward:
- resourceType: service
  resourceName: a
  port: 70000
  localPort: -5
- resourceType: service
  resourceName: b
  port: 99999999999999999999
  localPort: 99999999999999999999
- resourceType: service
  resourceName: c
  port: 8080
  localPort: 0
- resourceType: service
  resourceName: d
  port: 65535
  localPort: 65536
"""


def found(tmp_path: Path, version: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "skaffold.yaml"
    path.write_text(FORWARDS.format(version=version))
    return [(f.range.start.line + 1, f.code, f.severity.label) for f in analysis_of(path).findings
            if f.code in ("invalid-port", "number-out-of-range", "wrong-type")]


def test_out_of_range_ports_are_reported_as_skaffold_would_fail_on_them(tmp_path: Path):
    # `port` is an IntOrString: a number too long for an int becomes a port name (a warning);
    # `localPort` is a Go int: 20 digits fail the whole decode (an error).
    assert found(tmp_path, "v4beta14") == [
        (6, "invalid-port", "warning"),
        (7, "invalid-port", "warning"),
        (10, "invalid-port", "warning"),
        (11, "number-out-of-range", "error"),
        (19, "invalid-port", "warning"),
    ]


def test_where_port_was_a_plain_int_twenty_digits_are_an_error_too(tmp_path: Path):
    assert found(tmp_path, "v2beta9") == [
        (6, "invalid-port", "warning"),
        (7, "invalid-port", "warning"),
        (10, "number-out-of-range", "error"),
        (11, "number-out-of-range", "error"),
        (19, "invalid-port", "warning"),
    ]


@pytest.mark.parametrize(("text", "fits"), [("9223372036854775807", True), ("9223372036854775808", False),
                                            ("-9223372036854775808", True), ("0x7fff_ffff_ffff_ffff", True),
                                            ("0x8000000000000000", False), ("http", True)])
def test_fits_go_int(text: str, fits: bool):
    from skaffold_ls.core.validate import fits_go_int

    assert fits_go_int(text) is fits
