"""Certificate PDFs and bulk ZIP downloads."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from skillcert.certificates.choices import CertificateStatus
from skillcert.certificates.render import (
    CertificateFields,
    CertificatePage,
    render_certificate_pdf,
    render_certificate_pdfs,
)
from skillcert.certificates.selectors import verify_url
from skillcert.common.identifiers import mask_id_number

if TYPE_CHECKING:
    from skillcert.certificates.models import Certificate


def certificate_fields(certificate: Certificate, *, full_id_number: bool) -> CertificateFields:
    return CertificateFields(
        title=certificate.title,
        name=certificate.holder_name,
        id_type=certificate.id_type,
        id_number=certificate.id_number
        if full_id_number
        else mask_id_number(certificate.id_number),
        occupation=certificate.occupation_name,
        specialty=certificate.specialty_name or "--",
        level=certificate.level_text,
        number=certificate.number,
        organization=certificate.organization_name,
        issue_date=f"{certificate.issue_date.year}年{certificate.issue_date.month}月{certificate.issue_date.day}日",
    )


# Printed across a certificate that no longer stands, so a downloaded copy cannot pass for a
# valid one.
VOID_MARKS = {CertificateStatus.REVOKED: "已撤销", CertificateStatus.SUPERSEDED: "已作废"}


def certificate_page(certificate: Certificate, *, full_id_number: bool = True) -> CertificatePage:
    return CertificatePage(
        certificate_fields(certificate, full_id_number=full_id_number),
        verify_url=verify_url(certificate),
        photo=bytes(certificate.photo) or None,
        void_mark=VOID_MARKS.get(CertificateStatus(certificate.status), ""),
    )


def certificate_pdf(certificate: Certificate, *, full_id_number: bool = True) -> bytes:
    page = certificate_page(certificate, full_id_number=full_id_number)
    return render_certificate_pdf(
        page.fields, verify_url=page.verify_url, photo=page.photo, void_mark=page.void_mark
    )


def certificate_pdfs(certificates: Iterable[Certificate]) -> Iterator[tuple[Certificate, bytes]]:
    """Each certificate with its PDF, in order; a large batch renders on every core."""
    chosen = list(certificates)
    pdfs = render_certificate_pdfs([certificate_page(c) for c in chosen])
    return zip(chosen, pdfs, strict=True)


# Path separators and characters Windows refuses in file names: a holder's name is typed by
# people and must not make an archive entry climb out of the folder it is extracted into.
_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def _entry_name(certificate: Certificate) -> str:
    return f"{certificate.number}-{_UNSAFE_IN_FILE_NAME.sub('_', certificate.holder_name)}.pdf"


def certificates_zip(certificates: Iterable[Certificate]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate, pdf in certificate_pdfs(certificates):
            archive.writestr(_entry_name(certificate), pdf)
    return buffer.getvalue()
