"""Build-file analysis shared by the debug bridge and code actions.

`dockerfile` reads Dockerfiles (stages, ARG substitution, WORKDIR, COPY, `go build`
flags, ENTRYPOINT/CMD); `gomod` reads go.mod. Both return plain dataclasses.
"""

from skaffold_ls.buildfiles.dockerfile import (
    Command,
    CopyInstruction,
    Dockerfile,
    DockerfileError,
    GoBuild,
    Stage,
    parse_dockerfile,
    parse_dockerfile_text,
)
from skaffold_ls.buildfiles.gomod import GoMod, find_go_mod, local_modules, parse_go_mod, read_go_mod

__all__ = [
    "Command",
    "CopyInstruction",
    "Dockerfile",
    "DockerfileError",
    "GoBuild",
    "GoMod",
    "Stage",
    "find_go_mod",
    "local_modules",
    "parse_dockerfile",
    "parse_dockerfile_text",
    "parse_go_mod",
    "read_go_mod",
]
