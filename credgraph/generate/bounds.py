"""The generator's limits, importable without the generator (the CLI declares them)."""

from __future__ import annotations

MIN_ENTERPRISES = 50
"""Fewer enterprises cannot hold every planted pattern (banks, cycles, restriction hits)."""
