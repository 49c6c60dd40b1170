"""Appointment restrictions (任职资格限制): the rule table applied to the graph.

rules.yaml holds the rules as data (docs/restriction-rules.md explains them); each
store's backend gathers the facts (credgraph.queries.backend); engine evaluates the
rules once over them; service answers disqualificationCheck, appointmentCheck and
disqualificationScan.
"""
