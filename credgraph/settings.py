"""The one place that reads the environment: every setting credgraph honours."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreKind(StrEnum):
    MEMORY = "memory"
    NEO4J = "neo4j"


NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
"""URI schemes the Neo4j driver speaks: neo4j* route (a cluster: writes to the leader, reads
to the secondaries), bolt* talk to one server; +s verifies TLS, +ssc accepts a self-signed
certificate (docs/scaling.md)."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "credgraph"


class Settings(BaseSettings):
    """Configuration from `CREDGRAPH_*` variables (or a `.env` file)."""

    model_config = SettingsConfigDict(env_prefix="CREDGRAPH_", env_file=".env", extra="ignore")

    store: StoreKind | None = Field(
        default=None,
        description="memory or neo4j; when unset, neo4j if a Neo4j URI is given, else memory",
    )
    data_dir: Path = Field(default_factory=_default_data_dir)
    neo4j_uri: str | None = Field(
        default=None,
        description="neo4j://host:7687 for a cluster or a single server (routed), "
                    "bolt://host:7687 for one server; +s or +ssc after the scheme for TLS")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    query_timeout_seconds: float = Field(default=30.0, gt=0)
    write_timeout_seconds: float = Field(default=300.0, gt=0)
    batch_size: int = Field(default=5000, gt=0)
    neo4j_admin: str | None = Field(
        default=None,
        description="The Neo4j server's neo4j-admin as a command line (e.g. "
                    "/opt/neo4j/bin/neo4j-admin, or `scripts/neo4j.sh admin`): bulk loads run "
                    "its `database import full`")
    neo4j_server: str | None = Field(
        default=None,
        description="A command line that stops or starts the Neo4j server when given `stop` or "
                    "`start` (e.g. /opt/neo4j/bin/neo4j, or scripts/neo4j.sh): a bulk load "
                    "stops the server for the import and starts it again")
    neo4j_import_memory: str = Field(
        default="2g", description="Memory neo4j-admin import may use off the Java heap")

    user_data_file: Path | None = Field(
        default=None,
        description="SQLite file of watchlists and alerts; default user-data.sqlite in the "
                    "data dir",
    )
    alert_webhook_url: str | None = Field(
        default=None, description="new alerts are POSTed here as JSON after each check")
    alert_webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    api_max_depth: int = Field(default=12, gt=0)
    api_max_aliases: int = Field(default=30, gt=0)
    api_max_tokens: int = Field(default=2000, gt=0)
    api_max_cost: int = Field(
        default=200_000, gt=0,
        description="Most fields a query may ask for, each list counted at its page size "
                    "(first, maxNodes ...) or api_list_estimate; the default admits the "
                    "explorer's largest map (2,000 nodes with their links, about 82,000)")
    api_list_estimate: int = Field(
        default=20, gt=0, description="Items a list field without a page size is counted at")
    api_document_cache: int = Field(
        default=256, gt=0,
        description="Query texts whose parse and validation are kept for the next request")
    request_deadline_seconds: float = Field(
        default=30.0, gt=0,
        description="Wall-clock limit of one request; past it the work stops and the client "
                    "gets DEADLINE_EXCEEDED")
    warm_seconds: float = Field(
        default=0.0, ge=0,
        description="How often the server looks for a new load to compute the cross-check "
                    "run and the risk ranking before anyone asks (0: on the first request); "
                    "see docs/cross-checks.md")
    api_workers: int = Field(default=8, gt=0, description="Threads that run store calls")
    api_max_requests: int = Field(
        default=32, gt=0,
        description="Requests served at once; one more gets 503 with Retry-After")

    keys_file: Path | None = Field(
        default=None, description="API keys (credgraph keys add): setting it turns sign-in on")
    oidc_issuer: str | None = Field(
        default=None, description="The OpenID Connect provider whose JWTs are accepted")
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = Field(
        default=None, description="Where the provider publishes its signing keys (JWKS)")
    oidc_role_claim: str = Field(
        default="credgraph_role", description="The JWT claim that names the caller's role")
    oidc_uscc_claim: str = Field(
        default="uscc", description="The JWT claim with an enterprise caller's USCC")
    audit_file: Path | None = Field(
        default=None, description="The audit log (default: audit.log in the data dir)")
    rate_limit_per_key: str = Field(
        default="600/minute", description="Requests one key or token may make (limits syntax)")
    rate_limit_per_ip: str = Field(
        default="300/minute", description="Requests one client address may make without a token")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Origins other than the server's own that browsers may call the API from")
    neo4j_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    neo4j_retry_seconds: float = Field(
        default=1.0, ge=0,
        description="How long the driver retries a read when Neo4j is unreachable")
    log_queue_size: int = Field(
        default=10_000, gt=0,
        description="Log records waiting for the writer; past it records are dropped, never "
                    "the server held")

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, uri: str | None) -> str | None:
        """Refuse a URI the driver cannot speak when the settings are read, not at the first
        query; an empty one (`CREDGRAPH_NEO4J_URI=` in a .env file) is no URI."""
        if not uri:
            return None
        scheme, separator, rest = uri.partition("://")
        if not separator or scheme not in NEO4J_SCHEMES or not rest:
            raise ValueError(f"{uri!r} is not a Neo4j URI: it starts with one of "
                             f"{', '.join(s + '://' for s in NEO4J_SCHEMES)}")
        return uri

    @property
    def store_kind(self) -> StoreKind:
        if self.store is not None:
            return self.store
        return StoreKind.NEO4J if self.neo4j_uri else StoreKind.MEMORY

    @property
    def audit_path(self) -> Path:
        return self.audit_file or self.data_dir / "audit.log"

    @property
    def auth_configured(self) -> bool:
        """Sign-in is on: a keys file or an OIDC issuer is set."""
        return self.keys_file is not None or self.oidc_issuer is not None

    @property
    def graph_file(self) -> Path:
        """Where the embedded store keeps its graph between runs."""
        return self.data_dir / "graph.credgraph"

    @property
    def user_data_path(self) -> Path:
        """Where watchlists and alerts are kept (user data, never register facts)."""
        return self.user_data_file or self.data_dir / "user-data.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
