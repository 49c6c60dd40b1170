"""Risk indicators, levels and profiles (docs/risk.md)."""
