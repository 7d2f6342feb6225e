"""Tell a human when a run fails or ends with warnings: a JSON POST to the configured webhook."""

from __future__ import annotations

import logging

import requests

from flows.config import Settings

log = logging.getLogger(__name__)


def notify_webhook(settings: Settings, run) -> bool:
    """POST the run summary to ``notify.webhook_url``; never raises (the run's own status stands)."""
    url = settings.notify.webhook_url
    if not url:
        return False
    payload = {"run_id": run.run_id, "status": run.status, "mode": run.mode, "error": run.error,
               "warnings": run.warnings[:50], "files_new": run.files_new,
               "rows_quarantined": run.rows_quarantined}
    try:
        response = requests.post(url, json=payload, timeout=settings.notify.timeout_seconds)
        response.raise_for_status()
    except requests.RequestException as exc:
        log.warning("could not notify webhook %s: %s", url, exc)
        return False
    return True
