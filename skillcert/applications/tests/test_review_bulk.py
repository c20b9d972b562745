"""批量通过 acts on the ticked rows only, after a confirmation that shows how many: nothing
ticked approves nothing, and ids outside the reviewer's queue are never approved."""

import pytest
from django.urls import reverse

from conftest import make_user
from skillcert.accounts.models import Role
from skillcert.applications.models import Application, ReviewEvent, Status
from skillcert.applications.services import application_create, application_submit
from skillcert.plans.tests.factories import make_candidate

BULK = "applications:review_bulk"


@pytest.fixture
def three(personas, plan, hr):
    apps = []
    for i in range(3):
        user = make_user(f"bulk{i}", Role.CANDIDATE)
        app = application_create(
            candidate=make_candidate(40 + i, user=user),
            plan=plan,
            occupation=hr,
            level=4,
            actor=user,
        )
        apps.append(application_submit(application=app, actor=user))
    return apps


def _statuses(apps):
    return [Application.objects.get(pk=a.pk).status for a in apps]


def test_nothing_ticked_changes_nothing_and_says_so(personas, three):
    client = personas.client_for(personas.clerk_a)
    for data in (
        {"tier": "org", "query": "tier=org"},
        {"tier": "org", "query": "tier=org", "confirm": "1"},
        {"tier": "org", "query": "tier=org", "confirm": "1", "ids": ["abc", str(10**30)]},
    ):
        response = client.post(reverse(BULK), data, follow=True)
        assert response.redirect_chain[-1][0] == reverse("applications:review") + "?tier=org"
        assert "未勾选任何申报" in response.content.decode()
        assert _statuses(three) == [Status.ORG_REVIEW] * 3
    assert not ReviewEvent.objects.filter(transition="org_approve").exists()


def test_ticking_shows_a_confirmation_with_the_count_and_changes_nothing(personas, three):
    client = personas.client_for(personas.clerk_a)
    response = client.post(
        reverse(BULK), {"tier": "org", "query": "tier=org", "ids": [three[0].pk, three[2].pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认通过选中的 2 件申报？" in page
    assert f"#{three[0].pk}" in page and f"#{three[2].pk}" in page
    assert f"#{three[1].pk}" not in page
    assert 'name="confirm" value="1"' in page
    assert "累计从事本职业或相关职业工作6年（含）以上。" in page  # the clause in words
    assert _statuses(three) == [Status.ORG_REVIEW] * 3


def test_confirming_approves_only_the_ticked(personas, three):
    client = personas.client_for(personas.clerk_a)
    response = client.post(
        reverse(BULK),
        {
            "tier": "org",
            "query": "tier=org",
            "ids": [three[0].pk, three[2].pk],
            "confirm": "1",
            "reason": "材料齐全",
        },
        follow=True,
    )
    assert "已批量通过 2 件" in response.content.decode()
    assert _statuses(three) == [Status.CITY_REVIEW, Status.ORG_REVIEW, Status.CITY_REVIEW]
    events = ReviewEvent.objects.filter(transition="org_approve")
    assert sorted(events.values_list("application_id", flat=True)) == [three[0].pk, three[2].pk]
    assert set(events.values_list("reason", flat=True)) == {"材料齐全"}


def test_confirmation_counts_only_rows_in_the_reviewers_queue(personas, three):
    client = personas.client_for(personas.clerk_a)
    page = client.post(
        reverse(BULK), {"tier": "org", "ids": [three[0].pk, 999999, str(10**30)]}
    ).content.decode()
    assert "确认通过选中的 1 件申报？" in page


def test_another_organisations_clerk_approves_nothing(personas, three):
    client = personas.client_for(personas.clerk_b)
    ids = [a.pk for a in three]
    response = client.post(reverse(BULK), {"tier": "org", "ids": ids}, follow=True)
    assert "都不在初审（评价机构）待审队列中" in response.content.decode()
    client.post(reverse(BULK), {"tier": "org", "ids": ids, "confirm": "1"})
    assert _statuses(three) == [Status.ORG_REVIEW] * 3


def test_a_city_officer_cannot_approve_at_the_org_tier(personas, three):
    client = personas.client_for(personas.city_nanjing)
    ids = [a.pk for a in three]
    assert (
        client.post(reverse(BULK), {"tier": "org", "ids": ids, "confirm": "1"}).status_code == 404
    )
    # at their own tier these rows are not in the queue yet
    client.post(reverse(BULK), {"tier": "city", "ids": ids, "confirm": "1"})
    assert _statuses(three) == [Status.ORG_REVIEW] * 3


def test_candidate_and_anonymous_are_refused(personas, three, client):
    ids = [a.pk for a in three]
    candidate = personas.client_for(personas.candidate)
    assert (
        candidate.post(reverse(BULK), {"tier": "org", "ids": ids, "confirm": "1"}).status_code
        == 404
    )
    response = client.post(reverse(BULK), {"tier": "org", "ids": ids, "confirm": "1"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert _statuses(three) == [Status.ORG_REVIEW] * 3
