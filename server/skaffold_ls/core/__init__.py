"""Editor-independent core: document model, findings, analysis. Never imports pygls."""
