"""The e-certificate PDF: typst with the Noto CJK fonts, a segno QR code and the photo.

One typst Compiler is kept per process: it holds the parsed fonts, which is what makes a PDF
cost milliseconds instead of a third of a second."""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import segno
import typst

from skillcert.certificates.fonts import font_dirs, require_glyphs

TEMPLATE = Path(__file__).with_name("typst") / "certificate.typ"
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


_lock = threading.Lock()


@cache
def _workspace() -> tuple[Path, typst.Compiler]:
    root = Path(tempfile.mkdtemp(prefix="skillcert-typst-"))
    (root / "certificate.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    compiler = typst.Compiler(
        str(root / "certificate.typ"),
        root=str(root),
        font_paths=font_dirs(),
        ignore_system_fonts=True,
    )
    return root, compiler


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def render_certificate_pdf(
    fields: CertificateFields, *, verify_url: str, photo: bytes | None
) -> bytes:
    for name in ("name", "occupation", "specialty", "organization"):
        require_glyphs(getattr(fields, name), field=name)
    root, compiler = _workspace()
    photo_name = ""
    if photo:
        # Content-addressed, so the compiler's file cache can never serve another photo.
        photo_name = f"photo-{hashlib.sha256(photo).hexdigest()}.img"
        path = root / photo_name
        if not path.exists():
            path.write_bytes(photo)
    data = asdict(fields) | {"photo": photo_name, "query_notice": NATIONAL_QUERY_NOTICE}
    with _lock:  # the compiler is not documented as thread-safe
        pdf = compiler.compile(
            format="pdf",
            sys_inputs={"data": json.dumps(data, ensure_ascii=False), "qr": qr_svg(verify_url)},
        )
    if photo_name:
        (root / photo_name).unlink(missing_ok=True)
    assert isinstance(pdf, bytes)
    return pdf
