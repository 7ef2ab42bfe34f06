"""Where the schema model lives, and skaffold's latest apiVersion read from it cheaply.

Stdlib only: `skaffold-ls config` needs the latest apiVersion (to say a config is older)
but none of the model, and its start-up time is a budget.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

MODEL_FILE = "skaffold-model.json"


def model_dir() -> Path:
    """The folder with the model files: inside the installed package (the wheel's
    `skaffold_ls/schemas`), else the repo's `schemas/model`. A plain path next to this file,
    not importlib.resources: that import alone is ~10 ms of start-up."""
    here = Path(__file__).resolve()
    packaged = here.parents[1] / "schemas"
    if packaged.is_dir():
        return packaged
    return here.parents[3] / "schemas" / "model"


@cache
def latest_version() -> str:
    """The newest apiVersion the model knows (its `versions` are in skaffold's order)."""
    with (model_dir() / MODEL_FILE).open("rb") as f:
        versions: list[str] = json.load(f)["versions"]
    return versions[-1]
