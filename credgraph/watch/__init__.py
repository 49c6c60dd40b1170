"""Watchlists and alerts over the register (docs/risk.md): user data, not facts."""
