"""The API's enums. Those naming stored words are generated from the model and the vocabulary
(credgraph/graph/vocabulary.yaml, credgraph/graph/schema/): a role, list type, event kind or link
relation added there appears here, and one that is not there cannot be returned.

Member names are the stored values upper-cased; `.value` is the stored value, so
`Role(stored)` converts a record and `.value` converts back. mypy cannot follow
enums built from data, so for it they are plain `Enum` classes (TYPE_CHECKING).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from credgraph.graph.model import load_model
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.queries.links.suspected import SUSPECTED


def _enum(name: str, members: Iterable[tuple[str, str]], description: str) -> type[Enum]:
    built = Enum(name, list(members))  # type: ignore[misc]
    return strawberry.enum(built, description=description)


def _values(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(value.upper(), value) for value in values]


if TYPE_CHECKING:
    Role = Enum
    ListType = Enum
    TriggerKind = Enum
    EntityKind = Enum
    Relation = Enum
    EnterpriseStatus = Enum
    ObjectionStatus = Enum
    FilingStatus = Enum
    ContactKind = Enum
    RiskLevel = Enum
    AlertKind = Enum
else:
    _VOCABULARY = load_vocabulary()
    _MODEL = load_model()
    Role = _enum("Role", _values(_VOCABULARY.roles),
                 "A post in an enterprise (docs/data-format.md, officers).")
    ListType = _enum("ListType", _values(_VOCABULARY.list_types),
                     "The publicity and court lists a subject can be on.")
    TriggerKind = _enum("TriggerKind", _values(_VOCABULARY.triggers),
                        "What started a restriction window: a list entry or an event.")
    EntityKind = _enum("EntityKind",
                       [(_MODEL.node(label).api_kind or label, label)
                        for label in ("Enterprise", "Person", "OtherHolder")],
                       "What a node is: enterprise, natural person or other holder.")
    Relation = _enum("Relation", [(t, t) for t in (*_MODEL.link_types, SUSPECTED)],
                     "The relationship types that count as one hop; SUSPECTED is a suspected "
                     "link (shared contact details in annual reports), never a registered one.")
    EnterpriseStatus = _enum("EnterpriseStatus", _values(_VOCABULARY.enterprise_statuses),
                             "What a registration status (登记状态) says, whatever its wording.")
    ObjectionStatus = _enum("ObjectionStatus", _values(_VOCABULARY.objection_statuses),
                            "Where an objection (异议) stands.")
    FilingStatus = _enum("FilingStatus", _values(_VOCABULARY.filing_statuses),
                         "Whether an annual report was published on time, late or not at all.")
    ContactKind = _enum("ContactKind", _values(_VOCABULARY.contact_kinds),
                        "The contact detail a suspected link shares.")
    RiskLevel = _enum("RiskLevel", _values(_VOCABULARY.risk_levels),
                      "The level of an enterprise's risk score (docs/risk.md).")
    AlertKind = _enum("AlertKind", _values(_VOCABULARY.alert_kinds),
                      "What changed around a watched entity.")


@strawberry.enum(description="What a search text matched.")
class MatchKind(Enum):
    ID = "id"
    NAME = "name"


__all__ = ["AlertKind", "ContactKind", "EnterpriseStatus", "EntityKind", "FilingStatus",
           "ListType", "MatchKind", "ObjectionStatus", "Relation", "RiskLevel", "Role",
           "TriggerKind"]
