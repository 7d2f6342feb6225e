"""Set up the embedded default: the synthetic demo inbox and a local pseudonymisation key.

``socek run`` on an empty inbox and ``socek demo-data`` both come here, so ``make run`` works on a
fresh machine with no real data and no network. The demo's external snapshots (Kolada, SCB,
Bolagsverket) are shipped in ``config/snapshots/demo`` and are not rewritten here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.config import Settings
from flows.intake.pseudonymise import ensure_local_key


@dataclass
class DemoResult:
    out: Path
    file_count: int
    key_created: bool


def inbox_is_empty(settings: Settings) -> bool:
    inbox = settings.path("inbox")
    return not inbox.exists() or not any(p.is_file() for p in inbox.rglob("*"))


def prepare_demo(settings: Settings, out: Path | None = None, seed: int = 42) -> DemoResult:
    """Write the demo inbox (deterministic for the seed) and make sure a hashing key exists."""
    from flows.demo.deliveries import write_demo_inbox

    out = out or settings.path("inbox")
    key_created = ensure_local_key(settings.path("secrets"))
    if key_created:
        print(f"socek: created a random local pseudonymisation key in {settings.path('secrets')} "
              "(keep it; never commit it)")
    write_demo_inbox(settings, out, seed=seed)
    return DemoResult(out=out, file_count=sum(1 for p in out.rglob("*") if p.is_file()), key_created=key_created)
