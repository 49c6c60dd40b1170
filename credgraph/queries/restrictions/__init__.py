"""Appointment restrictions (任职资格限制): the rules of docs/restriction-rules.md applied to
the graph.

rules.yaml holds the rules as data (rules.py validates and reads it); memory_facts /
neo4j_facts gather the facts each store holds; engine evaluates the rules once over them;
service answers disqualificationCheck, appointmentCheck and disqualificationScan.
"""
