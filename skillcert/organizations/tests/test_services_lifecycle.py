import datetime as dt

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.filing import filing_application_start
from skillcert.organizations.models import (
    CreditEvent,
    EvaluationOrg,
    FilingApplication,
    FilingPurpose,
    FilingStatus,
    OrgEvent,
    OrgScope,
    OrgStatus,
)
from skillcert.organizations.services import (
    organization_exit,
    organization_resume,
    organization_revoke,
    organization_scope_drop,
    organization_suspend,
)
from skillcert.organizations.tests.conftest import file_org
from skillcert.regions.models import Region


def test_city_suspends_and_resumes_with_events_and_a_credit_line(personas, catalogue):
    org = file_org(personas)
    organization_suspend(
        org=org,
        reason="督导发现考务不规范",
        document_no="宁人社〔2026〕9号",
        actor=personas.city_nanjing,
    )
    assert EvaluationOrg.objects.get(pk=org.pk).status == OrgStatus.SUSPENDED
    assert CreditEvent.objects.filter(org=org, kind="suspended").count() == 1
    organization_resume(org=org, reason="已整改", actor=personas.city_nanjing)
    assert EvaluationOrg.objects.get(pk=org.pk).status == OrgStatus.FILED
    assert list(OrgEvent.objects.filter(org=org).values_list("kind", flat=True)) == [
        "resumed",
        "suspended",
        "filed",
    ]


def test_suspension_needs_a_reason_and_a_document_number(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        organization_suspend(org=org, reason="原因", document_no=" ", actor=personas.city_nanjing)
    assert err.value.code == "org.document_required"
    assert EvaluationOrg.objects.get(pk=org.pk).status == OrgStatus.FILED


def test_unfiled_organisation_cannot_be_suspended(personas):
    with pytest.raises(DomainError) as err:
        organization_suspend(
            org=personas.org_a, reason="x", document_no="y", actor=personas.city_nanjing
        )
    assert err.value.code == "status.transition_not_allowed"


def test_city_officer_cannot_revoke_but_province_can(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        organization_revoke(org=org, reason="x", document_no="y", actor=personas.city_nanjing)
    assert err.value.code == "org.forbidden"
    organization_revoke(
        org=org, reason="出租出借证书", document_no="苏人社〔2026〕3号", actor=personas.province
    )
    org.refresh_from_db()
    assert org.status == OrgStatus.REVOKED
    assert org.filing_number == "S000032000001"
    assert not OrgScope.objects.filter(org=org, active=True).exists()


def test_officer_of_another_city_cannot_suspend(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        organization_suspend(org=org, reason="x", document_no="y", actor=personas.city_suzhou)
    assert err.value.code == "org.forbidden"


def test_voluntary_exit_closes_scope_and_open_applications(personas, catalogue):
    org = file_org(personas)
    EvaluationOrg.objects.filter(pk=org.pk).update(
        valid_until=timezone.localdate() + dt.timedelta(days=10)
    )
    org.refresh_from_db()
    application = filing_application_start(
        org=org,
        purpose=FilingPurpose.RENEWAL,
        service_region=Region.objects.get(code="320100"),
        actor=personas.clerk_a,
    )
    organization_exit(org=org, reason="不再开展认定", actor=personas.clerk_a)
    assert EvaluationOrg.objects.get(pk=org.pk).status == OrgStatus.EXITED
    assert FilingApplication.objects.get(pk=application.pk).status == FilingStatus.WITHDRAWN
    assert OrgScope.objects.filter(org=org, active=True).count() == 0


def test_exited_organisation_cannot_exit_again(personas, catalogue):
    org = file_org(personas)
    organization_exit(org=org, reason="不再开展认定", actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        organization_exit(org=org, reason="再次", actor=personas.clerk_a)
    assert err.value.code == "status.transition_not_allowed"


def test_clerk_of_another_organisation_cannot_exit_it(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        organization_exit(org=org, reason="x", actor=personas.clerk_b)
    assert err.value.code == "org.forbidden"


def test_scope_lines_can_be_dropped_without_review_but_not_all(personas, catalogue):
    org = file_org(personas, lines=[("6-31-01-03", 4), ("6-31-01-03", 3)])
    lines = list(OrgScope.objects.filter(org=org, active=True).order_by("level"))
    assert (
        organization_scope_drop(
            org=org, scope_ids=[lines[0].pk], reason="缺少三级考评员", actor=personas.clerk_a
        )
        == 1
    )
    with pytest.raises(DomainError) as err:
        organization_scope_drop(
            org=org, scope_ids=[lines[1].pk], reason="x", actor=personas.clerk_a
        )
    assert err.value.code == "org.scope_would_be_empty"
    assert OrgScope.objects.filter(org=org, active=True).count() == 1


def test_dropping_an_unknown_line_changes_nothing(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        organization_scope_drop(org=org, scope_ids=[999999], reason="x", actor=personas.clerk_a)
    assert err.value.code == "org.scope_line_unknown"
    assert OrgScope.objects.filter(org=org, active=True).count() == 1
