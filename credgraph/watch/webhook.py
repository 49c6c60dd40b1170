"""Delivery of new alerts to a webhook (Settings.alert_webhook_url): one POST of JSON
`{"alerts": [...]}` per check. A failed delivery is logged and retried after the next check;
it never fails the check or the load that ran it."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)


class Webhook:
    def __init__(self, url: str, timeout_seconds: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"alert webhook URL must be http(s): {url!r}")
        self.url, self.timeout = url, timeout_seconds

    def send(self, alerts: Sequence[dict[str, Any]]) -> bool:
        """POST the alerts; True when the server answered 2xx."""
        body = json.dumps({"alerts": list(alerts)}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "content-type": "application/json; charset=utf-8", "user-agent": "credgraph"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return 200 <= int(response.status) < 300
        except (urllib.error.URLError, OSError) as e:
            log.warning("alert webhook %s failed: %s", self.url, e)
            return False
