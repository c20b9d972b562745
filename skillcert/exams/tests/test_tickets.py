import io
import re

import pytest
from PIL import Image

from skillcert.common.errors import DomainError
from skillcert.exams.tickets import TicketFields, TicketSession, render_ticket_pdf


def _fields(name="李䶮"):
    return TicketFields(
        sitting="2025年江苏省职业技能等级认定统一考试",
        ticket_no="T2025320100001",
        name=name,
        id_number="3201**********1234",
        occupation="企业人力资源管理师",
        level="三级/高级工",
        site="南京市第一考点",
        address="南京市玄武区北京东路1号",
        room="012",
        seat=17,
        sessions=(
            TicketSession("理论知识", "2025年6月14日 09:00–10:30", "90分钟"),
            TicketSession("操作技能", "2025年6月14日 14:00–16:00", "120分钟"),
        ),
    )


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (230, 230, 240)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_ticket_is_one_a4_page():
    pdf = render_ticket_pdf(
        _fields(), check_in_url="https://example.cn/c/T2025320100001", photo=_photo()
    )
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1


def test_two_tickets_never_share_a_photo():
    one = render_ticket_pdf(_fields("甲"), check_in_url="u1", photo=_photo())
    other_photo = io.BytesIO()
    Image.new("RGB", (295, 413), (10, 10, 10)).save(other_photo, "JPEG")
    two = render_ticket_pdf(_fields("甲"), check_in_url="u1", photo=other_photo.getvalue())
    assert one != two


def test_unprintable_name_fails_loudly():
    with pytest.raises(DomainError) as err:
        render_ticket_pdf(_fields("王\U00030000"), check_in_url="u", photo=None)
    assert err.value.code == "pdf.glyph_missing"


def test_a_room_renders_as_one_pdf_with_a_page_per_ticket():
    from skillcert.exams.tickets import Ticket, render_tickets_pdf

    tickets = [Ticket(_fields(f"考生{i}"), f"https://example.cn/c/{i}", _photo()) for i in range(5)]
    pdf = render_tickets_pdf(tickets)
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 5


def test_an_empty_batch_is_refused():
    from skillcert.exams.tickets import render_tickets_pdf

    with pytest.raises(DomainError) as err:
        render_tickets_pdf([])
    assert err.value.code == "tickets.empty"
