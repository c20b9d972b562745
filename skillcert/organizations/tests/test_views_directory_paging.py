"""The public directory's filters refused with a coded error naming the field, and its pages of
twenty rows (kept apart from test_views_directory.py, whose tests share one filed directory)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_org, make_user
from skillcert.accounts.models import Role
from skillcert.common.errors import DomainError
from skillcert.organizations.directory import directory_filters_parse, directory_search
from skillcert.organizations.tests.conftest import file_org


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("region=火星", "directory.region_unknown", "region"),
        ("region=3201", "directory.region_invalid", "region"),
        ("occupation=9-99-99-99", "directory.occupation_unknown", "occupation"),
        ("occupation=宇航员", "directory.occupation_unknown", "occupation"),
        ("level=0", "directory.level_invalid", "level"),
    ],
)
def test_bad_filters_raise_a_coded_error_naming_the_field(catalogue, query, code, field):
    params = dict([query.split("=")])
    with pytest.raises(DomainError) as refused:
        directory_search(directory_filters_parse(params))
    assert refused.value.code == code
    assert refused.value.field == field


def test_pages_hold_twenty_rows(personas, catalogue):
    file_org(personas)
    for i in range(25):
        org = make_org(f"批量机构{i:02d}", 200 + i, "320104")
        clerk = make_user(f"c{i}", Role.ORG_CLERK, organization=org)
        personas.clerk_a = clerk
        personas.org_a = org
        file_org(personas, org=org)
    first = Client().get("/directory/")
    assert len(first.context["rows"]) == 20
    assert first.context["page"].paginator.count == 26
    assert len(Client().get("/directory/?page=2").context["rows"]) == 6
