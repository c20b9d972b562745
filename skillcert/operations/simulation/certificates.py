"""Stages 14-16: certificates issued and one revoked, verified by QR, documents rendered."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client

from skillcert.certificates.documents import certificate_pdf
from skillcert.certificates.models import Certificate
from skillcert.certificates.services import certificate_revoke, certificates_issue_batch
from skillcert.common.errors import DomainError
from skillcert.exams.models import (
    Sitting,
    TicketJob,
)
from skillcert.exams.services import (
    ticket_job_start,
)
from skillcert.operations.simulation.scenario import (
    SITTING_CODE,
    at,
)
from skillcert.operations.simulation.state import SimulationState
from skillcert.scoring.models import (
    Result,
    ResultStatus,
)


class CertificateStages(SimulationState):
    """Certificates issued, verified and rendered."""

    def stage_certificates(self) -> None:
        with self._stage("证书核发", at(dt.date(2026, 8, 24), 9)) as counts:
            issued = 0
            for city in self.cities:
                ids = list(
                    Result.objects.filter(
                        batch__plan=city.plan, status=ResultStatus.REGISTERED, passed=True
                    ).values_list("pk", flat=True)
                )
                if ids and city.org is not None:
                    assert city.clerk
                    certificates_issue_batch(
                        organization=city.org, result_ids=ids, actor=city.clerk
                    )
                    issued += len(ids)
            self._drain_jobs()
            revoked = (
                Certificate.objects.filter(result__batch__plan__code__startswith="SIM-2026-")
                .order_by("pk")
                .first()
            )
            if revoked is not None:
                certificate_revoke(
                    certificate=revoked,
                    reason="举报核实：申报材料工作年限造假",
                    document_no="苏人社鉴〔2026〕1号",
                    actor=self.users["sim_sheng"],
                )
            counts["证书"] = Certificate.objects.filter(
                result__batch__plan__code__startswith="SIM-2026-"
            ).count()
            counts["撤销"] = 1 if revoked else 0

    # --- 15. verification ------------------------------------------------------------------

    def stage_verification(self) -> None:
        with self._stage("扫码查验", at(dt.date(2026, 8, 25), 9)) as counts:
            host = next(
                (h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")),
                "localhost",
            )
            client = Client(HTTP_HOST=host)
            ok = refused = 0
            for certificate in Certificate.objects.filter(
                result__batch__plan__code__startswith="SIM-2026-"
            ).order_by("?")[:20]:
                response = client.get(f"/v/{certificate.token}")
                if response.status_code == 200:
                    ok += 1
                else:
                    refused += 1
            counts["查验成功"] = ok
            counts["查验失败"] = refused

    # --- 16. documents ---------------------------------------------------------------------

    def stage_pdfs(self) -> None:
        """Admission tickets (one PDF per room, the background job) and every certificate's
        PDF, timed apart from the rest because the targets differ."""

        with self._stage("准考证与证书 PDF", at(dt.date(2026, 8, 26), 9)) as counts:
            sitting = Sitting.objects.get(code=SITTING_CODE)
            job = ticket_job_start(sitting=sitting, actor=self.users["sim_sheng"])
            self._drain_jobs()
            job = TicketJob.objects.get(pk=job.pk)
            counts["准考证"] = job.done
            pages = 0
            for certificate in Certificate.objects.filter(
                result__batch__plan__code__startswith="SIM-2026-"
            ).select_related("result", "organization"):
                pdf = certificate_pdf(certificate)
                if not pdf.startswith(b"%PDF"):
                    raise DomainError("simulate.pdf", f"证书 {certificate.number} 的 PDF 无效")
                pages += 1
            counts["证书PDF"] = pages
