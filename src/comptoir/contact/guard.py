"""Spam rules for the public contact form (pure): no captcha, no third-party service.

- a honeypot field that people never see (and so never fill);
- the time taken to fill the form: a person needs a few seconds, a robot posts at once;
- links: a request full of URLs is advertising.
Rate limits (per client and per address) are counted by the service over stored requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_SECONDS = 3
MAX_LINKS = 3
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    spam: bool
    reason: str = ""


def judge(*, honeypot: str, seconds_to_fill: float | None, text: str) -> Verdict:
    """Spam or not, with the reason kept for the log (never shown to the sender)."""
    if honeypot.strip():
        return Verdict(True, "honeypot filled")
    if seconds_to_fill is None:
        return Verdict(True, "form token missing or forged")
    if seconds_to_fill < MIN_SECONDS:
        return Verdict(True, f"filled in {seconds_to_fill:.1f} s")
    if len(_URL.findall(text)) > MAX_LINKS:
        return Verdict(True, "too many links")
    return Verdict(False)
