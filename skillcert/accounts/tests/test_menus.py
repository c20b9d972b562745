"""Every persona's menu shows its work, and no page a persona's menu links to answers 404 or 500
for that persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillcert.organizations.choices import OrgKind
from skillcert.organizations.models import EvaluationOrg

# Entries a persona's header must show (label → URL name).
EXPECTED = {
    "clerk_a": {"成绩批次": "scoring:batches", "证书签发": "certificates:issue"},
    "admin_a": {"成绩批次": "scoring:batches", "证书签发": "certificates:issue"},
    "province": {
        "成绩登记": "scoring:batches",
        "证书管理": "certificates:list",
        "企业评价": "scoring:enterprise_plans",
    },
    "city_nanjing": {"成绩批次": "scoring:batches"},
    "examiner": {"评分任务": "scoring:work", "考务任务": "exams:my_duties"},
    "candidate": {
        "我的申报": "applications:mine",
        "我的成绩": "scoring:my_results",
        "证书": "certificates:list",
    },
}
# Entries a persona's header must not show.
ABSENT = {
    "clerk_a": {"企业评价"},  # a social organisation evaluates no employees of its own
    "candidate": {"证书签发", "成绩批次", "成绩登记", "企业评价"},
    "examiner": {"证书签发", "成绩批次"},
    "province": {"证书签发"},
    "city_nanjing": {"证书签发", "成绩登记"},
}


def _menu(client):
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return dict(response.context["nav_items"]), response.context["nav_public"]


def test_every_menu_link_answers(personas, persona_name):
    client = personas.client(persona_name)
    items, public = _menu(client)
    assert items, f"{persona_name} has an empty menu"
    for label, url in [*items.items(), *public]:
        response = client.get(url)
        assert response.status_code not in (404, 500), f"{persona_name}: {label} {url}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_menu_shows_the_persona_its_work(personas, name):
    items, _ = _menu(personas.client(name))
    for label, url in EXPECTED[name].items():
        assert items.get(label) == reverse(url), f"{name}: {label}"
    for label in ABSENT.get(name, set()):
        assert label not in items, f"{name}: {label}"


def test_an_employers_staff_find_enterprise_evaluation_in_the_menu(personas):
    EvaluationOrg.objects.filter(pk=personas.org_b.pk).update(kind=OrgKind.EMPLOYER)
    client = personas.client_for(personas.clerk_b)
    items, _ = _menu(client)
    assert items.get("企业评价") == reverse("scoring:enterprise_plans")
    assert client.get(items["企业评价"]).status_code == 200
