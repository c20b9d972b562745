from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.exports import xlsx_response
from skillcert.organizations.models import OrgKind
from skillcert.organizations.selectors import organizations_visible


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_officer or scope.is_org_staff):
        raise Http404
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    orgs = organizations_visible(scope=scope, q=q, kind=kind)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "评价机构.xlsx",
            ["机构名称", "类型", "统一社会信用代码", "所在地区"],
            ((o.name, o.get_kind_display(), o.uscc, o.region.name) for o in orgs),
        )
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/org_list.html",
        {"page": page, "q": q, "kind": kind, "kinds": OrgKind.choices},
    )


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_in_scope(organizations_visible(scope=scope_for(request.user)), pk=pk)
    return render(request, "organizations/org_detail.html", {"org": org})
