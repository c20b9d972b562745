"""The render pool: the same bytes as rendering in the process, in order, errors intact."""

import io

import pytest
from PIL import Image

from skillcert.certificates.render import (
    CertificateFields,
    CertificatePage,
    render_certificate_pdf,
    render_certificate_pdfs,
)
from skillcert.common import render_pool
from skillcert.common.errors import DomainError
from skillcert.common.render_pool import IN_PROCESS_BELOW, render_many
from skillcert.exams.tickets import Ticket, TicketFields, TicketSession, render_tickets_pdf

# Headers, schema and bytes do not depend on the database: run in the SQLite pass only.
pytestmark = pytest.mark.once


def _photo(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (shade, 200, 180)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _page(i: int, name: str = "") -> CertificatePage:
    return CertificatePage(
        CertificateFields(
            title="职业技能等级证书",
            name=name or f"持证人{i}",
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
        photo=_photo(i * 20 % 256),
    )


@pytest.fixture(scope="module")
def pool():
    yield render_pool.render_pool()
    render_pool.render_pool_close()


def test_pool_renders_a_certificate_byte_for_byte_as_the_process_does(pool):
    pages = [_page(i) for i in range(IN_PROCESS_BELOW + 2)]
    serial = [
        render_certificate_pdf(p.fields, verify_url=p.verify_url, photo=p.photo) for p in pages
    ]
    pooled = list(render_certificate_pdfs(pages))
    assert pooled == serial
    again = list(render_certificate_pdfs(pages))
    assert again == serial
    assert len(set(serial)) == len(serial)  # each page is its own certificate


def test_pool_renders_rooms_of_tickets_in_order(pool):
    sessions = (TicketSession("理论知识", "2026年6月14日 09:00–10:30", "90分钟"),)
    rooms = [
        [
            Ticket(
                TicketFields(
                    sitting="2026年统一考试",
                    ticket_no=f"T{r:03d}{s:02d}",
                    name=f"考生{r}{s}",
                    id_number="3201**********1234",
                    occupation="企业人力资源管理师",
                    level="四级/中级工",
                    site="南京市第一考点",
                    address="南京市玄武区北京东路1号",
                    room=f"{r:03d}",
                    seat=s + 1,
                    sessions=sessions,
                ),
                check_in_url=f"https://example.cn/c/T{r:03d}{s:02d}",
                photo=None,
            )
            for s in range(3)
        ]
        for r in range(IN_PROCESS_BELOW)
    ]
    assert list(render_many(render_tickets_pdf, rooms)) == [render_tickets_pdf(r) for r in rooms]


def test_an_unprintable_name_in_a_worker_fails_with_its_code(pool):
    pages = [_page(i) for i in range(IN_PROCESS_BELOW)] + [_page(99, name="王\U00030000")]
    with pytest.raises(DomainError) as err:
        list(render_certificate_pdfs(pages))
    assert err.value.code == "pdf.glyph_missing"
    assert err.value.field == "name"


def test_a_small_batch_renders_in_the_calling_process(monkeypatch):
    def refuse():
        raise AssertionError("the pool was started for a small batch")

    monkeypatch.setattr(render_pool, "render_pool", refuse)
    pages = [_page(i) for i in range(IN_PROCESS_BELOW - 1)]
    assert len(list(render_certificate_pdfs(pages))) == IN_PROCESS_BELOW - 1


def test_the_pool_is_replaced_between_batches_once_it_rendered_its_share(monkeypatch):
    """typst keeps every file a worker read; the pool is started afresh, between batches, once
    it has rendered POOL_DOCUMENTS, and the new pool gives the same bytes."""
    render_pool.render_pool_close()
    monkeypatch.setattr(render_pool, "POOL_DOCUMENTS", IN_PROCESS_BELOW)
    pages = [_page(i) for i in range(IN_PROCESS_BELOW)]
    first = list(render_certificate_pdfs(pages))
    used = render_pool.render_pool()
    again = list(render_certificate_pdfs(pages))  # the first pool reached its share
    assert render_pool.render_pool() is not used
    assert again == first
    render_pool.render_pool_close()
