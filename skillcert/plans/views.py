from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from skillcert.accounts.scope import scope_for
from skillcert.plans.selectors import plans_visible


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_officer or scope.is_org_staff):
        raise Http404
    plans = plans_visible(scope=scope).order_by("-window_opens", "code")[:200]
    return render(request, "plans/plan_list.html", {"plans": plans})
