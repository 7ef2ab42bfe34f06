"""skaffold-ls: a language server, CI checker and debug bridge for skaffold.yaml."""

__version__ = "0.1.0"
