from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from skillcert.accounts.models import User
from skillcert.accounts.scope import scope_for
from skillcert.reporting.selectors import Filters, dashboard
from skillcert.supervision.models import (
    Complaint,
    CorrectiveAction,
    Evidence,
    SupervisionDraw,
    Visit,
)


def test_demo_draws_a_visit_with_a_finding_and_a_complaint_in_handling_idempotently(db):
    call_command("demo", "--simulation", "none", stdout=StringIO())
    counts = (SupervisionDraw.objects.count(), Visit.objects.count(), Complaint.objects.count())
    call_command("demo", "--simulation", "none", stdout=StringIO())
    assert (
        SupervisionDraw.objects.count(),
        Visit.objects.count(),
        Complaint.objects.count(),
    ) == counts
    visit = Visit.objects.get()
    assert visit.status == "reported" and visit.findings.count() == 1
    assert Evidence.objects.count() == 1 and CorrectiveAction.objects.count() == 1
    assert Complaint.objects.get().status == "handling"
    tables = {
        t.key: t
        for t in dashboard(
            scope_for(User.objects.get(username="sheng")), Filters(), today=timezone.localdate()
        )
    }
    assert tables["orgs_status"].total >= 3 and tables["apps_status"].total >= 5
    assert tables["visits"].total == 1 and tables["complaints"].total == 1
