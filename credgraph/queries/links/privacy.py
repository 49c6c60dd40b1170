"""What of a person may leave the query layer: the id number only masked."""

from __future__ import annotations

MASK = "*"
_KEEP_HEAD = 6
_KEEP_TAIL = 4


def mask_id_number(raw: str | None) -> str | None:
    """Keep the region prefix and the last four signs (`440301********1234`), mask the rest.

    Short numbers keep only their last sign, so no short id is ever shown whole.
    Already-masked input comes out unchanged.
    """
    if raw is None:
        return None
    text = raw.strip()
    if len(text) >= _KEEP_HEAD + _KEEP_TAIL + 4:
        return text[:_KEEP_HEAD] + MASK * (len(text) - _KEEP_HEAD - _KEEP_TAIL) + text[-_KEEP_TAIL:]
    if len(text) <= 1:
        return MASK * len(text)
    return MASK * (len(text) - 1) + text[-1]
