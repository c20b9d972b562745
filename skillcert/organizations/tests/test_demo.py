from skillcert.accounts.actors import DEMO, SystemActor
from skillcert.occupations.demo import load_catalogue_demo
from skillcert.organizations.demo import load_organizations_demo
from skillcert.organizations.models import EvaluationOrg, FilingNumber, OrgStatus


def test_demo_files_organisations_once(personas):
    load_catalogue_demo(SystemActor("test"))
    load_organizations_demo(DEMO)
    filed = EvaluationOrg.objects.filter(status=OrgStatus.FILED)
    assert {o.kind for o in filed} == {"Y", "school", "association"}
    numbers = FilingNumber.objects.count()
    load_organizations_demo(DEMO)
    assert FilingNumber.objects.count() == numbers
    assert all(o.scope.filter(active=True).exists() for o in filed)
