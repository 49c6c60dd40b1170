"""The key namespaces imports give records that bring no identifier credgraph can key them by.

A BODS record of another publisher is keyed `BODS-<publisher code>:<record id>` and an FtM
entity of a dataset `FTM:<entity id>` (both `credgraph.graph.ids.other_register_key` keys),
so two sources' record ids never meet. Exports name no identifier scheme for these: they
are credgraph's, not a register's.
"""

from __future__ import annotations

import hashlib

BODS_PREFIX = "BODS-"
FTM_SCHEME = "FTM"


def bods_scheme(publisher: str) -> str:
    """The namespace of one BODS publisher's record ids (eight hex digits of its name)."""
    return BODS_PREFIX + hashlib.sha256(publisher.encode()).hexdigest()[:8].upper()


def is_credgraph_namespace(scheme: str) -> bool:
    return scheme == FTM_SCHEME or scheme.startswith(BODS_PREFIX)
