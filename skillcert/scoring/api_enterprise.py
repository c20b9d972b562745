"""API for enterprise self-evaluation: schemes, dimension scores, competitions and 直评."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["enterprise"])
