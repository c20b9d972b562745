"""Admission tickets (准考证) as PDFs: one page per candidate, with photo, masked ID and a
check-in QR code. Pure rendering: the logistics services decide what goes on the ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from skillcert.common.documents import TypstDocument, content_name, qr_svg
from skillcert.common.errors import DomainError
from skillcert.common.fonts import require_glyphs

TICKET = TypstDocument(Path(__file__).with_name("typst") / "ticket.typ", reproducible=True)

DEFAULT_RULES = (
    "考生凭准考证和有效身份证件入场，二者缺一不得参加考试。",
    "开考30分钟后不得入场；开考30分钟内不得离场。",
    "除规定文具外，手机等电子设备须关机并放在指定位置。",
    "服从监考人员安排，遵守考场纪律；违纪作弊者按有关规定处理。",
)


@dataclass(frozen=True)
class TicketSession:
    subject: str  # 理论知识 / 操作技能 / 综合评审
    time: str  # "2025年6月14日 09:00–10:30"
    duration: str  # "90分钟"


@dataclass(frozen=True)
class TicketFields:
    sitting: str  # "2025年江苏省企业人力资源管理师职业技能等级认定统一考试"
    ticket_no: str
    name: str
    id_number: str  # masked
    occupation: str
    level: str
    site: str
    address: str
    room: str
    seat: int
    sessions: tuple[TicketSession, ...]
    rules: tuple[str, ...] = field(default=DEFAULT_RULES)


@dataclass(frozen=True)
class Ticket:
    fields: TicketFields
    check_in_url: str
    photo: bytes | None


def render_tickets_pdf(tickets: Sequence[Ticket]) -> bytes:
    """One PDF, one page per ticket, in the given order (a room's or a site's tickets)."""
    if not tickets:
        raise DomainError("tickets.empty", "没有需要生成的准考证")
    pages: list[dict[str, object]] = []
    files: dict[str, bytes] = {}
    for ticket in tickets:
        fields = ticket.fields
        for name in ("name", "site", "address", "occupation"):
            require_glyphs(getattr(fields, name), field=name)
        photo_name = content_name(ticket.photo) if ticket.photo else ""
        if ticket.photo:
            files[photo_name] = ticket.photo
        page = asdict(fields)
        page |= {"seat": str(fields.seat), "photo": photo_name, "qr": qr_svg(ticket.check_in_url)}
        pages.append(page)
    return TICKET.render(pages, files=files)


def render_ticket_pdf(fields: TicketFields, *, check_in_url: str, photo: bytes | None) -> bytes:
    return render_tickets_pdf([Ticket(fields, check_in_url, photo)])
