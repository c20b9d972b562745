import datetime as dt

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permits import organization_check_may_evaluate
from skillcert.organizations.services import (
    organization_exit,
    organization_revoke,
    organization_suspend,
)
from skillcert.organizations.tests.conftest import file_org


def _check(org, occupation, level=4, day=None):
    organization_check_may_evaluate(
        org=org, occupation_id=occupation.pk, level=level, day=day or timezone.localdate()
    )


def _code(org, occupation, level=4, day=None):
    with pytest.raises(DomainError) as err:
        _check(org, occupation, level, day)
    return err.value.code


def test_filed_organisation_may_evaluate_within_scope(personas, catalogue):
    org = file_org(personas)
    _check(org, catalogue.electrician, 4)


def test_outside_scope_is_refused(personas, catalogue):
    org = file_org(personas)
    assert _code(org, catalogue.electrician, 3) == "org.outside_scope"
    assert _code(org, catalogue.hr, 4) == "org.outside_scope"


def test_unfiled_organisation_may_not_evaluate(personas, catalogue):
    assert _code(personas.org_a, catalogue.electrician) == "org.not_filed"


def test_suspended_organisation_may_not_file_plans(personas, catalogue):
    org = file_org(personas)
    organization_suspend(org=org, reason="x", document_no="y", actor=personas.city_nanjing)
    org.refresh_from_db()
    assert _code(org, catalogue.electrician) == "org.suspended"


def test_exited_and_revoked_organisations_may_not_evaluate(personas, catalogue):
    org = file_org(personas)
    organization_exit(org=org, reason="x", actor=personas.clerk_a)
    org.refresh_from_db()
    assert _code(org, catalogue.electrician) == "org.exited"
    other = file_org(personas, org=personas.org_b)
    organization_revoke(org=other, reason="x", document_no="y", actor=personas.province)
    other.refresh_from_db()
    assert _code(other, catalogue.electrician) == "org.revoked"


def test_expired_filing_may_not_be_used_for_a_plan(personas, catalogue):
    org = file_org(personas)
    assert org.valid_until is not None
    day_after = org.valid_until + dt.timedelta(days=1)
    assert _code(org, catalogue.electrician, 4, day_after) == "org.filing_expired"
    _check(org, catalogue.electrician, 4, org.valid_until)


def test_blacklisted_organisation_may_not_evaluate(personas, catalogue):
    org = file_org(personas)
    credit_listing_add(
        org=org,
        list_kind="blacklist",
        reason="伪造材料",
        document_no="苏人社〔2026〕5号",
        starts_on=timezone.localdate(),
        actor=personas.province,
    )
    assert _code(EvaluationOrg.objects.get(pk=org.pk), catalogue.electrician) == "org.blacklisted"
