"""Benign baseline generators: per-window activity of the simulated organisation, one module per log source."""
