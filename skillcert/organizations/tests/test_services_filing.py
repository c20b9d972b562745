import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.organizations.catalogue import ScopeRequest
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.filing import (
    filing_application_start,
    filing_evidence_set,
    filing_review,
    filing_scope_set,
    filing_submit,
    filing_withdraw,
)
from skillcert.organizations.models import (
    EvaluationOrg,
    FilingApplication,
    FilingCondition,
    FilingPurpose,
    FilingReview,
    FilingScopeLine,
    FilingStatus,
    OrgEvent,
    OrgScope,
    OrgStatus,
    ReviewDecision,
    ReviewTier,
)
from skillcert.organizations.tests.conftest import file_org, prepared_application, review
from skillcert.regions.models import Region


def _start(personas, **kwargs):
    return filing_application_start(
        org=personas.org_a,
        purpose=FilingPurpose.INITIAL,
        service_region=Region.objects.get(code=kwargs.pop("region", "320100")),
        actor=personas.clerk_a,
        **kwargs,
    )


def _set_scope(application, clerk, lines):
    return filing_scope_set(
        application=application, lines=[ScopeRequest(*line) for line in lines], actor=clerk
    )


def test_city_files_an_organisation_whose_scope_needs_no_province_review(personas, catalogue):
    application = prepared_application(
        org=personas.org_a, clerk=personas.clerk_a, lines=[("6-31-01-03", 4), ("6-31-01-03", 3)]
    )
    application = filing_submit(application=application, actor=personas.clerk_a)
    assert application.status == FilingStatus.SUBMITTED
    assert not application.needs_province_review
    application = review(application, personas.city_nanjing)
    assert application.status == FilingStatus.APPROVED
    org = EvaluationOrg.objects.get(pk=personas.org_a.pk)
    assert org.status == OrgStatus.FILED
    assert org.filing_number == "S000032000001"
    assert org.valid_from is not None and org.valid_until is not None
    assert (org.valid_until - org.valid_from).days in (1094, 1095)
    assert set(OrgScope.objects.filter(org=org, active=True).values_list("level", flat=True)) == {
        4,
        3,
    }
    assert OrgEvent.objects.filter(org=org, kind="filed").count() == 1
    assert AuditEvent.objects.filter(action="org.filed", object_id=str(org.pk)).exists()


def test_technician_levels_go_on_to_the_province_after_the_city(personas, catalogue):
    application = prepared_application(
        org=personas.org_a, clerk=personas.clerk_a, lines=[("4-07-03-02", 2)]
    )
    application = filing_submit(application=application, actor=personas.clerk_a)
    assert application.needs_province_review
    application = review(application, personas.city_nanjing)
    assert application.status == FilingStatus.CITY_APPROVED
    assert EvaluationOrg.objects.get(pk=personas.org_a.pk).status == OrgStatus.UNFILED
    with pytest.raises(DomainError) as err:
        review(application, personas.city_nanjing, tier=ReviewTier.PROVINCE)
    assert err.value.code == "org.forbidden"
    review(application, personas.province, tier=ReviewTier.PROVINCE)
    assert EvaluationOrg.objects.get(pk=personas.org_a.pk).status == OrgStatus.FILED


def test_one_province_officer_cannot_pass_both_tiers(personas, catalogue):
    application = prepared_application(
        org=personas.org_a, clerk=personas.clerk_a, lines=[("4-07-03-02", 2)]
    )
    application = filing_submit(application=application, actor=personas.clerk_a)
    application = filing_review(
        application=application,
        tier=ReviewTier.CITY,
        decision=ReviewDecision.APPROVE,
        actor=personas.province,  # a province officer may act at the city tier
    )
    with pytest.raises(DomainError) as err:
        review(application, personas.province, tier=ReviewTier.PROVINCE)
    assert err.value.code == "filing.same_reviewer"
    assert FilingApplication.objects.get(pk=application.pk).status == FilingStatus.CITY_APPROVED
    assert EvaluationOrg.objects.get(pk=personas.org_a.pk).status == OrgStatus.UNFILED


def test_province_wide_service_region_needs_the_province(personas, catalogue):
    application = prepared_application(
        org=personas.org_a,
        clerk=personas.clerk_a,
        lines=[("6-31-01-03", 5)],
        service_region="320000",
    )
    assert filing_submit(application=application, actor=personas.clerk_a).needs_province_review


def test_returned_application_is_corrected_and_resubmitted(personas, catalogue):
    application = prepared_application(
        org=personas.org_a, clerk=personas.clerk_a, lines=[("6-31-01-03", 4)]
    )
    filing_submit(application=application, actor=personas.clerk_a)
    application = review(
        application,
        personas.city_nanjing,
        decision=ReviewDecision.RETURN,
        reason="场地照片不清晰，请重新上传",
    )
    assert application.status == FilingStatus.RETURNED
    assert application.last_reason == "场地照片不清晰，请重新上传"
    _set_scope(application, personas.clerk_a, [("6-31-01-03", 4), ("6-31-01-03", 5)])
    application = filing_submit(application=application, actor=personas.clerk_a)
    assert application.status == FilingStatus.SUBMITTED
    assert list(application.reviews.values_list("decision", flat=True)) == ["return"]


def test_rejection_is_final_and_keeps_the_organisation_unfiled(personas, catalogue):
    application = prepared_application(
        org=personas.org_a, clerk=personas.clerk_a, lines=[("6-31-01-03", 4)]
    )
    filing_submit(application=application, actor=personas.clerk_a)
    review(
        application,
        personas.city_nanjing,
        decision=ReviewDecision.REJECT,
        reason="不具备独立法人资格",
    )
    with pytest.raises(DomainError) as err:
        filing_submit(application=application, actor=personas.clerk_a)
    assert err.value.code == "filing.not_editable"
    assert EvaluationOrg.objects.get(pk=personas.org_a.pk).status == OrgStatus.UNFILED


@pytest.mark.parametrize(
    ("tier", "decision", "reason", "who", "code"),
    [
        # a return needs a reason
        (ReviewTier.CITY, ReviewDecision.RETURN, "  ", "city_nanjing", "filing.reason_required"),
        # an officer of another city cannot review
        (ReviewTier.CITY, ReviewDecision.APPROVE, "", "city_suzhou", "org.forbidden"),
        # the province does not review before the city
        (ReviewTier.PROVINCE, ReviewDecision.APPROVE, "", "province", "filing.wrong_tier"),
    ],
)
def test_a_review_out_of_scope_or_without_reason_is_refused_and_nothing_changes(
    personas, catalogue, tier, decision, reason, who, code
):
    application = prepared_application(
        org=personas.org_a, clerk=personas.clerk_a, lines=[("6-31-01-03", 4)]
    )
    filing_submit(application=application, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        review(application, personas.user(who), tier=tier, decision=decision, reason=reason)
    assert err.value.code == code
    assert FilingReview.objects.count() == 0
    assert FilingApplication.objects.get(pk=application.pk).status == FilingStatus.SUBMITTED


def test_draft_cannot_be_reviewed(personas, catalogue):
    application = _start(personas)
    with pytest.raises(DomainError) as err:
        review(application, personas.city_nanjing)
    assert err.value.code == "filing.not_under_review"


def test_submission_without_required_evidence_names_what_is_missing(personas, catalogue):
    application = _start(personas)
    _set_scope(application, personas.clerk_a, [("6-31-01-03", 4)])
    with pytest.raises(DomainError) as err:
        filing_submit(application=application, actor=personas.clerk_a)
    assert err.value.code == "filing.evidence_missing"
    assert "独立法人资格证明" in err.value.message
    assert FilingApplication.objects.get(pk=application.pk).status == FilingStatus.DRAFT


def test_submission_without_scope_is_refused(personas, catalogue):
    application = _start(personas)
    with pytest.raises(DomainError) as err:
        filing_submit(application=application, actor=personas.clerk_a)
    assert err.value.code == "filing.scope_empty"


@pytest.mark.parametrize(
    ("line", "code", "named"),
    [
        (("9-99-99-99", 4), "filing.occupation_unknown", ""),
        (("6-31-01-03", 6), "filing.level_invalid", ""),
        (("6-31-01-03", 4, "不存在的工种"), "filing.specialty_unknown", ""),
        # an occupation not in the directory, named in the message
        (("4-07-03-03", 3), "filing.occupation_not_in_directory", "劳动关系协调师"),
        # a level the directory does not offer: the message lists the offered levels
        (("4-07-03-02", 5), "filing.level_not_offered", "四级/中级工"),
        # a level removed from the directory is no longer offered
        (("6-18-02-04", 2), "filing.level_not_offered", ""),
    ],
)
def test_bad_scope_lines_are_rejected(personas, catalogue, line, code, named):
    application = _start(personas)
    with pytest.raises(DomainError) as err:
        _set_scope(application, personas.clerk_a, [("6-31-01-03", 4), line])
    assert err.value.code == code
    assert named in err.value.message
    assert FilingScopeLine.objects.filter(application=application).count() == 0


def test_specialty_of_a_listed_occupation_is_accepted(personas, catalogue):
    application = _start(personas)
    rows = _set_scope(application, personas.clerk_a, [("6-31-01-03", 4, "维修电工")])
    assert rows[0].specialty == catalogue.lathe


def test_duplicate_filing_for_the_same_credit_code_is_refused(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        _start(personas)
    assert err.value.code == "filing.already_filed"
    assert org.uscc in err.value.message
    assert FilingApplication.objects.filter(org=org).count() == 1


def test_second_open_application_is_refused_by_the_database(personas, catalogue):
    _start(personas)
    with pytest.raises(DomainError) as err:
        _start(personas)
    assert err.value.code == "filing.open_application_exists"
    assert FilingApplication.objects.filter(org=personas.org_a).count() == 1


def test_blacklisted_organisation_cannot_file(personas, catalogue):
    credit_listing_add(
        org=personas.org_a,
        list_kind="blacklist",
        reason="伪造证书",
        document_no="苏人社〔2026〕1号",
        starts_on=__import__("datetime").date(2026, 1, 1),
        actor=personas.province,
    )
    with pytest.raises(DomainError) as err:
        _start(personas)
    assert err.value.code == "filing.blacklisted"
    assert "苏人社〔2026〕1号" in err.value.message
    assert FilingApplication.objects.count() == 0


def test_service_region_outside_the_province_is_refused(personas, catalogue):
    with pytest.raises(DomainError) as err:
        _start(personas, region="510100")
    assert err.value.code == "filing.region_outside_province"


def test_clerk_of_another_organisation_cannot_prepare_the_application(personas, catalogue):
    application = _start(personas)
    with pytest.raises(DomainError) as err:
        _set_scope(application, personas.clerk_b, [("6-31-01-03", 4)])
    assert err.value.code == "org.forbidden"


def test_number_below_the_checklist_minimum_is_rejected(personas, catalogue):
    application = _start(personas)
    item = FilingCondition.objects.get(kind="S", code="staff")
    with pytest.raises(DomainError) as err:
        filing_evidence_set(
            application=application, item=item, number_value=2, actor=personas.clerk_a
        )
    assert err.value.code == "filing.evidence_below_minimum"
    assert "不少于 5" in err.value.message
    assert application.evidence.count() == 0


def test_evidence_for_another_organisation_type_is_rejected(personas, catalogue):
    application = _start(personas)
    item = FilingCondition.objects.get(kind="Y", code="evaluation_plan")
    with pytest.raises(DomainError) as err:
        filing_evidence_set(application=application, item=item, actor=personas.clerk_a)
    assert err.value.code == "filing.item_not_applicable"


def test_file_item_needs_a_file_and_declaration_needs_consent(personas, catalogue):
    application = _start(personas)
    with pytest.raises(DomainError) as err:
        filing_evidence_set(
            application=application,
            item=FilingCondition.objects.get(kind="S", code="legal_entity"),
            actor=personas.clerk_a,
        )
    assert err.value.code == "filing.file_required"
    with pytest.raises(DomainError) as err:
        filing_evidence_set(
            application=application,
            item=FilingCondition.objects.get(kind="S", code="no_bad_credit"),
            declared=False,
            actor=personas.clerk_a,
        )
    assert err.value.code == "filing.declaration_required"


def test_each_type_has_its_own_checklist(db):
    kinds = set(FilingCondition.objects.values_list("kind", flat=True))
    assert kinds == {"Y", "S", "school", "association"}
    assert FilingCondition.objects.filter(kind="Y", code="evaluation_plan").exists()
    assert not FilingCondition.objects.filter(kind="S", code="evaluation_plan").exists()


def test_withdrawn_application_frees_the_organisation_to_start_again(personas, catalogue):
    application = _start(personas)
    filing_withdraw(application=application, actor=personas.clerk_a)
    assert _start(personas).status == FilingStatus.DRAFT


def test_scope_change_adds_and_drops_lines_after_review(personas, catalogue):
    org = file_org(personas, lines=[("6-31-01-03", 4), ("6-31-01-03", 3)])
    application = filing_application_start(
        org=org,
        purpose=FilingPurpose.SCOPE_CHANGE,
        service_region=Region.objects.get(code="320100"),
        actor=personas.clerk_a,
    )
    assert application.lines.count() == 2
    _set_scope(application, personas.clerk_a, [("6-31-01-03", 4), ("6-18-02-04", 5)])
    from skillcert.organizations.tests.conftest import complete_evidence

    complete_evidence(application, personas.clerk_a)
    filing_submit(application=application, actor=personas.clerk_a)
    review(application, personas.city_nanjing)
    active = set(
        OrgScope.objects.filter(org=org, active=True).values_list("occupation__code", "level")
    )
    assert active == {("6-31-01-03", 4), ("6-18-02-04", 5)}
    dropped = OrgScope.objects.get(org=org, active=False)
    assert (dropped.level, dropped.until is not None) == (3, True)
    assert EvaluationOrg.objects.get(pk=org.pk).filing_number == org.filing_number


def test_renewal_too_early_is_refused(personas, catalogue):
    org = file_org(personas)
    with pytest.raises(DomainError) as err:
        filing_application_start(
            org=org,
            purpose=FilingPurpose.RENEWAL,
            service_region=Region.objects.get(code="320100"),
            actor=personas.clerk_a,
        )
    assert err.value.code == "filing.renewal_too_early"


def test_renewal_extends_validity_from_the_day_after_and_keeps_the_number(personas, catalogue):
    import datetime as dt

    from django.utils import timezone

    org = file_org(personas)
    soon = timezone.localdate() + dt.timedelta(days=30)
    EvaluationOrg.objects.filter(pk=org.pk).update(valid_until=soon)
    org.refresh_from_db()
    application = prepared_application(
        org=org, clerk=personas.clerk_a, lines=[("6-31-01-03", 4)], purpose=FilingPurpose.RENEWAL
    )
    filing_submit(application=application, actor=personas.clerk_a)
    review(application, personas.city_nanjing)
    org.refresh_from_db()
    from skillcert.organizations.core import validity_until

    assert org.valid_until == validity_until(soon + dt.timedelta(days=1), 3)
    assert org.filing_number == "S000032000001"
    assert OrgEvent.objects.filter(org=org, kind="renewed").count() == 1
