from io import StringIO

from django.core.management import call_command

from skillcert.personnel.models import Card, Person, PersonRole, TrainingPlan


def test_demo_links_kaoping_and_dudao_and_is_idempotent(db):
    call_command("demo", "--simulation", "none", stdout=StringIO())
    counts = (Person.objects.count(), Card.objects.count(), TrainingPlan.objects.count())
    call_command("demo", "--simulation", "none", stdout=StringIO())
    assert (Person.objects.count(), Card.objects.count(), TrainingPlan.objects.count()) == counts
    examiner = PersonRole.objects.get(person__user__username="kaoping")
    assert (examiner.role, examiner.status) == ("examiner", "active")
    supervisor = PersonRole.objects.get(person__user__username="dudao")
    assert supervisor.role == "supervisor_external"
    assert Card.objects.get(person__user__username="kaoping").status == "collected"


def test_daily_command_reports_its_work(db):
    out = StringIO()
    call_command("personnel_daily", "--date", "2026-06-01", stdout=out)
    assert "作废证卡 0 张" in out.getvalue()
