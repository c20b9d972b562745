import datetime as dt

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.credit import (
    credit_event_record,
    credit_listing_add,
    credit_listing_remove,
)
from skillcert.organizations.models import CreditEvent, CreditListing


def _add(personas, org=None, list_kind="abnormal", actor=None, **kwargs):
    params: dict = {
        "reason": "未按规定报送年度报告",
        "document_no": "宁人社〔2026〕12号",
        "starts_on": dt.date(2026, 1, 10),
    }
    params.update(kwargs)
    return credit_listing_add(
        org=org or personas.org_a,
        list_kind=list_kind,
        actor=actor or personas.city_nanjing,
        **params,
    )


def test_city_puts_an_organisation_on_the_abnormal_list_with_a_credit_line(personas):
    listing = _add(personas, ends_on=dt.date(2026, 7, 9))
    assert (listing.document_no, listing.ends_on) == ("宁人社〔2026〕12号", dt.date(2026, 7, 9))
    event = CreditEvent.objects.get(org=personas.org_a)
    assert (event.kind, event.document_no) == ("abnormal_listed", "宁人社〔2026〕12号")


def test_only_the_province_blacklists(personas):
    with pytest.raises(DomainError) as err:
        _add(personas, list_kind="blacklist")
    assert err.value.code == "org.forbidden"
    assert CreditListing.objects.count() == 0
    assert _add(personas, list_kind="blacklist", actor=personas.province).list_kind == "blacklist"


def test_officer_of_another_city_cannot_list(personas):
    with pytest.raises(DomainError) as err:
        _add(personas, actor=personas.city_suzhou)
    assert err.value.code == "org.forbidden"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"reason": " "}, "credit.reason_required"),
        ({"document_no": ""}, "credit.document_required"),
        ({"ends_on": dt.date(2025, 1, 1)}, "credit.period_invalid"),
    ],
)
def test_listing_needs_reason_document_and_a_sane_period(personas, kwargs, code):
    with pytest.raises(DomainError) as err:
        _add(personas, **kwargs)
    assert err.value.code == code
    assert CreditListing.objects.count() == 0
    assert CreditEvent.objects.count() == 0


def test_listing_twice_is_refused(personas):
    _add(personas)
    with pytest.raises(DomainError) as err:
        _add(personas)
    assert err.value.code == "credit.already_listed"
    assert CreditListing.objects.count() == 1


def test_an_expired_listing_is_closed_when_a_new_one_opens(personas):
    old = _add(personas, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 6, 30))
    _add(personas, starts_on=dt.date(2026, 1, 1))
    old.refresh_from_db()
    assert old.removed_at is not None
    assert old.removal_reason == "期满自动移出"


def test_removal_records_reason_and_document_and_cannot_repeat(personas):
    listing = _add(personas)
    credit_listing_remove(
        listing=listing,
        reason="已补报年度报告",
        document_no="宁人社〔2026〕20号",
        actor=personas.city_nanjing,
    )
    listing.refresh_from_db()
    assert listing.removed_at is not None
    assert listing.removal_document_no == "宁人社〔2026〕20号"
    assert CreditEvent.objects.filter(kind="abnormal_removed").count() == 1
    with pytest.raises(DomainError) as err:
        credit_listing_remove(
            listing=listing, reason="x", document_no="y", actor=personas.city_nanjing
        )
    assert err.value.code == "credit.already_removed"


def test_removal_without_reason_is_refused(personas):
    listing = _add(personas)
    with pytest.raises(DomainError) as err:
        credit_listing_remove(
            listing=listing, reason="", document_no="y", actor=personas.city_nanjing
        )
    assert err.value.code == "credit.reason_required"
    assert CreditListing.objects.get(pk=listing.pk).removed_at is None


def test_officer_records_a_supervision_finding(personas):
    event = credit_event_record(
        org=personas.org_a,
        kind="supervision_finding",
        occurred_on=timezone.localdate(),
        description="考场监考人员不足",
        actor=personas.city_nanjing,
    )
    assert event.kind == "supervision_finding"


@pytest.mark.parametrize(
    ("kind", "who", "code"),
    [
        # system kinds (late reports) are not recorded by hand
        ("late_report", "city_nanjing", "credit.kind_not_manual"),
        # an organisation's clerk does not write its own integrity file
        ("complaint_upheld", "clerk_a", "org.forbidden"),
    ],
)
def test_a_credit_event_by_hand_of_a_system_kind_or_by_the_clerk_is_refused(
    personas, kind, who, code
):
    with pytest.raises(DomainError) as err:
        credit_event_record(
            org=personas.org_a,
            kind=kind,
            occurred_on=timezone.localdate(),
            description="x",
            actor=personas.user(who),
        )
    assert err.value.code == code
    assert CreditEvent.objects.count() == 0
