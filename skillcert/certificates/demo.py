"""Demo: certificates for the demo batch's registered, passing results (idempotent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillcert.certificates.models import Certificate, IssueKind
from skillcert.certificates.services import certificate_issue
from skillcert.scoring.selectors import results_registered

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor


def load_certificates_demo(actor: Actor) -> None:
    issued = set(
        Certificate.objects.filter(kind=IssueKind.ISSUED).values_list("result_id", flat=True)
    )
    for result in (
        results_registered()
        .exclude(pk__in=issued)
        .select_related("application__candidate", "occupation", "specialty", "organization")
    ):
        certificate_issue(result=result, actor=actor)
