"""Code lenses above profiles: when skaffold activates each one."""

from __future__ import annotations

from skaffold_ls.features.lenses import profile_lenses
from tests.features.conftest import ctx_for

TEXT = """\
apiVersion: skaffold/v4beta14
kind: Config
profiles:
- name: dbg
  activation: [{command: debug}]
- name: prod
  activation:
  - env: ENV=prod
  - kubeContext: gke_.*
- name: manual
"""


def test_each_profile_says_when_it_activates() -> None:
    lenses = profile_lenses(ctx_for(TEXT, None, checks=False))
    assert [(lens.range.start.line, lens.title) for lens in lenses] == [
        (3, "active on `skaffold debug`"),
        (5, "active when `ENV=prod` or in kube context `gke_.*`"),
        (9, "never active by itself (only with -p)"),
    ]
