"""Cross-checks (比对核查): rules, declared as data in rules.yaml, that find contradictions
across the register's sections and sources (docs/cross-checks.md)."""
