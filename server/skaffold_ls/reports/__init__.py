"""What the command line prints: `check` (text, JSON, SARIF, GitHub annotations) and `config`."""
