"""The configs the benchmarks edit: a ~60-line realistic one and a generated ~5,000-line one.

Both are valid skaffold/v4beta14; line EDIT_LINE holds `    push: false`, which the
benchmark toggles to `    pussh: false` (an unknown key: one error) and back.
"""

from __future__ import annotations

EDIT_LINE = 4
GOOD_KEY, BAD_KEY = "push", "pussh"

HEAD = """\
apiVersion: skaffold/v4beta14
kind: Config
build:
  local:
    push: false
    useBuildkit: true
  tagPolicy:
    gitCommit: {}
  artifacts:
"""

ARTIFACT = """\
  - image: registry.example.com/shop/web{i}
    context: services/web{i}
    docker:
      dockerfile: Dockerfile
      buildArgs:
        VERSION: "1.{i}"
    sync:
      infer: ["**/*.html", "**/*.css"]
  - image: registry.example.com/shop/api{i}
    context: services/api{i}
    ko:
      main: ./cmd/api
      dependencies:
        paths: ["**/*.go", go.mod]
"""

TAIL = """\
manifests:
  rawYaml:
  - k8s/*.yaml
deploy:
  kubectl: {{}}
portForward:
- resourceType: service
  resourceName: web0
  port: 8080
  localPort: 9000
profiles:
{profiles}"""

PROFILE = """\
- name: env{i}
  activation:
  - env: ENV=env{i}
  patches:
  - op: replace
    path: /build/artifacts/0/context
    value: services/web-env{i}
  deploy:
    kubectl:
      defaultNamespace: env{i}
"""


def config(artifacts: int, profiles: int) -> str:
    return (HEAD + "".join(ARTIFACT.format(i=i) for i in range(artifacts))
            + TAIL.format(profiles="".join(PROFILE.format(i=i) for i in range(profiles))))


def small() -> str:
    return config(2, 2)


def large(target_lines: int = 5000) -> str:
    n = 1
    while config(n, n // 4 + 1).count("\n") < target_lines:
        n += 10
    return config(n, n // 4 + 1)


if __name__ == "__main__":
    print(small().count("\n"), large().count("\n"))
