"""The one lock helper of the organisation aggregate: every write that changes an
organisation's status, scope, filing or credit listings serialises on its row."""

from __future__ import annotations

from skillcert.organizations.models import EvaluationOrg


def org_lock(org_id: int) -> EvaluationOrg:
    """Lock and re-read the organisation (call inside transaction.atomic)."""
    return EvaluationOrg.objects.select_for_update().get(pk=org_id)
