from io import StringIO

from django.core.management import call_command

from skillcert.scoring.models import BatchStatus, Result, ResultBatch
from skillcert.scoring.selectors import results_registered


def test_demo_registers_a_scored_published_batch_and_is_idempotent(db):
    call_command("demo", "--simulation", "none", stdout=StringIO())
    batch = ResultBatch.objects.get()
    assert batch.status == BatchStatus.REGISTERED
    count = Result.objects.count()
    assert count and results_registered(plan=batch.plan).exists()
    assert Result.objects.filter(practical_state="absent", passed=False).exists()
    call_command("demo", "--simulation", "none", stdout=StringIO())
    assert (ResultBatch.objects.count(), Result.objects.count()) == (1, count)
