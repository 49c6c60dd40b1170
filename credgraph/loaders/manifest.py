"""A dataset folder's manifest.yaml: who supplied it, when it was extracted, full or delta.

    source: SAMR-registration        # the supplying department or system (default: unknown)
    extracted_at: 2026-11-30T08:00:00+08:00   # the facts' recorded time (default: load time)
    kind: delta                      # full: the source's whole current set of these sections

A date-time without a time zone is read as China time (UTC+8), as registries write them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from credgraph.exc import DatasetError
from credgraph.graph.clock import timestamp

MANIFEST = "manifest.yaml"
CHINA = dt.timezone(dt.timedelta(hours=8))
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
"""An extract stamped later than now by more than this is refused (a wrong clock or date):
its facts would stay invisible to every question asked before that time."""


class FeedKind(StrEnum):
    FULL = "full"
    DELTA = "delta"


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(default="unknown", min_length=1)
    extracted_at: dt.datetime | None = None
    kind: FeedKind = FeedKind.DELTA

    @field_validator("extracted_at", mode="before")
    @classmethod
    def _china_time(cls, value: object) -> object:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=CHINA)
        return value

    def recorded_at(self, now: dt.datetime) -> str:
        """The recorded time of the folder's facts: extracted_at, or the load time."""
        return timestamp(self.extracted_at or now)


def read_manifest(folder: Path, now: dt.datetime) -> Manifest:
    """The folder's manifest (defaults without one); DatasetError naming the key otherwise."""
    path = folder / MANIFEST
    if not path.exists():
        return Manifest()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        manifest = Manifest.model_validate(raw)
    except yaml.YAMLError as e:
        raise DatasetError(MANIFEST, f"not readable YAML ({e})") from e
    except ValidationError as e:
        first = e.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "manifest"
        raise DatasetError(MANIFEST, f"{key}: {first['msg']}") from e
    except UnicodeDecodeError as e:
        raise DatasetError(MANIFEST, "not UTF-8 text") from e
    if manifest.extracted_at is not None and manifest.extracted_at > now + FUTURE_TOLERANCE:
        raise DatasetError(MANIFEST, f"extracted_at {manifest.extracted_at.isoformat()} is in "
                                     "the future")
    return manifest
