import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from skillcert.common.errors import DomainError
from skillcert.exams.models import JobStatus, TicketFile, TicketJob
from skillcert.exams.services import seats_assign, ticket_job_start


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_ticket_job_renders_one_pdf_per_room_with_progress(
    sitting_setup, personas, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (200, 200, 220)).save(buffer, "JPEG")
    candidate = sitting_setup.apps_a[0].candidate
    candidate.photo.save("p.jpg", ContentFile(buffer.getvalue()))
    seats_assign(slot=sitting_setup.theory["320100"], seed=5, actor=personas.province)
    with django_capture_on_commit_callbacks(execute=True):
        job = ticket_job_start(
            sitting=sitting_setup.sitting,
            district=sitting_setup.nanjing,
            actor=personas.city_nanjing,
            base_url="https://kw.example.cn",
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 40 and job.percent == 100
    files = list(TicketFile.objects.filter(job=job).order_by("room__code"))
    assert [f.room.code for f in files] == ["001", "002"]
    assert [f.pages for f in files] == [30, 10]
    with files[1].file.open("rb") as handle:
        assert _pages(handle.read()) == 10


def test_ticket_job_without_tickets_is_refused(sitting_setup, personas):
    with pytest.raises(DomainError) as exc:
        ticket_job_start(sitting=sitting_setup.sitting, actor=personas.province)
    assert exc.value.code == "tickets.empty"
    assert not TicketJob.objects.exists()


def test_city_officer_cannot_render_the_whole_province(sitting_setup, personas):
    seats_assign(slot=sitting_setup.theory["320100"], seed=5, actor=personas.province)
    with pytest.raises(DomainError) as exc:
        ticket_job_start(sitting=sitting_setup.sitting, actor=personas.city_nanjing)
    assert exc.value.code == "exams.forbidden"
    assert not TicketJob.objects.exists()
