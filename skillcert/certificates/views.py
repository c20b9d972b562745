from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.audit.services import audit_record
from skillcert.certificates.documents import certificate_pdf, certificates_zip
from skillcert.certificates.keys import jwks
from skillcert.certificates.models import Certificate, CertificateStatus
from skillcert.certificates.selectors import (
    achievement_credential,
    certificate_query,
    certificate_verify_token,
    certificates_visible,
    status_list_credential,
)
from skillcert.certificates.services import (
    certificate_correct,
    certificate_reissue,
    certificate_revoke,
    level_text,
)
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.throttle import throttle
from skillcert.eligibility.engine import LEVEL_NAMES

REASONS = {
    "malformed": "二维码内容不完整或已损坏",
    "unknown_key": "签名密钥不属于本平台",
    "bad_signature": "签名不符：证书内容可能被篡改",
    "not_found": "登记库中没有该证书",
    "revoked": "该证书已被撤销",
    "superseded": "该证书已被补发或更正的新证书替代",
}


@throttle(group="certificate-verify", rate="120/m")
def verify_token_view(request: HttpRequest, token: str) -> HttpResponse:
    outcome = certificate_verify_token(token)
    level = outcome.payload.get("lvl") if outcome.payload else None
    return render(
        request,
        "certificates/verify.html",
        {
            "outcome": outcome,
            "reason": REASONS.get(outcome.reason, outcome.reason),
            "via": "token",
            "level": level_text(level) if level in LEVEL_NAMES else "",
        },
    )


class QueryForm(forms.Form):
    number = forms.CharField(label="证书编号", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="证件号码", max_length=30)


@throttle(group="certificate-query", rate="30/m")
def query_view(request: HttpRequest) -> HttpResponse:
    form = QueryForm(request.GET or None)
    certificate = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        certificate = certificate_query(**form.cleaned_data)
    return render(
        request,
        "certificates/query.html",
        {"form": form, "certificate": certificate, "searched": searched},
    )


def keys_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(jwks())


def status_list_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(status_list_credential(), json_dumps_params={"ensure_ascii": False})


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    rows = certificates_visible(scope=scope).select_related("organization")
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(holder_name=q) | Q(occupation_name__icontains=q)
        )
    if status:
        rows = rows.filter(status=status)
    if request.GET.get("export") == "xlsx":
        audit_record(
            actor=request.user,
            action="certificate.export",
            object_type="certificates",
            changes={"q": [None, q], "count": [None, rows.count()]},
        )
        return xlsx_response(
            "证书.xlsx",
            ["证书编号", "姓名", "证件号码", "职业", "等级", "评价机构", "发证日期", "状态"],
            (
                (
                    c.number,
                    c.holder_name,
                    c.id_number_masked,
                    c.occupation_name,
                    c.level_text,
                    c.organization_name,
                    c.issue_date,
                    c.get_status_display(),
                )
                for c in rows
            ),
        )
    if request.GET.get("download") == "zip":
        if not (scope.is_org_staff or scope.is_officer):
            raise Http404
        chosen = list(rows.filter(status=CertificateStatus.VALID)[:500])
        audit_record(
            actor=request.user,
            action="certificate.download_zip",
            object_type="certificates",
            changes={"count": [None, len(chosen)]},
        )
        response = HttpResponse(certificates_zip(chosen), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="certificates.zip"'
        return response
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": CertificateStatus.choices,
            "scope": scope,
        },
    )


def _get(request: HttpRequest, number: str) -> Certificate:
    return get_object_in_scope(
        certificates_visible(scope=scope_for(request.user)).select_related("organization"),
        number=number,
    )


@login_required
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _get(request, number)
    scope = scope_for(request.user)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "can_revoke": scope.is_officer,
            "can_reissue": scope.is_officer
            or certificate.organization_id in scope.organization_ids,
        },
    )


@login_required
def certificate_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _get(request, number)
    audit_record(actor=request.user, action="certificate.download_pdf", obj=certificate)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@login_required
def certificate_credential_view(request: HttpRequest, number: str) -> JsonResponse:
    certificate = _get(request, number)
    return JsonResponse(
        achievement_credential(certificate), json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_POST
def certificate_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    certificate = _get(request, number)
    scope = scope_for(request.user)
    reason = request.POST.get("reason", "")
    try:
        if action == "revoke" and scope.is_officer:
            certificate_revoke(
                certificate=certificate,
                reason=reason,
                document_no=request.POST.get("document_no", ""),
                actor=request.user,
            )
            messages.success(request, f"证书 {certificate.number} 已撤销")
            return HttpResponseRedirect(reverse("certificates:detail", args=[certificate.number]))
        allowed = scope.is_officer or certificate.organization_id in scope.organization_ids
        if action == "reissue" and allowed:
            new = certificate_reissue(certificate=certificate, reason=reason, actor=request.user)
        elif action == "correct" and allowed:
            new = certificate_correct(
                certificate=certificate,
                holder_name=request.POST.get("holder_name", ""),
                reason=reason,
                actor=request.user,
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("certificates:detail", args=[certificate.number]))
    messages.success(request, f"已生成新证书 {new.number}，原证书已被替代")
    return HttpResponseRedirect(reverse("certificates:detail", args=[new.number]))
