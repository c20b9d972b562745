"""403, 404 and 500 speak Chinese inside the site frame; a refusal says why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def _request(personas):
    request = RequestFactory().get("/somewhere/")
    request.user = personas.clerk_a
    return request


def test_a_refusal_names_its_reason_in_the_site_frame(personas):
    response = defaults.permission_denied(
        _request(personas), PermissionDenied("只有本批次的成绩录入专用账号可以录入成绩")
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权操作" in page and "只有本批次的成绩录入专用账号可以录入成绩" in page
    assert "职业技能等级认定平台" in page  # the site frame


def test_a_missing_page_is_explained_in_chinese(personas):
    response = defaults.page_not_found(_request(personas), Http404())
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "Not Found" not in page


def test_a_server_error_page_needs_no_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
