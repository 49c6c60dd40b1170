"""Appointment restrictions (任职资格限制): the rule table of RULES.md applied to the graph.

rules.yaml holds the rules as data; memory_facts / neo4j_facts gather the facts
each store holds; engine evaluates the rules once over them; service answers
API.md's disqualificationCheck, appointmentCheck and disqualificationScan.
"""
