"""The admins' question of the root Query: `auditLog`, the audit trail with filters
(merged into it by credgraph.api.schema; the role table grants it to admin only)."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

import strawberry

from credgraph.api.audit import matching
from credgraph.api.context import Info, in_thread
from credgraph.api.errors import raise_bad_input
from credgraph.api.types.base import described

MAX_ENTRIES = 1000


@strawberry.type(description="One line of the audit log: who asked what about whom.")
class AuditEntry:
    seq: int
    at: str = strawberry.field(description="UTC, ISO 8601 with milliseconds.")
    request: str = strawberry.field(description="The request id (X-Request-ID).")
    who: str = strawberry.field(description="The key's owner or the token's subject.")
    role: str
    operation: str = strawberry.field(description="The root fields asked, comma-separated.")
    subjects: list[str] = strawberry.field(description="The ids and texts asked about.")
    rows: int
    outcome: str = strawberry.field(description="ok, or error: and the error codes.")
    reveal: list[str] = strawberry.field(description="Persons whose ID number was revealed.")
    hash: str

    @classmethod
    def from_record(cls, entry: Mapping[str, Any]) -> AuditEntry:
        return cls(seq=int(entry["seq"]), at=str(entry["at"]), request=str(entry["request"]),
                   who=str(entry["who"]), role=str(entry["role"]),
                   operation=str(entry["operation"]),
                   subjects=[str(s) for s in entry.get("subjects") or []],
                   rows=int(entry.get("rows") or 0), outcome=str(entry["outcome"]),
                   reveal=[str(s) for s in entry.get("reveal") or []], hash=str(entry["hash"]))


@strawberry.type
class AuditQuery:
    @described("Audit log entries, newest first, that pass every filter given (since and "
               "until compare with `at`; until is exclusive; outcome matches its start).")
    async def audit_log(self, info: Info, who: str | None = None, operation: str | None = None,
                        subject: str | None = None, since: str | None = None,
                        until: str | None = None, outcome: str | None = None,
                        first: int = 100) -> list[AuditEntry]:
        if not 1 <= first <= MAX_ENTRIES:
            raise_bad_input(f"first must be between 1 and {MAX_ENTRIES}")
        log = info.context.access.log

        def newest() -> list[AuditEntry]:
            kept = deque(matching(log.entries(), who, operation, subject, since, until,
                                  outcome), maxlen=first)
            return [AuditEntry.from_record(e) for e in reversed(kept)]

        return await in_thread(newest)
