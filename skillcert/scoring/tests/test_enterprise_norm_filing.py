"""An enterprise evaluation norm is filed with the province with the posts and companies it
applies to, and the province acknowledges it (seed 004 §六); changing it sends it back to draft.
Service and page, good and refused input, and who may act."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from skillcert.common.errors import DomainError, Forbidden
from skillcert.scoring.models import EnterpriseScheme
from skillcert.scoring.services.enterprise import (
    enterprise_scheme_acknowledge,
    enterprise_scheme_file,
)
from skillcert.scoring.tests.flows import scheme_set

POSTS = ["招聘专员", "薪酬专员"]
COMPANIES = ["本企业", "省内同类制造企业"]


@pytest.fixture
def scheme(enterprise: Any, hr: Any, personas: Any) -> EnterpriseScheme:
    plan, _, _ = enterprise
    return _set(plan, hr, personas, pass_mark=60)


def _set(plan: Any, hr: Any, personas: Any, pass_mark: int) -> EnterpriseScheme:
    return scheme_set(plan=plan, occupation=hr, pass_mark=pass_mark, actor=personas.clerk_a)


def _url(scheme: EnterpriseScheme) -> str:
    return reverse("scoring:enterprise_scheme", args=[scheme.plan_id, scheme.occupation_id])


def test_new_scheme_starts_unfiled(scheme: EnterpriseScheme) -> None:
    assert (scheme.filing_status, scheme.posts, scheme.companies) == ("draft", [], [])


def test_filed_with_posts_and_companies_then_acknowledged_by_the_province(
    scheme: EnterpriseScheme, personas: Any
) -> None:
    scheme = enterprise_scheme_file(
        scheme=scheme, posts=[*POSTS, " 招聘专员 ", ""], companies=COMPANIES, actor=personas.clerk_a
    )
    assert (scheme.filing_status, scheme.posts, scheme.companies) == ("filed", POSTS, COMPANIES)
    assert scheme.filed_by == personas.clerk_a
    scheme = enterprise_scheme_acknowledge(scheme=scheme, actor=personas.province)
    assert scheme.filing_status == "acknowledged"
    assert scheme.acknowledged_by == personas.province


@pytest.mark.parametrize(
    ("posts", "companies", "code"),
    [
        ([], COMPANIES, "enterprise.posts_required"),
        (["  "], COMPANIES, "enterprise.posts_required"),
        (POSTS, [], "enterprise.companies_required"),
        (["岗" * 101], COMPANIES, "enterprise.posts_invalid"),
    ],
)
def test_filing_without_posts_or_companies_is_refused(
    scheme: EnterpriseScheme, personas: Any, posts: list[str], companies: list[str], code: str
) -> None:
    with pytest.raises(DomainError) as err:
        enterprise_scheme_file(
            scheme=scheme, posts=posts, companies=companies, actor=personas.clerk_a
        )
    assert err.value.code == code
    scheme.refresh_from_db()
    assert (scheme.filing_status, scheme.posts) == ("draft", [])


def test_only_the_province_acknowledges_and_only_a_filed_norm(
    scheme: EnterpriseScheme, personas: Any
) -> None:
    with pytest.raises(DomainError) as err:
        enterprise_scheme_acknowledge(scheme=scheme, actor=personas.province)
    assert err.value.code == "enterprise.scheme_not_filed"
    scheme = enterprise_scheme_file(
        scheme=scheme, posts=POSTS, companies=COMPANIES, actor=personas.clerk_a
    )
    for actor in (personas.city_nanjing, personas.clerk_a, personas.clerk_b):
        with pytest.raises(Forbidden) as not_province:
            enterprise_scheme_acknowledge(scheme=scheme, actor=actor)
        assert not_province.value.code == "scoring.forbidden", actor
    with pytest.raises(Forbidden) as other_org:
        enterprise_scheme_file(
            scheme=scheme, posts=POSTS, companies=COMPANIES, actor=personas.clerk_b
        )
    assert other_org.value.code == "scoring.forbidden"
    scheme.refresh_from_db()
    assert scheme.filing_status == "filed"


def test_a_changed_scheme_goes_back_to_draft_and_an_unchanged_one_stays(
    scheme: EnterpriseScheme, enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, _, _ = enterprise
    enterprise_scheme_file(scheme=scheme, posts=POSTS, companies=COMPANIES, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        enterprise_scheme_file(
            scheme=scheme, posts=POSTS, companies=COMPANIES, actor=personas.clerk_a
        )
    assert err.value.code == "enterprise.scheme_already_filed"
    assert _set(plan, hr, personas, pass_mark=60).filing_status == "filed"
    assert _set(plan, hr, personas, pass_mark=65).filing_status == "draft"


def test_page_files_and_the_province_acknowledges(scheme: EnterpriseScheme, personas: Any) -> None:
    url = _url(scheme)
    clerk = personas.client("clerk_a")
    assert "报省人社厅备案" in clerk.get(url).content.decode()
    response = clerk.post(
        url, {"action": "file", "posts": "\n".join(POSTS), "companies": "\n".join(COMPANIES)}
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.filing_status, scheme.posts) == ("filed", POSTS)
    province = personas.client("province")
    assert "确认备案" in province.get(url).content.decode()
    assert province.post(url, {"action": "acknowledge"}).status_code == 302
    scheme.refresh_from_db()
    assert scheme.filing_status == "acknowledged"
    assert "省人社厅已备案" in clerk.get(url).content.decode()


def test_page_refuses_an_empty_posts_list_beside_the_field_and_attackers(
    scheme: EnterpriseScheme, personas: Any
) -> None:
    url = _url(scheme)
    page = personas.client("clerk_a").post(
        url, {"action": "file", "posts": " \n ", "companies": "本企业"}
    )
    assert page.status_code == 200
    assert 'class="errorlist"><li>适用岗位' in page.content.decode()
    scheme.refresh_from_db()
    assert scheme.filing_status == "draft"
    assert personas.client("clerk_a").post(url, {"action": "acknowledge"}).status_code == 403
    assert personas.client("clerk_b").post(url, {"action": "file"}).status_code == 404
