import re
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from skillcert.exams.models import AdmissionTicket, Attendance, StaffAssignment, TicketJob
from skillcert.exams.services import seats_assign
from skillcert.exams.tests.factories import EXAM_DAY, at
from skillcert.plans.tests.factories import make_person


def _seated(setup, personas):
    seats_assign(slot=setup.theory["320100"], seed=4, actor=personas.province)
    return AdmissionTicket.objects.earliest("ticket_no")


def test_candidate_downloads_only_their_own_ticket(sitting_setup, personas):
    ticket = _seated(sitting_setup, personas)
    candidate = ticket.application.candidate
    candidate.user = personas.candidate
    candidate.save(update_fields=["user"])
    client = personas.client_for(personas.candidate)
    page = client.get(reverse("exams:my_tickets"))
    assert ticket.ticket_no in page.content.decode()
    pdf = client.get(reverse("exams:my_ticket_pdf", args=[ticket.ticket_no]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.content)) == 1
    other = AdmissionTicket.objects.exclude(pk=ticket.pk).earliest("ticket_no")
    assert client.get(reverse("exams:my_ticket_pdf", args=[other.ticket_no])).status_code == 404


def test_seat_draw_job_and_site_zip_through_the_pages(
    sitting_setup, personas, django_capture_on_commit_callbacks
):
    client = personas.client_for(personas.city_nanjing)
    slot = sitting_setup.theory["320100"]
    response = client.post(reverse("exams:seats_assign", args=[slot.pk]), {"seed": "11"})
    assert response.status_code == 302 and slot.draws.get().seed == 11
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exams:ticket_job_start", args=[sitting_setup.sitting.pk]),
            {"district": sitting_setup.nanjing.pk},
        )
    job = TicketJob.objects.get()
    assert response.url == reverse("exams:job", args=[job.pk])
    page = client.get(reverse("exams:job", args=[job.pk]))
    assert "已完成" in page.content.decode()
    archive = client.get(reverse("exams:job_site_zip", args=[job.pk, sitting_setup.sites["nj"].pk]))
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    # Suzhou's officer sees neither the job nor the Nanjing slot.
    other = personas.client_for(personas.city_suzhou)
    assert other.get(reverse("exams:job", args=[job.pk])).status_code == 404
    room = sitting_setup.rooms["nj1"]
    assert other.get(reverse("exams:seat_chart", args=[slot.pk, room.pk])).status_code == 404
    chart = client.get(reverse("exams:seat_chart", args=[slot.pk, room.pk]))
    assert chart.status_code == 200 and "座位号从门口起蛇形编排" in chart.content.decode()
    roster = client.get(reverse("exams:roster", args=[slot.pk, room.pk]))
    assert roster.content.startswith(b"%PDF")


def test_check_in_page_for_the_rooms_invigilator(sitting_setup, personas, hr):
    ticket = _seated(sitting_setup, personas)
    slot = sitting_setup.theory["320100"]
    seat = ticket.application.seats.get(slot=slot)
    person = make_person(60, roles=[("examiner", hr, 1, 5)], user=personas.examiner)
    second = make_person(61, roles=[("examiner", hr, 1, 5)])  # a theory room needs two
    for invigilator in (person, second):
        StaffAssignment.objects.create(
            slot=slot, site=seat.room.site, room=seat.room, person=invigilator, duty="invigilator"
        )
    client = personas.client_for(personas.examiner)
    url = reverse("exams:checkin", args=[ticket.token])
    with mock.patch.object(timezone, "now", return_value=at(EXAM_DAY, 8, 45)):
        page = client.get(url)
        assert page.status_code == 200 and ticket.ticket_no in page.content.decode()
        assert personas.client_for(personas.clerk_b).get(url).status_code == 404
        count = page.content.decode().count('type="checkbox"')
        client.post(url, {f"check_{i}": "on" for i in range(count)})
    assert Attendance.objects.get(seat=seat).status == "present"
