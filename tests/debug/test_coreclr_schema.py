""".NET attach configurations against the C# debugger's own schema.

The schema is `configurationAttributes.attach` of the `coreclr` debugger in dotnet/vscode-csharp's
package.json (tests/fixtures/vscode-csharp, provenance in its `$comment`), completed the way VS Code
validates launch.json (vs/workbench/contrib/debug/common/debugger.ts, `getSchemaAttributes`): `name`,
`type`, `request` required, VS Code's common properties, and `additionalProperties: false`, so a key
the C# debugger does not know fails too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from skaffold_ls.debug.mapping import PathMap, SourceMapping, make_configuration
from skaffold_ls.debug.offline import offline_configurations

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "vscode-csharp" / "coreclr-attach.schema.json"
COMMON = {"debugServer": {"type": "number"}, "preLaunchTask": {}, "postDebugTask": {}, "presentation": {"type": "object"},
          "internalConsoleOptions": {"enum": ["neverOpen", "openOnSessionStart", "openOnFirstSessionStart"]},
          "suppressMultipleSessionWarning": {"type": "boolean"}}


def attach_schema() -> dict[str, Any]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema.pop("$comment")
    schema["required"] = ["name", "type", "request", *schema.get("required", [])]
    schema["additionalProperties"] = False
    schema["type"] = "object"
    schema["properties"] = {**schema["properties"], "name": {"type": "string"}, "type": {"enum": ["coreclr"]},
                            "request": {"enum": ["attach"]}, **COMMON}
    return schema


def valid(cfg: dict[str, Any]) -> None:
    jsonschema.validate(cfg, attach_schema(), cls=jsonschema.Draft7Validator)
    transport = cfg["pipeTransport"]
    # what vsdbg needs to start in the pod: `kubectl exec -i ... -- /dbg/netcore/vsdbg --interpreter=vscode`
    assert transport["pipeProgram"] == "kubectl" and transport["pipeArgs"][:2] == ["exec", "-i"]
    assert transport["pipeArgs"][-1] == "--" and transport["debuggerPath"] == "/dbg/netcore/vsdbg"
    assert transport["quoteArgs"] is False
    # chiseled and distroless images have no `ps` for the remote process picker: name the process
    assert cfg["processId"] == 1


def test_the_schema_is_strict() -> None:
    cfg = {"name": "x", "type": "coreclr", "request": "attach", "processId": 1,
           "pipeTransport": {"pipeProgram": "kubectl", "pipeArgs": ["exec", "-i", "p", "--"],
                             "debuggerPath": "/dbg/netcore/vsdbg", "quoteArgs": False}}
    valid(cfg)
    for bad in ({**cfg, "port": 4711}, {**cfg, "pipeTransport": {"pipeProgram": "kubectl"}},
                {**cfg, "sourceFileMap": {"/src": 1}}, {**cfg, "processId": True}):
        try:
            jsonschema.validate(bad, attach_schema(), cls=jsonschema.Draft7Validator)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"accepted {bad}")


def test_bridge_configuration_validates(tmp_path: Path) -> None:
    mapping = SourceMapping("netcore", [PathMap(tmp_path / "src", "/app")], "test", "derived")
    cfg = make_configuration("skaffold: cart", "netcore", None, mapping, tmp_path, pod="cart-7c9d5b6f4d-x2x9q",
                             namespace="shop", container="server")
    valid(cfg)
    assert cfg["pipeTransport"]["pipeArgs"] == ["exec", "-i", "-n", "shop", "-c", "server", "cart-7c9d5b6f4d-x2x9q", "--"]
    assert cfg["sourceFileMap"] == {"/app": "${workspaceFolder}/src"}  # build-time path → local folder


def test_launch_config_for_a_dotnet_project_validates(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: cart\n    context: src\n"
        "manifests:\n  rawYaml: [k8s.yaml]\n", encoding="utf-8")
    (tmp_path / "src" / "Dockerfile").write_text(
        "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nWORKDIR /app\nCOPY . .\n"
        "RUN dotnet build \"./cart.csproj\" -c Debug -o /out\nFROM build AS publish\n"
        "RUN dotnet publish cart.csproj -c Debug -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final\n"
        "WORKDIR /app\nCOPY --from=publish /out .\nENTRYPOINT [\"dotnet\", \"cart.dll\"]\n", encoding="utf-8")
    (tmp_path / "k8s.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cartservice}\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: server\n        image: cart\n", encoding="utf-8")
    [result] = offline_configurations(tmp_path).configs
    assert result.configuration is not None, result.note
    valid(result.configuration)
    assert result.configuration["pipeTransport"]["pipeArgs"] == [
        "exec", "-i", "-c", "server", "deployment/cartservice", "--"]
    # the sources were compiled in /app of the build stage (WORKDIR /app, COPY . .)
    assert result.configuration["sourceFileMap"] == {"/app": "${workspaceFolder}/src"}
