"""The writers: rows of each dataset section, drawn from the world plan.

Enterprise sections are written block by block (`write_block`), each block drawing from
its own random stream, section after section in the order below; what a later section
needs from an earlier one (current holders, a second liable officer) is passed on
explicitly. Person sections are written once, after the blocks (`write_people`).
"""

from __future__ import annotations

from credgraph.generate.plan import World
from credgraph.generate.writers.annual_reports import write_annual_reports
from credgraph.generate.writers.block import BLOCK_SIZE, Block
from credgraph.generate.writers.enterprises import write_enterprises
from credgraph.generate.writers.events import write_events
from credgraph.generate.writers.lists import write_enterprise_lists, write_person_lists
from credgraph.generate.writers.officers import write_officers
from credgraph.generate.writers.penalties import write_penalties
from credgraph.generate.writers.persons import write_persons
from credgraph.generate.writers.security import write_chattel_mortgages, write_equity_pledges
from credgraph.generate.writers.shareholdings import write_shareholdings
from credgraph.generate.writers.sink import Sink

__all__ = ["BLOCK_SIZE", "Block", "Sink", "write_block", "write_people"]


def write_block(b: Block) -> None:
    write_enterprises(b)
    holdings = write_shareholdings(b)
    second_liable = write_officers(b, holdings)
    write_equity_pledges(b, holdings)
    write_chattel_mortgages(b)
    write_enterprise_lists(b)
    write_penalties(b)
    write_events(b, second_liable)
    write_annual_reports(b)


def write_people(w: World, sink: Sink) -> None:
    write_persons(w, sink)
    write_person_lists(w, sink)
