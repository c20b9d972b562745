"""Certificate PDFs and token verification at scale (issue 11, bench/certificates.py).

Targets: 10,000 certificate PDFs (one file each, with photo and QR) in <= 120 s on this 2-core
machine; 1,000 token verifications in <= 1 s. Prints PDFs per second and verifications per
second on the last line; exits 1 when a target is missed."""

from __future__ import annotations

import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from skillcert.certificates.render import CertificateFields, render_certificate_pdf
from skillcert.certificates.tokens import sign_token, verify_token

PDFS, VERIFICATIONS = 10_000, 1_000
KEY = Ed25519PrivateKey.generate()


def _photo(i: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (i % 256, (i * 7) % 256, 180)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _render(bounds: tuple[int, int]) -> int:
    start, stop = bounds
    for i in range(start, stop):
        fields = CertificateFields(
            title="职业技能等级证书",
            name=f"持证人{i}",
            id_type="居民身份证",
            id_number="3201**********1234",
            occupation="企业人力资源管理师",
            specialty="--",
            level="三级/高级工",
            number=f"S000032000001263{i:06d}",
            organization="南京金陵人力资源职业技能评价中心",
            issue_date="2026年6月30日",
        )
        pdf = render_certificate_pdf(
            fields, verify_url=f"https://example.cn/v/k1.{i}", photo=_photo(i)
        )
        assert pdf.startswith(b"%PDF")
    return stop - start


def time_pdfs(processes: int = 2) -> float:
    step = 250
    ranges = [(a, min(a + step, PDFS)) for a in range(0, PDFS, step)]
    started = time.perf_counter()
    with ProcessPoolExecutor(processes) as pool:
        assert sum(pool.map(_render, ranges)) == PDFS
    return time.perf_counter() - started


def time_verifications() -> float:
    payload = {
        "n": "S000032000001263000001",
        "name": "张三",
        "id": "3201**********1234",
        "occ": "企业人力资源管理师",
        "lvl": 3,
        "org": "南京金陵",
        "date": "2026-06-30",
    }
    tokens = [
        sign_token(kid="k1", key=KEY, payload=payload | {"n": f"S000032000001263{i:06d}"})
        for i in range(VERIFICATIONS)
    ]
    keys = {"k1": KEY.public_key()}
    started = time.perf_counter()
    assert all(verify_token(t, public_keys=keys).valid for t in tokens)
    return time.perf_counter() - started


def main() -> int:
    verify_seconds = time_verifications()
    print(f"{VERIFICATIONS:,} token verifications: {verify_seconds:.3f} s (target 1 s)")
    pdf_seconds = time_pdfs()
    print(f"{PDFS:,} certificate PDFs: {pdf_seconds:.1f} s (target 120 s)")
    ok = pdf_seconds <= 120 and verify_seconds <= 1
    verdict = "OK" if ok else "MISSED"
    print(
        f"certificates: {PDFS / pdf_seconds:.0f} PDFs/s, "
        f"{VERIFICATIONS / verify_seconds:,.0f} verifications/s {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
