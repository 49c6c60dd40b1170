"""The record values the generator writes, each checked against the model's vocabulary.

Roles, list types, event kinds, party kinds, subject types and pledge statuses are
declared in credgraph/graph/vocabulary.yaml. The generator names the values it plants
(a legal representative, a serious-illegal listing ...) and `checked` confirms at import
that the vocabulary has each: a value renamed or removed there stops the generator with
a message naming it, instead of writing words the loaders would refuse.
"""

from __future__ import annotations

from credgraph.exc import ConfigurationError
from credgraph.graph.vocabulary import Vocabulary, load_vocabulary


def checked(group: str, *values: str) -> tuple[str, ...]:
    """These values of a vocabulary group, after checking that vocabulary.yaml declares them."""
    if group not in Vocabulary.model_fields:
        raise ConfigurationError(f"vocabulary.yaml has no group {group!r}")
    declared = getattr(load_vocabulary(), group)
    missing = [value for value in values if value not in declared]
    if missing:
        raise ConfigurationError(
            f"vocabulary.yaml: {group} has no {', '.join(missing)}, which the generator writes"
        )
    return values


ROLES = checked(
    "roles", "legal_representative", "chair", "director", "supervisor", "manager",
    "deputy_manager", "cfo", "board_secretary", "responsible_person", "partner",
)
"""Officer roles; the role codes below index this tuple."""
(R_LEGAL_REP, R_CHAIR, R_DIRECTOR, R_SUPERVISOR, R_MANAGER, R_DEPUTY_MANAGER, R_CFO,
 R_BOARD_SECRETARY, R_RESPONSIBLE_PERSON, R_PARTNER) = range(len(ROLES))

PARTY_KINDS = checked("party_kinds", "person", "enterprise", "other")
"""Holder, pledgor and pledgee kinds; the party codes below index this tuple."""
P_PERSON, P_ENTERPRISE, P_STATE = range(len(PARTY_KINDS))
"""A state holder (a city's asset commission) is written as kind "other"."""

SUBJECT_ENTERPRISE, SUBJECT_PERSON = checked("subject_types", "enterprise", "person")

(ABNORMAL_OPERATIONS, SERIOUS_ILLEGAL, DISHONEST_DEBTOR, CONSUMPTION_RESTRICTED,
 CRIMINAL_SENTENCE) = checked(
    "list_types", "abnormal_operations", "serious_illegal", "dishonest_debtor",
    "consumption_restricted", "criminal_sentence",
)

(LICENCE_REVOKED, ORDERED_CLOSED, BANKRUPTCY_LIQUIDATED, REGISTRATION_REVOKED,
 DEREGISTERED) = checked(
    "event_kinds", "licence_revoked", "ordered_closed", "bankruptcy_liquidated",
    "registration_revoked", "deregistered",
)

VALID, INVALID = checked("pledge_statuses", "valid", "invalid")
"""Status of a pledge or a mortgage."""
