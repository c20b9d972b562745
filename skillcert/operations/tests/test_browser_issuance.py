"""Browser journey for 证书签发: from a registered result batch (set up through the services and
factories), the organisation's clerk opens 证书签发 from the menu, starts the batch's job and
waits for it to finish; the candidate then finds the certificate on 我的证书 the same day and
downloads its PDF, whose QR code a phone would read as the certificate's verification link."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from skillcert.certificates.models import Certificate
from skillcert.certificates.selectors import verify_url
from skillcert.certificates.tests.test_issue_pages import _batch
from skillcert.operations.tests.browser import BROWSER, download, log_in, qr_codes_in_pdf, shot
from skillcert.plans.tests.factories import make_candidate

pytestmark = BROWSER


def test_clerk_issues_a_registered_batch_and_the_candidate_downloads_it(
    personas: Any,
    plan: Any,
    hr: Any,
    open_page: Any,
    screenshots: Any,
    settings: Any,
    live_server: Any,
) -> None:
    settings.SKILLCERT_PUBLIC_URL = live_server.url  # what the certificate's QR code points at
    holder = make_candidate(1, user=personas.candidate)
    _batch(plan, hr, passing=1, failing=1, candidate=holder)
    assert not Certificate.objects.exists()

    # 1. The clerk opens 证书签发 from the menu and the registered batch.
    clerk = open_page()
    log_in(clerk, personas.clerk_a.username)
    clerk.locator("header nav").get_by_role("link", name="证书签发").click()
    shot(clerk, screenshots, "issue-01-list", "证书签发", plan.code)
    clerk.get_by_role("link", name=f"{plan.code} {plan.title}").click()
    shot(clerk, screenshots, "issue-02-batch", "待发证 1 人", holder.full_name)

    # 2. Starts the batch's job and waits for it to finish.
    clerk.get_by_role("button", name="开始批量发证").click()
    clerk.get_by_text("已完成：签发 1 张证书").wait_for()
    shot(clerk, screenshots, "issue-03-done", "批量发证", "已完成：签发 1 张证书")
    certificate = Certificate.objects.get()
    assert certificate.candidate_id == holder.pk
    assert certificate.issue_date == timezone.localdate()

    # 3. The candidate finds it on 我的证书 the same day and downloads the PDF.
    candidate = open_page()
    log_in(candidate, personas.candidate.username)
    candidate.locator("header").get_by_role("link", name="证书", exact=True).click()
    shot(candidate, screenshots, "issue-04-mine", "我的证书", certificate.number)
    candidate.get_by_role("link", name=certificate.number).click()
    shot(candidate, screenshots, "issue-05-certificate", certificate.number, holder.full_name)
    pdf = download(candidate, "下载电子证书（PDF）")
    assert pdf.startswith(b"%PDF-")
    assert qr_codes_in_pdf(pdf) == [verify_url(certificate)]
