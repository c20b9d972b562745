import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.plans.tests.factories import file_org, make_candidate


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
