from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from skillcert.accounts.actors import request_actor
from skillcert.accounts.context_processors import navigation
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for, scope_or_404
from skillcert.audit.services import audit_record
from skillcert.certificates.documents import certificate_pdf, certificates_zip
from skillcert.certificates.forms import CorrectionDecisionForm, CorrectionRequestForm, QueryForm
from skillcert.certificates.keys import jwks
from skillcert.certificates.models import (
    Certificate,
    CertificateStatus,
    CorrectionRequest,
    CorrectionStatus,
)
from skillcert.certificates.selectors import (
    QUERY_GROUP,
    QUERY_RATE,
    Verification,
    achievement_credential,
    certificate_query,
    certificate_verify_token,
    certificate_withdrawn,
    certificates_visible,
    correction_requests_visible,
    issuer_document,
    status_list_credential,
)
from skillcert.certificates.services import (
    certificate_correct,
    certificate_correction_approve,
    certificate_correction_reject,
    certificate_correction_request,
    certificate_reissue,
    certificate_revoke,
    level_text,
)
from skillcert.common.actions import Act, Actions
from skillcert.common.exports import xlsx_response
from skillcert.common.lists import list_page
from skillcert.common.middleware import served_lean
from skillcert.common.service_runner import run_service
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


# Rendered verification pages for anonymous visitors, per process, keyed by everything the
# page shows: the token (the signed payload is a function of it) and the registry status read
# on this request. A revocation changes the key, so it shows at once.
VERIFY_PAGES_MAX = 4096
_verify_pages: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_verify_pages_lock = threading.Lock()


_CARD = "\x00verification card\x00"  # no rendered page contains NUL: the middleware refuses it


@cache
def _anonymous_shell() -> tuple[str, str]:
    """The verification page around its card, as an anonymous visitor sees it (the same menus
    for everyone): rendered once per process, the card goes between the two halves."""
    page = render_to_string(
        "certificates/verify_shell.html", {"card": _CARD} | navigation(HttpRequest())
    )
    head, _, tail = page.partition(_CARD)
    return head, tail


def _verify_page_key(token: str, outcome: Verification) -> tuple[Any, ...]:
    certificate = outcome.certificate
    return (
        token,
        outcome.valid,
        outcome.reason,
        None if certificate is None else certificate.status,
        None if certificate is None else certificate.revoked_at,
        None if certificate is None else certificate.status_list,
    )


@throttle(group="certificate-verify", rate="120/m")
def verify_token_view(request: HttpRequest, token: str) -> HttpResponse:
    outcome = certificate_verify_token(token)
    level = outcome.payload.get("lvl") if outcome.payload else None
    context = {
        "outcome": outcome,
        "reason": REASONS.get(outcome.reason, outcome.reason),
        "via": "token",
        "level": level_text(level) if level in LEVEL_NAMES else "",
    }
    if not served_lean(request):
        return render(request, "certificates/verify.html", context)
    # Served without session or authentication (common.middleware.LeanPublicPathsMiddleware):
    # the page is the same for every visitor, so it is rendered once per key.
    key = _verify_page_key(token, outcome)
    with _verify_pages_lock:
        page = _verify_pages.get(key)
        if page is not None:
            _verify_pages.move_to_end(key)
    if page is None:
        head, tail = _anonymous_shell()
        card = render_to_string("certificates/verify_card.html", context)
        page = f"{head}{card}{tail}".encode()
        with _verify_pages_lock:
            _verify_pages[key] = page
            if len(_verify_pages) > VERIFY_PAGES_MAX:
                _verify_pages.popitem(last=False)
    return HttpResponse(page)


@throttle(group=QUERY_GROUP, rate=QUERY_RATE)
@require_http_methods(["GET", "POST"])
def query_view(request: HttpRequest) -> HttpResponse:
    """The form is posted: in a query string the full ID number would end up in access logs,
    proxies and the browser's history. A GET shows the empty form and looks nothing up,
    whatever its query string carries."""
    form = QueryForm(request.POST if request.method == "POST" else None)
    certificate = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        certificate = certificate_query(**form.cleaned_data)
    response = render(
        request,
        "certificates/query.html",
        {"form": form, "certificate": certificate, "searched": searched},
    )
    if form.is_bound:
        add_never_cache_headers(response)
    return response


# Public verification artefacts are read by verifiers on other sites (browser wallets, relying
# parties' pages): any origin may GET them. A status list changes on every revocation, so it
# is cached briefly; keys and the issuer's DID document change only when a key rotates.
STATUS_LIST_MAX_AGE = 300
KEYS_MAX_AGE = 86_400


def _public_artefact(document: dict[str, Any], *, max_age: int) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def keys_view(request: HttpRequest) -> JsonResponse:
    return _public_artefact(jwks(), max_age=KEYS_MAX_AGE)


@require_safe
def issuer_document_view(request: HttpRequest) -> JsonResponse:
    """The issuer's did:web document (`keys.issuer_did`): its Multikey verification methods."""
    return _public_artefact(issuer_document(), max_age=KEYS_MAX_AGE)


@require_safe
def status_list_view(request: HttpRequest, number: int) -> JsonResponse:
    document = status_list_credential(number)
    if document is None:
        raise Http404
    return _public_artefact(document, max_age=STATUS_LIST_MAX_AGE)


def _list_export(request: HttpRequest, rows: QuerySet[Certificate], q: str) -> HttpResponse:
    audit_record(
        actor=request_actor(request),
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


def _list_zip(request: HttpRequest, rows: QuerySet[Certificate]) -> HttpResponse:
    chosen = list(rows.filter(status=CertificateStatus.VALID)[:500])
    audit_record(
        actor=request_actor(request),
        action="certificate.download_zip",
        object_type="certificates",
        changes={"count": [None, len(chosen)]},
    )
    response = HttpResponse(certificates_zip(chosen), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="certificates.zip"'
    return response


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
        return _list_export(request, rows, q)
    if request.GET.get("download") == "zip":
        if not (scope.is_org_staff or scope.is_officer):
            raise Http404
        return _list_zip(request, rows)
    return list_page(
        request,
        "certificates/list.html",
        rows,
        {
            "q": q,
            "status": status,
            "statuses": CertificateStatus.choices,
            "scope": scope,
            # a candidate's own certificates (我的证书), not an office's registry
            "mine_only": not (scope.is_platform or scope.is_officer or scope.is_org_staff),
        },
    )


def _get(request: HttpRequest, number: str) -> Certificate:
    return get_object_in_scope(
        certificates_visible(scope=scope_for(request.user)).select_related("organization"),
        number=number,
    )


def _is_issuer_staff(scope: Scope, certificate: Certificate) -> bool:
    return scope.is_platform or certificate.organization_id in scope.organization_ids


def _render_detail(
    request: HttpRequest,
    certificate: Certificate,
    *,
    correction_form: CorrectionRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scope = scope_for(request.user)
    corrections = list(
        correction_requests_visible(scope=scope)
        .filter(certificate=certificate)
        .select_related("evidence", "corrected_certificate")
    )
    pending = any(c.status == CorrectionStatus.PENDING for c in corrections)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "can_revoke": scope.is_officer,
            "can_reissue": scope.is_officer or _is_issuer_staff(scope, certificate),
            "can_request_correction": _is_issuer_staff(scope, certificate)
            and certificate.status == CertificateStatus.VALID
            and not pending,
            "correction_form": correction_form or CorrectionRequestForm(),
            "corrections": corrections,
        },
        status=status,
    )


@login_required
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_detail(request, _get(request, number))


@login_required
def certificate_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _get(request, number)
    audit_record(actor=request_actor(request), action="certificate.download_pdf", obj=certificate)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@login_required
def certificate_credential_view(request: HttpRequest, number: str) -> JsonResponse:
    """A certificate that no longer stands is not handed out as a credential again: 410 with
    its status (and the certificate that replaced it)."""
    certificate = _get(request, number)
    if certificate.status != CertificateStatus.VALID:
        return JsonResponse(certificate_withdrawn(certificate), status=410)
    return JsonResponse(
        achievement_credential(certificate), json_dumps_params={"ensure_ascii": False}
    )


def _detail_url(certificate: Certificate) -> str:
    return reverse("certificates:detail", args=[certificate.number])


def _revocable(request: HttpRequest, number: str) -> Certificate:
    certificate = _get(request, number)
    if not scope_for(request.user).is_officer:
        raise Http404
    return certificate


def _replaceable(request: HttpRequest, number: str) -> Certificate:
    certificate = _get(request, number)
    scope = scope_for(request.user)
    if not (scope.is_officer or certificate.organization_id in scope.organization_ids):
        raise Http404
    return certificate


# A certificate's buttons: each comes back to the certificate's page (a new certificate's
# after a replacement). Revoking is for officers; replacing also for the issuing organisation.
REVOKE: Actions[Certificate] = Actions(prefix="<str:number>/", load=_revocable, back=_detail_url)
REPLACE: Actions[Certificate] = Actions(prefix="<str:number>/", load=_replaceable, back=_detail_url)


def _replaced(a: Act[Certificate], new: Certificate) -> str:
    return f"已生成新证书 {new.number}，原证书已被替代"


@REVOKE.post("revoke/", name="revoke", success=lambda a, _: f"证书 {a.obj.number} 已撤销")
def certificate_revoke_view(a: Act[Certificate]) -> object:
    return certificate_revoke(
        certificate=a.obj,
        reason=a.posted("reason"),
        document_no=a.posted("document_no"),
        actor=a.actor,
    )


@REPLACE.post("reissue/", name="reissue", next=_detail_url, success=_replaced)
def certificate_reissue_view(a: Act[Certificate]) -> object:
    return certificate_reissue(certificate=a.obj, reason=a.posted("reason"), actor=a.actor)


@REPLACE.post("correct/", name="correct", next=_detail_url, success=_replaced)
def certificate_correct_view(a: Act[Certificate]) -> object:
    """Refused for everyone: corrections go through a request an officer approves."""
    return certificate_correct(
        certificate=a.obj,
        holder_name=a.posted("holder_name"),
        reason=a.posted("reason"),
        actor=a.actor,
    )


# --- correction requests ------------------------------------------------------------------


@login_required
@require_POST
def correction_request_file(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _get(request, number)
    form = CorrectionRequestForm(request.POST, request.FILES)
    if form.is_valid():
        data, user = form.cleaned_data, request_actor(request)
        response = run_service(
            request,
            lambda: certificate_correction_request(
                certificate=certificate,
                holder_name=data["holder_name"],
                id_number=data["id_number"],
                reason=data["reason"],
                evidence=data["evidence"],
                actor=user,
            ),
            success=f"更正申请已提交，待人社部门审核；审核同意前证书 {certificate.number} 保持不变",
            next=_detail_url(certificate),
            form=form,
        )
        if response is not None:
            return response
    return _render_detail(request, certificate, correction_form=form, status=400)


@login_required
def correction_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    status = request.GET.get("status", CorrectionStatus.PENDING)
    rows = correction_requests_visible(scope=scope).select_related(
        "certificate", "organization", "evidence", "requested_by", "corrected_certificate"
    )
    if status in CorrectionStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    return list_page(
        request,
        "certificates/corrections.html",
        rows,
        {
            "status": status,
            "statuses": CorrectionStatus.choices,
            "can_decide": scope.is_officer,
            "decision_form": CorrectionDecisionForm(),
        },
    )


def _correction(request: HttpRequest, pk: int) -> CorrectionRequest:
    scope = scope_for(request.user)
    return get_object_in_scope(
        correction_requests_visible(scope=scope).select_related("certificate", "organization"),
        pk=pk,
    )


# The decisions on a correction request: the note's errors are flashed and, either way, the
# officer comes back to the list.
CORRECTION: Actions[CorrectionRequest] = Actions(
    prefix="corrections/<int:pk>/",
    load=_correction,
    back=lambda _: reverse("certificates:corrections"),
)


def _approved(a: Act[CorrectionRequest], new: Certificate) -> str:
    return (
        f"已同意更正申请 #{a.obj.pk}：换发证书 {new.number}，"
        f"原证书 {a.obj.certificate.number} 已作废"
    )


@CORRECTION.post("approve/", form=CorrectionDecisionForm, success=_approved)
def correction_approve(a: Act[CorrectionRequest]) -> object:
    return certificate_correction_approve(correction=a.obj, note=a.data["note"], actor=a.actor)


@CORRECTION.post(
    "reject/",
    form=CorrectionDecisionForm,
    success=lambda a, _: f"已驳回更正申请 #{a.obj.pk}，证书 {a.obj.certificate.number} 保持不变",
)
def correction_reject(a: Act[CorrectionRequest]) -> object:
    return certificate_correction_reject(correction=a.obj, note=a.data["note"], actor=a.actor)
