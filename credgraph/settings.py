"""The one place that reads the environment: every setting credgraph honours."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreKind(StrEnum):
    MEMORY = "memory"
    NEO4J = "neo4j"


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
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    query_timeout_seconds: float = Field(default=30.0, gt=0)
    write_timeout_seconds: float = Field(default=300.0, gt=0)
    batch_size: int = Field(default=5000, gt=0)

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

    @property
    def store_kind(self) -> StoreKind:
        if self.store is not None:
            return self.store
        return StoreKind.NEO4J if self.neo4j_uri else StoreKind.MEMORY

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
