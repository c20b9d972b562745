"""The province's page on the exchange: peers, deliveries of our feed and batches received.
Peers are registered here or with `manage.py exchange peer-add` (the same service)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from skillcert.accounts.actors import Actor, request_actor
from skillcert.accounts.scope import scope_for
from skillcert.accounts.selectors import user_active_by_username
from skillcert.common.errors import DomainError
from skillcert.common.service_runner import run_form
from skillcert.exchange.forms import PeerForm
from skillcert.exchange.models import Peer
from skillcert.exchange.selectors import (
    batches_received_visible,
    deliveries_visible,
    installation_id,
    installation_province,
    peers_visible,
    registry_counts,
)
from skillcert.exchange.services import peer_register


def _require_province_officer(request: HttpRequest) -> None:
    # Peers and their deliveries are the province's business; others learn nothing of them.
    if not scope_for(request.user).is_province_officer:
        raise Http404


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_province_officer(request)
    scope = scope_for(request.user)
    return render(
        request,
        "exchange/overview.html",
        {
            "installation": installation_id(),
            "province": installation_province(),
            "peers": peers_visible(scope=scope),
            "deliveries": deliveries_visible(scope=scope)[:50],
            "batches": batches_received_visible(scope=scope)[:50],
            "counts": registry_counts(),
        },
    )


def _register(data: dict[str, Any], actor: Actor) -> Peer:
    account = None
    if data["account"]:
        account = user_active_by_username(username=data["account"])
        if account is None:
            raise DomainError(
                "exchange.peer_account", f"账号 {data['account']} 不存在或已停用", field="account"
            )
    return peer_register(
        name=data["name"],
        installation=data["installation"],
        province=data["province"],
        role=data["role"],
        url=data["url"].strip(),
        public_keys=data["keys"],
        keys_url=data["keys_url"].strip(),
        token=data["token"],
        account=account,
        actor=actor,
    )


@login_required
def peer_new(request: HttpRequest) -> HttpResponse:
    _require_province_officer(request)
    form = PeerForm(request.POST or None)
    response = run_form(
        request,
        form,
        lambda data: _register(data, request_actor(request)),
        success=lambda peer: f"已登记交换对端 {peer.name}",
        next=reverse("exchange:overview"),
    )
    if response is not None:
        return response
    return render(request, "exchange/peer_new.html", {"form": form})
