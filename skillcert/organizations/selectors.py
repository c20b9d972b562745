from __future__ import annotations

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.organizations.models import EvaluationOrg


def organizations_visible(*, scope: Scope, q: str = "", kind: str = "") -> QuerySet[EvaluationOrg]:
    """Officers see the organisations in their region; staff see their own organisation."""
    if scope.is_platform:
        orgs = EvaluationOrg.objects.all()
    else:
        orgs = EvaluationOrg.objects.filter(scope.region_q("region") | scope.organization_q("id"))
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    if kind:
        orgs = orgs.filter(kind=kind)
    return orgs.select_related("region").order_by("id")
