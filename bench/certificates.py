"""Certificate PDFs and token verification at scale (issues 11 and 25, bench/certificates.py).

Targets on this 2-core machine: >= 300 certificate PDFs/s (one file each, with photo and QR)
rendered through the product's render pool (`render_certificate_pdfs`, one worker per core);
1,000 token verifications in <= 1 s. The pool is started and warmed before the clock starts,
as it is in a worker process that renders batch after batch; its start-up is printed apart.

The floor, measured in the same run: raw typst compiles of the same template with the same
data, fed as the product feeds it (a JSON file beside the template; QR SVG and photos prepared
beforehand), one typst.Compiler per core in as many processes. The last line prints PDFs/s,
the floor's PDFs/s and their ratio; exits 1 when a target is missed.

    .venv/bin/python bench/certificates.py [--pdfs 5000]"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from skillcert.certificates.render import (
    CERTIFICATE,
    NATIONAL_QUERY_NOTICE,
    CertificateFields,
    CertificatePage,
    render_certificate_pdfs,
)
from skillcert.certificates.tokens import sign_token, verify_token
from skillcert.common.documents import DATA_FILE, content_name, qr_svg
from skillcert.common.fonts import font_dirs
from skillcert.common.render_pool import pool_size, render_pool

VERIFICATIONS, TARGET_PDFS_PER_SECOND = 1_000, 300.0
KEY = Ed25519PrivateKey.generate()


def _photo(i: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (i % 256, (i * 7) % 256, 180)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def pages(count: int) -> list[CertificatePage]:
    return [
        CertificatePage(
            CertificateFields(
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
            ),
            verify_url=f"https://example.cn/v/k1.{i}",
            photo=_photo(i),
        )
        for i in range(count)
    ]


def time_pdfs(jobs: list[CertificatePage]) -> float:
    started = time.perf_counter()
    rendered = 0
    for pdf in render_certificate_pdfs(jobs):
        assert pdf.startswith(b"%PDF")
        rendered += 1
    assert rendered == len(jobs)
    return time.perf_counter() - started


# --- the floor: typst alone ----------------------------------------------------------------


def _raw_inputs(page: CertificatePage) -> tuple[str, str, bytes]:
    """The template's JSON input exactly as render_certificate_pdf builds it."""
    photo = page.photo or b""
    name = content_name(photo)
    data = {
        **page.fields.__dict__,
        "query_notice": NATIONAL_QUERY_NOTICE,
        "photo": name,
        "qr": qr_svg(page.verify_url),
        "document_title": f"{page.fields.title} {page.fields.number}",
        "void_mark": "",
    }
    return json.dumps(data, ensure_ascii=False), name, photo


def _raw_compile(batch: list[tuple[str, str, bytes]]) -> int:
    import typst

    root = Path(tempfile.mkdtemp(prefix="bench-typst-"))
    main = root / CERTIFICATE.template.name
    main.write_text(CERTIFICATE.template.read_text(encoding="utf-8"), encoding="utf-8")
    compiler = typst.Compiler(
        str(main), root=str(root), font_paths=font_dirs(), ignore_system_fonts=True
    )
    for _, name, photo in batch:
        (root / name).write_bytes(photo)
    data_file = root / DATA_FILE  # the template reads its data here, as the product feeds it
    data_file.write_text(batch[0][0], encoding="utf-8")
    compiler.compile(format="pdf")  # fonts parsed: untimed
    started = time.perf_counter()
    for data, _, _ in batch:
        data_file.write_text(data, encoding="utf-8")
        pdf = compiler.compile(format="pdf")
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    return round((time.perf_counter() - started) * 1e6)


def time_floor(jobs: list[CertificatePage]) -> float:
    """PDFs/s of bare typst compiles on every core (the slowest process's clock counts)."""
    inputs = [_raw_inputs(page) for page in jobs]
    workers = pool_size()
    shares = [inputs[w::workers] for w in range(workers)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        micros = list(pool.map(_raw_compile, shares))
    return len(inputs) / (max(micros) / 1e6)


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
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=5_000)
    count = parser.parse_args().pdfs
    verify_seconds = time_verifications()
    print(f"{VERIFICATIONS:,} token verifications: {verify_seconds:.3f} s (target 1 s)")
    jobs = pages(count)
    started = time.perf_counter()
    render_pool()
    warm = sum(1 for _ in render_certificate_pdfs(pages(4 * pool_size() * 2)))
    print(f"render pool: {pool_size()} workers started and warmed ({warm} PDFs) in "
          f"{time.perf_counter() - started:.1f} s (not timed)")  # fmt: skip
    pdf_seconds = time_pdfs(jobs)
    rate = count / pdf_seconds
    print(f"{count:,} certificate PDFs: {pdf_seconds:.1f} s, {rate:.0f} PDFs/s (target 300/s)")
    floor = time_floor(jobs[: min(count, 2_000)])
    print(f"floor: raw typst compile of the certificate template, {pool_size()} processes: "
          f"{floor:.0f} PDFs/s")  # fmt: skip
    ok = rate >= TARGET_PDFS_PER_SECOND and verify_seconds <= 1
    verdict = "OK" if ok else "MISSED"
    print(
        f"certificates: {rate:.0f} PDFs/s / floor {floor:.0f} PDFs/s = {rate / floor:.2f}; "
        f"{VERIFICATIONS / verify_seconds:,.0f} verifications/s {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
