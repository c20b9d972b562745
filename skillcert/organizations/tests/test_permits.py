import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permits import (
    ACTIONS,
    Listing,
    Standing,
    organization_check_may_evaluate,
    organization_permit,
    organization_permit_check,
    organization_standing,
)
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


# --- the decision, as a table: standing × action ---------------------------------------------

DAY = dt.date(2026, 6, 1)
OCCUPATION = 7
IN_FORCE = Listing("苏人社〔2026〕5号", dt.date(2026, 5, 1), None)
GOOD = Standing(
    name="甲评价中心",
    status="filed",
    valid_from=dt.date(2025, 1, 1),
    valid_until=dt.date(2027, 12, 31),
    day=DAY,
    scope=frozenset({(OCCUPATION, 4)}),
)
STANDINGS = {
    "filed_in_scope": GOOD,
    "unfiled": dataclasses.replace(GOOD, status="unfiled", valid_from=None, valid_until=None),
    "suspended": dataclasses.replace(GOOD, status="suspended"),
    "revoked": dataclasses.replace(GOOD, status="revoked"),
    "exited": dataclasses.replace(GOOD, status="exited"),
    "expired": dataclasses.replace(GOOD, valid_until=dt.date(2026, 5, 31)),
    "not_yet_valid": dataclasses.replace(GOOD, valid_from=dt.date(2026, 6, 2)),
    "blacklisted": dataclasses.replace(GOOD, blacklist=IN_FORCE),
    "abnormal_listed": dataclasses.replace(GOOD, abnormal=IN_FORCE),
    "outside_scope": dataclasses.replace(GOOD, scope=frozenset({(OCCUPATION, 3)})),
    # both lists at once: the blacklist, the graver, is the reason given
    "blacklisted_and_abnormal": dataclasses.replace(GOOD, blacklist=IN_FORCE, abnormal=IN_FORCE),
    # in its scope, but the directory no longer lists the occupation at that level
    "delisted": dataclasses.replace(GOOD, delisted=frozenset({(OCCUPATION, 4)})),
}
# Expected code per standing, for every action ("" = allowed), but for the exceptions below.
EXPECTED = {
    "filed_in_scope": "",
    "unfiled": "org.not_filed",
    "suspended": "org.suspended",
    "revoked": "org.revoked",
    "exited": "org.exited",
    "expired": "org.filing_expired",
    "not_yet_valid": "org.filing_expired",
    "blacklisted": "org.blacklisted",
    "abnormal_listed": "org.abnormal_listed",
    "outside_scope": "org.outside_scope",
    "blacklisted_and_abnormal": "org.blacklisted",
    "delisted": "org.occupation_delisted",
}
# Appointing personnel and item-bank roles concern no occupation, so neither the scope nor the
# directory decides them.
NO_OCCUPATION = {"appoint", "itembank_role"}
# An organisation not yet filed builds its staff: it may appoint and grant item-bank roles.
BEFORE_FILING = {"appoint", "itembank_role"}
# A plan may be drafted while on the abnormal list (filing it is refused).
ABNORMAL_ALLOWS = {"plan_create"}
# Certificates and result registration for those already assessed survive a directory removal.
DIRECTORY_ALLOWS = {"issue", "register_results"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("standing_name", list(STANDINGS))
def test_permit_table(standing_name, action):
    occupation = None if action in NO_OCCUPATION else OCCUPATION
    level = None if action in NO_OCCUPATION else 4
    verdict = organization_permit(
        standing=STANDINGS[standing_name], action=action, occupation_id=occupation, level=level
    )
    expected = EXPECTED[standing_name]
    if standing_name in ("outside_scope", "delisted") and action in NO_OCCUPATION:
        expected = ""
    if standing_name == "unfiled" and action in BEFORE_FILING:
        expected = ""
    if standing_name == "abnormal_listed" and action in ABNORMAL_ALLOWS:
        expected = ""
    if standing_name == "delisted" and action in DIRECTORY_ALLOWS:
        expected = ""
    assert verdict.code == expected
    assert verdict.allowed is (expected == "")
    if expected:
        assert "甲评价中心" in verdict.reason
        assert "不能" in verdict.reason
    else:
        assert verdict.reason == ""


def test_refusal_names_the_action():
    verdict = organization_permit(standing=STANDINGS["abnormal_listed"], action="issue")
    assert (
        verdict.reason
        == "甲评价中心已列入经营异常名录（苏人社〔2026〕5号），不能发放职业技能等级证书"
    )
    with pytest.raises(DomainError) as err:
        verdict.raise_if_refused()
    assert err.value.code == "org.abnormal_listed"


def test_last_valid_day_is_inside_the_filing():
    assert GOOD.valid_until is not None
    last = dataclasses.replace(GOOD, day=GOOD.valid_until)
    assert organization_permit(standing=last, action="issue").allowed


# --- the loader: the standing read from the database -------------------------------------------


def _listing(org, kind, actor, starts_on, ends_on=None):
    credit_listing_add(
        org=org,
        list_kind=kind,
        reason="质量督导发现问题",
        document_no="苏人社〔2026〕7号",
        starts_on=starts_on,
        ends_on=ends_on,
        actor=actor,
    )


def test_standing_reads_listings_in_force_on_the_day(personas, catalogue):
    org = file_org(personas)
    today = timezone.localdate()
    _listing(org, "abnormal", personas.city_nanjing, today, today + dt.timedelta(days=30))
    on_day = organization_standing(org=org, day=today)
    assert on_day.abnormal is not None
    assert on_day.abnormal.document_no == "苏人社〔2026〕7号"
    assert on_day.blacklist is None
    assert organization_standing(org=org, day=today + dt.timedelta(days=31)).abnormal is None
    assert organization_standing(org=org, day=today - dt.timedelta(days=1)).abnormal is None


def test_standing_reads_the_scope_covering_the_day(personas, catalogue):
    org = file_org(personas)
    standing = organization_standing(org=org, day=timezone.localdate())
    assert standing.scope == frozenset({(catalogue.electrician.pk, 4)})
    assert standing.status == "filed"


def test_permit_check_refuses_an_abnormal_listed_organisation(personas, catalogue):
    org = file_org(personas)
    today = timezone.localdate()
    organization_permit_check(
        org=org, action="issue", day=today, occupation_id=catalogue.electrician.pk, level=4
    )
    _listing(org, "abnormal", personas.city_nanjing, today)
    with pytest.raises(DomainError) as err:
        organization_permit_check(
            org=org, action="issue", day=today, occupation_id=catalogue.electrician.pk, level=4
        )
    assert err.value.code == "org.abnormal_listed"
    # plan creation's check does not consult the abnormal list (plan filing does)
    _check(EvaluationOrg.objects.get(pk=org.pk), catalogue.electrician, 4, today)


def test_an_assessment_without_a_level_needs_its_occupation_in_scope_at_some_level():
    """专项职业能力考核 has no level: the occupation must be in scope (at whatever level the
    filing lists it) and not wholly taken off the directory."""
    allowed = organization_permit(
        standing=GOOD, action="plan_create", occupation_id=OCCUPATION, level=None
    )
    assert allowed.allowed
    outside = organization_permit(
        standing=GOOD, action="plan_create", occupation_id=OCCUPATION + 1, level=None
    )
    assert not outside.allowed and outside.code == "org.outside_scope"
    assert "专项职业能力" in outside.reason
    delisted = dataclasses.replace(GOOD, delisted=frozenset({(OCCUPATION, 4)}))
    refused = organization_permit(
        standing=delisted, action="plan_create", occupation_id=OCCUPATION, level=None
    )
    assert not refused.allowed and refused.code == "org.occupation_delisted"
    partly = dataclasses.replace(delisted, scope=frozenset({(OCCUPATION, 4), (OCCUPATION, 3)}))
    assert organization_permit(
        standing=partly, action="plan_create", occupation_id=OCCUPATION, level=None
    ).allowed
