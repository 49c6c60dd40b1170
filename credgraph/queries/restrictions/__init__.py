"""Appointment restrictions (任职资格限制): the rules of docs/restriction-rules.md applied to
the graph.

rules.yaml holds the rules as data (rules.py validates and reads it); each store's backend
gathers the facts (credgraph.queries.backend); engine evaluates the rules once over them;
service answers disqualificationCheck, appointmentCheck and disqualificationScan.
"""
