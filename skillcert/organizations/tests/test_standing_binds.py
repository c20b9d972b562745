"""The standing of an organisation binds every service that depends on it (issue #23): one
table over every (standing × action), each cell calling the real service on a fixed day.

Each standing is brought about through the organisations services (suspension, exit,
revocation, credit listings, a removal from the directory); the expired filing is the one
made by moving its end date, as the passing of time would. A refused cell must raise the
permit's code and leave no audit record of the action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from skillcert.applications.services import application_create, application_submit
from skillcert.audit.models import AuditEvent
from skillcert.candidates.models import Candidate
from skillcert.certificates.issuing import Holder, certificate_issue_for
from skillcert.certificates.selectors import certificate_verify_token
from skillcert.common.errors import DomainError
from skillcert.itembank.models import ItemBank
from skillcert.itembank.services import itembank_role_grant
from skillcert.occupations.models import DirectoryEntry, Occupation
from skillcert.occupations.services import directory_entry_add, directory_entry_remove
from skillcert.organizations.catalogue import ScopeRequest
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.filing import filing_application_start, filing_scope_set
from skillcert.organizations.models import EvaluationOrg, FilingPurpose
from skillcert.organizations.services import (
    organization_exit,
    organization_revoke,
    organization_suspend,
)
from skillcert.personnel.services import confidentiality_sign
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_create, plan_file
from skillcert.plans.tests.factories import make_candidate, make_person
from skillcert.regions.models import Region
from skillcert.scoring.services import batch_open, batch_register, batch_registration_submit

DAY = dt.date(2026, 6, 1)
NOON = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DOCUMENT = "苏人社〔2026〕9号"


@dataclass
class World:
    personas: Any
    org: EvaluationOrg
    plan: EvaluationPlan
    hr: Occupation
    candidate: Candidate
    listing: DirectoryEntry  # 企业人力资源管理师 四级 on the directory


@pytest.fixture(autouse=True)
def _fixed_day(time_machine: Any) -> None:
    # before the plan fixture, which dates its window from today
    time_machine.move_to(NOON, tick=False)


@pytest.fixture
def world(
    personas: Any,
    plan: EvaluationPlan,
    hr: Occupation,
) -> World:
    listing = directory_entry_add(
        occupation=hr,
        level=4,
        effective_from=dt.date(2020, 1, 1),
        document_no="人社部公告〔2020〕1号",
        actor=personas.province,
    )
    candidate = make_candidate(1, user=personas.candidate)
    return World(personas, plan.organization, plan, hr, candidate, listing)


# --- the standings ------------------------------------------------------------------------------


def _suspended(w: World) -> None:
    organization_suspend(
        org=w.org, reason="质量督导发现问题", document_no=DOCUMENT, actor=w.personas.city_nanjing
    )


def _expired(w: World) -> None:
    EvaluationOrg.objects.filter(pk=w.org.pk).update(valid_until=DAY - dt.timedelta(days=1))


def _exited(w: World) -> None:
    organization_exit(org=w.org, reason="机构申请退出", actor=w.personas.clerk_a)


def _revoked(w: World) -> None:
    organization_revoke(
        org=w.org, reason="伪造备案材料", document_no=DOCUMENT, actor=w.personas.province
    )


def _listed(kind: str) -> Callable[[World], None]:
    def put_on_list(w: World) -> None:
        credit_listing_add(
            org=w.org,
            list_kind=kind,
            reason="质量督导发现问题",
            document_no=DOCUMENT,
            starts_on=DAY - dt.timedelta(days=10),
            actor=w.personas.province,
        )

    return put_on_list


def _delisted(w: World) -> None:
    directory_entry_remove(
        entry=w.listing,
        effective_to=DAY - dt.timedelta(days=1),
        document_no="人社部公告〔2026〕3号",
        reason="职业整合",
        actor=w.personas.province,
    )


STANDINGS: dict[str, Callable[[World], None]] = {
    "filed": lambda w: None,
    "suspended": _suspended,
    "expired": _expired,
    "exited": _exited,
    "revoked": _revoked,
    "abnormal_listed": _listed("abnormal"),
    "blacklisted": _listed("blacklist"),
    "delisted": _delisted,
}
REFUSAL = {
    "suspended": "org.suspended",
    "expired": "org.filing_expired",
    "exited": "org.exited",
    "revoked": "org.revoked",
    "abnormal_listed": "org.abnormal_listed",
    "blacklisted": "org.blacklisted",
    "delisted": "org.occupation_delisted",
}


# --- the actions, each through its real service ------------------------------------------------


def _plan_create(w: World) -> None:
    plan_create(
        code="JS-2026-009",
        title="2026年第九批企业人力资源管理师认定",
        organization=w.org,
        window_opens=DAY,
        window_closes=DAY + dt.timedelta(days=20),
        capacity=30,
        offerings=[(w.hr, 4)],
        actor=w.personas.clerk_a,
    )


def _plan_file(w: World) -> None:
    plan_file(plan=w.plan, actor=w.personas.clerk_a, today=DAY)


def _apply(w: World) -> None:
    _apply_for(w, 4)


def _apply_for(w: World, level: int) -> None:
    application_create(
        candidate=w.candidate,
        plan=w.plan,
        occupation=w.hr,
        level=level,
        actor=w.personas.candidate,
        today=DAY,
    )


def _submit_prepared(w: World) -> Callable[[World], None]:
    # drafted before the standing changed; submitted after
    application = application_create(
        candidate=w.candidate,
        plan=w.plan,
        occupation=w.hr,
        level=4,
        actor=w.personas.candidate,
        today=DAY,
    )

    def submit(w: World) -> None:
        application_submit(application=application, actor=w.personas.candidate, today=DAY)

    return submit


def _issue(w: World) -> None:
    certificate_issue_for(
        organization=EvaluationOrg.objects.get(pk=w.org.pk),
        holder=Holder(candidate=w.candidate, occupation=w.hr, specialty_name="--", level=4),
        actor=w.personas.clerk_a,
        issue_date=DAY,
    )


def _appoint(w: World) -> None:
    confidentiality_sign(
        person=make_person(40, roles=[]),
        organization=EvaluationOrg.objects.get(pk=w.org.pk),
        signed_on=DAY,
        actor=w.personas.clerk_a,
    )


def _itembank_role(w: World) -> None:
    itembank_role_grant(
        user=w.personas.examiner,
        occupation=w.hr,
        role="reviewer",
        actor=w.personas.superuser,
        bank=ItemBank.objects.for_organization(w.org.pk),
    )


def _open_batch(w: World) -> Callable[[World], None]:
    batch = batch_open(plan=w.plan, actor=w.personas.clerk_a)

    def submit_for_registration(w: World) -> None:
        batch_registration_submit(batch=batch, actor=w.personas.clerk_a, today=DAY)

    return submit_for_registration


def _registration_confirm(w: World) -> Callable[[World], None]:
    batch = batch_open(plan=w.plan, actor=w.personas.clerk_a)

    def confirm(w: World) -> None:
        batch_register(batch=batch, actor=w.personas.city_nanjing)

    return confirm


# action → (audit action it writes, set-up made while the standing is good (returns the call)
# or the call itself, what the good standing meets after the permit: "" = the action is done,
# else the code of the service's next check, which proves the permit let it through)
ACTIONS: dict[str, tuple[str, Callable[[World], Any], bool, str]] = {
    "plan_create": ("plan.create", _plan_create, False, ""),
    "plan_file": ("plan.file", _plan_file, False, "plan.sessions_required"),
    "apply": ("application.create", _apply, False, ""),
    "apply_submit": ("application.eligibility_check", _submit_prepared, True, ""),
    "issue": ("certificate.issued", _issue, False, ""),
    "appoint": ("personnel.confidentiality_sign", _appoint, False, ""),
    "itembank_role": ("itembank.role_grant", _itembank_role, False, ""),
    # an open batch of a social plan without the on-site supervisor's report is not ready for
    # registration (the check after the permit): the permit is all that is tested here
    "register_results": (
        "result_batch.registration_submit",
        _open_batch,
        True,
        "registration.supervisor_report_missing",
    ),
    "register_results_confirm": (
        "result_batch.register",
        _registration_confirm,
        True,
        "registration.supervisor_report_missing",
    ),
}
# Where a standing does not bind an action (see organizations.permits): the abnormal list does
# not stop a plan being drafted; a removal from the directory stops new plans and applications,
# not certificates or registration for those already assessed, nor appointments.
NOT_BOUND = {
    ("abnormal_listed", "plan_create"),
    ("delisted", "issue"),
    ("delisted", "appoint"),
    ("delisted", "itembank_role"),
    ("delisted", "register_results"),
    ("delisted", "register_results_confirm"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("standing", list(STANDINGS))
def test_standing_binds_the_service(world: World, standing: str, action: str) -> None:
    audit_action, call, prepared, next_check = ACTIONS[action]
    if prepared:
        call = call(world)
    STANDINGS[standing](world)
    world.org.refresh_from_db()
    refused = REFUSAL.get(standing, "")
    if (standing, action) in NOT_BOUND:
        refused = ""
    before = AuditEvent.objects.filter(action=audit_action).count()
    if refused:
        with pytest.raises(DomainError) as err:
            call(world)
        assert err.value.code == refused
        assert "不能" in err.value.message
        assert AuditEvent.objects.filter(action=audit_action).count() == before
        return
    if next_check:
        with pytest.raises(DomainError) as err:
            call(world)
        assert err.value.code == next_check
        return
    call(world)
    assert AuditEvent.objects.filter(action=audit_action).count() == before + 1


# --- a removal from the directory: new scopes, plans and applications stop; certificates stay ---


def test_removal_from_the_directory_stops_new_scopes_plans_and_applications(
    world: World,
) -> None:
    filing = filing_application_start(
        org=world.personas.org_b,
        purpose=FilingPurpose.INITIAL,
        service_region=Region.objects.get(code="320500"),
        actor=world.personas.clerk_b,
    )

    def new_scope(w: World) -> None:
        filing_scope_set(
            application=filing, lines=[ScopeRequest(w.hr.code, 4)], actor=w.personas.clerk_b
        )

    new_scope(world)  # listed: another organisation may still ask for it
    _delisted(world)
    for start, code in [
        (new_scope, "filing.occupation_not_in_directory"),
        (_plan_create, "org.occupation_delisted"),
        (_apply, "org.occupation_delisted"),
    ]:
        with pytest.raises(DomainError) as err:
            start(world)
        assert err.value.code == code
    assert world.plan.applications.count() == 0
    assert EvaluationPlan.objects.filter(organization=world.org).count() == 1


def test_certificates_issued_before_a_removal_stay_valid(world: World) -> None:
    certificate = certificate_issue_for(
        organization=world.org,
        holder=Holder(candidate=world.candidate, occupation=world.hr, specialty_name="--", level=4),
        actor=world.personas.clerk_a,
        issue_date=DAY - dt.timedelta(days=30),
    )
    _delisted(world)
    check = certificate_verify_token(certificate.token)
    assert check.valid
    assert check.certificate is not None
    assert check.certificate.number == certificate.number


def test_a_removal_binds_from_its_effective_day_not_before(world: World, time_machine: Any) -> None:
    directory_entry_remove(
        entry=world.listing,
        effective_to=DAY + dt.timedelta(days=3),
        document_no="人社部公告〔2026〕3号",
        reason="职业整合",
        actor=world.personas.province,
    )
    application = application_create(
        candidate=world.candidate,
        plan=world.plan,
        occupation=world.hr,
        level=4,
        actor=world.personas.candidate,
        today=DAY + dt.timedelta(days=2),
    )
    other = make_candidate(2)
    with pytest.raises(DomainError) as err:
        application_create(
            candidate=other,
            plan=world.plan,
            occupation=world.hr,
            level=4,
            actor=world.personas.candidate,
            today=DAY + dt.timedelta(days=3),
        )
    assert err.value.code == "org.occupation_delisted"
    assert "目录清单" in err.value.message
    assert list(world.plan.applications.all()) == [application]


# --- bad input and attackers: the permit answers only those the service already lets in -------


def test_a_level_the_plan_does_not_offer_is_refused_before_the_standing(world: World) -> None:
    _listed("blacklist")(world)
    with pytest.raises(DomainError) as err:
        _apply_for(world, 1)
    assert err.value.code == "application.level_not_in_plan"
    assert world.plan.applications.count() == 0


def test_another_organisations_clerk_is_refused_without_learning_the_standing(
    world: World,
) -> None:
    _listed("blacklist")(world)
    person = make_person(41, roles=[])
    batch = batch_open(plan=world.plan, actor=world.personas.clerk_a)
    attempts: list[tuple[Callable[[], Any], str]] = [
        (
            lambda: confidentiality_sign(
                person=person, organization=world.org, signed_on=DAY, actor=world.personas.clerk_b
            ),
            "personnel.forbidden",
        ),
        (
            lambda: batch_registration_submit(batch=batch, actor=world.personas.clerk_b, today=DAY),
            "scoring.forbidden",
        ),
        (
            lambda: batch_register(batch=batch, actor=world.personas.city_suzhou),
            "scoring.forbidden",
        ),
        (
            lambda: plan_file(plan=world.plan, actor=world.personas.candidate, today=DAY),
            "plan.file_forbidden",
        ),
    ]
    for attempt, code in attempts:
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.code == code
    assert not AuditEvent.objects.filter(
        action__in=["personnel.confidentiality_sign", "result_batch.registration_submit"]
    ).exists()


def test_an_organisation_preparing_its_filing_may_build_its_staff(world: World) -> None:
    unfiled = world.personas.org_b
    agreement = confidentiality_sign(
        person=make_person(42, roles=[]),
        organization=unfiled,
        signed_on=DAY,
        actor=world.personas.clerk_b,
    )
    assert agreement.organization_id == unfiled.pk
    credit_listing_add(
        org=unfiled,
        list_kind="blacklist",
        reason="伪造材料",
        document_no=DOCUMENT,
        starts_on=DAY,
        actor=world.personas.province,
    )
    with pytest.raises(DomainError) as err:
        confidentiality_sign(
            person=make_person(43, roles=[]),
            organization=unfiled,
            signed_on=DAY,
            actor=world.personas.clerk_b,
        )
    assert err.value.code == "org.blacklisted"
