"""launch.json is the user's file: JSONC round trip by minimal text edits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skaffold_ls.debug.launchjson import LaunchJsonError, read_launch_json, update_text, upsert_launch_json

OURS = {"name": "skaffold: app", "type": "go", "request": "attach", "mode": "remote", "port": 56268,
        "substitutePath": [{"from": "${workspaceFolder}", "to": "/go"}]}
COMPOUND = {"name": "skaffold: all", "configurations": ["skaffold: app"], "stopAll": True}
MANAGED = ("name", "type", "request", "mode", "port", "substitutePath", "presentation")


def test_new_file_is_created_with_header(tmp_path: Path) -> None:
    p = tmp_path / ".vscode" / "launch.json"
    assert upsert_launch_json(p, [OURS], [COMPOUND])
    assert p.read_text().startswith("// ")
    data = read_launch_json(p)
    assert data["version"] == "0.2.0" and data["configurations"] == [OURS] and data["compounds"] == [COMPOUND]
    assert not upsert_launch_json(p, [OURS], [COMPOUND]), "idempotent: no rewrite when nothing changes"


def test_comments_trailing_commas_and_user_entries_survive(tmp_path: Path) -> None:
    p = tmp_path / "launch.json"
    head = '// header\n{\n\t"version": "0.2.0", /* inline */\n\t"configurations": [\n\t\t// user entry\n'
    user = '\t\t{"name": "mine", "type": "node", "request": "launch",},\n'
    p.write_text(head + user + '\t],\n\t// tail comment\n}\n')
    os.chmod(p, 0o640)
    upsert_launch_json(p, [OURS], [COMPOUND], managed_keys=MANAGED)
    text = p.read_text()
    assert text.startswith(head + user)
    assert "// tail comment" in text and "/* inline */" in text
    assert "\n\t\t{\n\t\t\t\"name\": \"skaffold: app\"," in text  # the file's tab indentation is followed
    assert oct(p.stat().st_mode & 0o777) == oct(0o640)
    data = read_launch_json(p)
    assert [c["name"] for c in data["configurations"]] == ["mine", "skaffold: app"]
    # update in place: changed port, removed mapping, user key kept
    text = p.read_text().replace('"mode": "remote",', '"mode": "remote", "showLog": true,')
    p.write_text(text)
    upsert_launch_json(p, [{**{k: v for k, v in OURS.items() if k != "substitutePath"}, "port": 4000}],
                       managed_keys=MANAGED)
    data = read_launch_json(p)
    ours = data["configurations"][1]
    assert ours["port"] == 4000 and "substitutePath" not in ours and ours["showLog"] is True
    assert len(data["configurations"]) == 2 and p.read_text().startswith(head + user)


@pytest.mark.parametrize("broken", ['{"configurations": [', "[1, 2]", '{"configurations": {}}', "{ /* */ x: }"])
def test_unparsable_or_odd_file_is_never_written(tmp_path: Path, broken: str) -> None:
    p = tmp_path / "launch.json"
    p.write_text(broken)
    with pytest.raises(LaunchJsonError, match="left untouched"):
        upsert_launch_json(p, [OURS])
    assert p.read_text() == broken
    assert [f.name for f in tmp_path.iterdir()] == ["launch.json"], "no temp file left behind"


def test_empty_configurations_and_missing_sections() -> None:
    assert json.loads(update_text("{}", [OURS]))["configurations"] == [OURS]
    out = update_text('{"version": "0.2.0", "configurations": [ // none yet\n]}', [OURS], [COMPOUND])
    assert "// none yet" in out
    import json5

    assert json5.loads(out)["compounds"] == [COMPOUND]


_names = st.text(alphabet="abcdefgh xyz-", min_size=1, max_size=12)
_values = st.one_of(st.integers(-5, 99999), st.booleans(), st.text(alphabet="ab/${}: ", max_size=10))
_user_cfg = st.fixed_dictionaries({"name": _names, "type": st.sampled_from(["go", "node", "python"])},
                                  optional={"port": st.integers(1, 65535), "x": _values})


@settings(max_examples=60, deadline=None)
@given(users=st.lists(_user_cfg, max_size=4, unique_by=lambda c: c["name"]), trailing=st.booleans(),
       comments=st.booleans(), port=st.integers(1, 65535))
def test_roundtrip_property(users: list[dict[str, object]], trailing: bool, comments: bool, port: int) -> None:
    items = []
    for i, u in enumerate(users):
        c = f"  // user {i}\n" if comments else ""
        items.append(c + "  " + json.dumps(u))
    body = ",\n".join(items) + ("," if trailing and items else "")
    text = '{\n"configurations": [\n' + body + "\n]" + (",\n" if trailing else "\n") + "}\n"
    ours = {**OURS, "port": port}
    out = update_text(text, [ours], [COMPOUND], managed_keys=MANAGED)
    import json5

    data = json5.loads(out)
    assert data["configurations"][: len(users)] == users
    assert data["configurations"][len(users):] == [ours]
    if comments:
        for i in range(len(users)):
            assert f"// user {i}" in out
    again = update_text(out, [ours], [COMPOUND], managed_keys=MANAGED)
    assert again == out
