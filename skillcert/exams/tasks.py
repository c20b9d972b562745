"""Background work: rendering admission tickets (django-tasks; the database backend in
production, the immediate backend under tests). One multi-page PDF per room, the rooms
rendered on every core; progress is written after each room so the page polling the job
sees it move."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from skillcert.common.errors import DomainError
from skillcert.common.render_pool import render_many
from skillcert.exams.models import JobStatus, TicketFile, TicketJob
from skillcert.exams.selectors import ticket_batches, tickets_queryset
from skillcert.exams.tickets import render_tickets_pdf


@task()
def ticket_job_run(job_id: int, base_url: str = "") -> None:
    job = TicketJob.objects.select_related("sitting", "district").get(pk=job_id)
    TicketJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=0)
    tickets = tickets_queryset().filter(sitting=job.sitting)
    if job.district_id is not None:
        tickets = tickets.filter(district_id=job.district_id)
    batches, unseated = ticket_batches(tickets, base_url=base_url)
    pdfs = render_many(render_tickets_pdf, [batch.tickets for batch in batches])
    try:
        for batch, pdf in zip(batches, pdfs, strict=True):
            row = TicketFile(
                job=job, site_id=batch.site_id, room_id=batch.room_id, pages=len(batch.tickets)
            )
            row.file.save(f"tickets-{job.pk}-{batch.room_id}.pdf", ContentFile(pdf), save=False)
            row.save()
            TicketJob.objects.filter(pk=job.pk).update(done=F("done") + len(batch.tickets))
    except DomainError as exc:
        TicketJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=exc.message, finished_at=timezone.now()
        )
        return
    message = f"{unseated} 张准考证的考生尚未安排座位，未生成" if unseated else ""
    TicketJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, message=message, finished_at=timezone.now()
    )
