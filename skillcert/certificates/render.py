"""The e-certificate PDF: typst with the Noto CJK fonts, a segno QR code and the photo."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from skillcert.common.documents import TypstDocument, content_name, qr_svg
from skillcert.common.fonts import require_glyphs
from skillcert.common.render_pool import render_many

CERTIFICATE = TypstDocument(
    Path(__file__).with_name("typst") / "certificate.typ", reproducible=True
)
NATIONAL_QUERY_NOTICE = (
    "技能人才评价证书全国联网查询：技能人才评价工作网（osta.org.cn）、"
    "国家职业资格证书全国联网查询（zscx.osta.org.cn）"
)


@dataclass(frozen=True)
class CertificateFields:
    """Exactly the fields of DOMAIN.md §5, already formatted for print."""

    title: str  # 证书名称: "职业技能等级证书"
    name: str
    id_type: str
    id_number: str  # masked or full, as the caller decides for the reader
    occupation: str
    specialty: str  # "--" when none
    level: str  # "三级/高级工"
    number: str
    organization: str  # as filed
    issue_date: str  # "2025年6月30日"


def render_certificate_pdf(
    fields: CertificateFields, *, verify_url: str, photo: bytes | None, void_mark: str = ""
) -> bytes:
    """`void_mark` ("已撤销", "已作废"): stamped across a certificate that no longer stands."""
    for name in ("name", "occupation", "specialty", "organization"):
        require_glyphs(getattr(fields, name), field=name)
    photo_name = content_name(photo) if photo else ""
    return CERTIFICATE.render(
        vars(fields)  # flat strings: a copy of the fields, without asdict's deep copy
        | {
            "query_notice": NATIONAL_QUERY_NOTICE,
            "photo": photo_name,
            "qr": qr_svg(verify_url),
            "document_title": f"{fields.title} {fields.number}",
            "void_mark": void_mark,
        },
        files={photo_name: photo} if photo else None,
    )


@dataclass(frozen=True)
class CertificatePage:
    """Everything one certificate PDF is made from (sent to a render worker as is)."""

    fields: CertificateFields
    verify_url: str
    photo: bytes | None
    void_mark: str = ""


def _render_page(page: CertificatePage) -> bytes:
    return render_certificate_pdf(
        page.fields, verify_url=page.verify_url, photo=page.photo, void_mark=page.void_mark
    )


def render_certificate_pdfs(pages: Sequence[CertificatePage]) -> Iterator[bytes]:
    """One PDF per page, in order, rendered on every core when there are enough of them."""
    return render_many(_render_page, pages)
