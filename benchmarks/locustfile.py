"""Locust users for bench_serve.py: a mix of the three parties asking the usual questions.

Inputs (USCCs, person ids, search texts, tokens) come from the JSON file named by
CREDGRAPH_BENCH_INPUTS, written by bench_serve.py from the registry under test. Each
request is reported under its operation's name; an answer with GraphQL errors counts as
a failure, and a 503 (the designed refusal of a full server) as a failure reported under
`<operation> [503]`.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

INPUTS: dict[str, Any] = json.loads(Path(os.environ["CREDGRAPH_BENCH_INPUTS"]).read_text())
DAY = INPUTS["day"]

ENTERPRISE = """query($e: ID!, $d: Date) { enterprise(uscc: $e, asOf: $d) {
  uscc name status shareholders { holder { id name kind } percent }
  officers { person { id name } role } legalRepresentative { id name }
  listEntries { list listedOn } penalties { docNo } } }"""
SEARCH = "query($t: String!) { search(text: $t, first: 20) { kind id name } }"
OWNERS = """query($e: ID!, $d: Date) { ultimateOwners(uscc: $e, asOf: $d) {
  owner { id name } category effectivePercent paths { percent } } }"""
CHAIN = """query($e: ID!, $d: Date) { ownershipChain(uscc: $e, asOf: $d, maxDepth: 6) {
  nodes { id name } edges { from { id } to { id } percent } circular } }"""
EXPOSURE = """query($e: ID!, $d: Date) { blacklistExposure(id: $e, maxHops: 3, asOf: $d) {
  hits { subject { id name } list distance } } }"""
MAP = """query($e: ID!, $d: Date) { neighbourhood(id: $e, hops: 1, asOf: $d) {
  nodes { id name kind degree hub lists restriction } links { key relation source target } } }"""
FIRMS = """query($p: ID!, $d: Date) { personFirms(personId: $p, asOf: $d) {
  enterprise { uscc name } roles directPercent effectivePercent } }"""
CHECK = """query($p: ID!, $d: Date) { disqualificationCheck(personId: $p, asOf: $d) {
  disqualified needsReview hits { ruleId certainty } } }"""
PERSON = """query($p: ID!) { person(personId: $p) { name maskedIdNumber
  idNumber(reveal: true) } }"""


class Party(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.3)
    token: str | None = None

    def ask(self, name: str, query: str, **variables: Any) -> None:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        with self.client.post("/graphql", json={"query": query, "variables": variables},
                              headers=headers, name=name, catch_response=True) as response:
            if response.status_code == 503:
                # Counted apart, so an operation's figures are those of answered requests.
                response.request_meta["name"] = f"{name} [503]"
                response.failure("503 server busy (designed)")
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.json().get("errors"):
                response.failure(str(response.json()["errors"][0].get("extensions")))

    def firm(self) -> str:
        return str(random.choice(INPUTS["firms"]))

    def someone(self) -> str:
        return str(random.choice(INPUTS["people"]))


class PublicUser(Party):
    """Anyone: search, an enterprise's record, its owners, the map."""

    weight = 7

    @task(3)
    def search(self) -> None:
        self.ask("search", SEARCH, t=random.choice(INPUTS["texts"]))

    @task(4)
    def enterprise(self) -> None:
        self.ask("enterprise", ENTERPRISE, e=self.firm(), d=DAY)

    @task(2)
    def ultimate_owners(self) -> None:
        self.ask("ultimateOwners", OWNERS, e=self.firm(), d=DAY)

    @task(1)
    def ownership_chain(self) -> None:
        self.ask("ownershipChain", CHAIN, e=self.firm(), d=DAY)

    @task(2)
    def neighbourhood(self) -> None:
        self.ask("neighbourhood", MAP, e=self.firm(), d=DAY)

    @task(1)
    def exposure(self) -> None:
        self.ask("blacklistExposure", EXPOSURE, e=self.firm(), d=DAY)


class EnterpriseUser(PublicUser):
    """An enterprise with its key: the public questions, signed in."""

    weight = 1

    def on_start(self) -> None:
        self.token = INPUTS["tokens"]["enterprise"]


class RegulatorUser(Party):
    """A regulator: persons, their firms, restriction checks, an audited reveal."""

    weight = 2

    def on_start(self) -> None:
        self.token = INPUTS["tokens"]["regulator"]

    @task(2)
    def person_firms(self) -> None:
        self.ask("personFirms", FIRMS, p=self.someone(), d=DAY)

    @task(2)
    def disqualification_check(self) -> None:
        self.ask("disqualificationCheck", CHECK, p=self.someone(), d=DAY)

    @task(1)
    def person(self) -> None:
        self.ask("person (reveal)", PERSON, p=self.someone())

    @task(2)
    def enterprise(self) -> None:
        self.ask("enterprise", ENTERPRISE, e=self.firm(), d=DAY)
