import pytest
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.applications.models import Application, Status
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.plans.tests.factories import file_org, make_candidate
from skillcert.scoring.models import Result, ResultBatch, ResultStatus


def level4_result(batch: ResultBatch, candidate, hr, *, passed: bool, registered: bool = True):
    """`candidate`'s approved 四级 application in the batch's plan and its result, registered
    or only published (the scoring workflow that produces results is tested in scoring)."""
    application = Application.objects.create(
        plan=batch.plan, candidate=candidate, occupation=hr, level=4, status=Status.APPROVED
    )
    return Result.objects.create(
        batch=batch,
        application=application,
        organization=batch.plan.organization,
        occupation=hr,
        level=4,
        candidate_ref=f"T{application.pk:05d}",
        passed=passed,
        status=ResultStatus.REGISTERED if registered else ResultStatus.PUBLISHED,
        registered_at=timezone.now() if registered else None,
        published_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def certificate(personas, hr):
    """A 三级 企业人力资源管理师 certificate org_a issued to candidate 1."""
    file_org(personas.org_a, [hr], (3,))
    return certificate_issue_for(
        organization=personas.org_a,
        holder=Holder(make_candidate(1), hr, "", 3),
        actor=SystemActor("test"),
    )


@pytest.fixture
def special_certificate(personas, special):
    """A 专项职业能力证书 (no level) org_a issued to candidate 7."""
    file_org(personas.org_a, [], ())
    return certificate_issue_for(
        organization=personas.org_a,
        holder=Holder(make_candidate(7), special, "", None),
        actor=SystemActor("test"),
    )
