"""Rate limits count the visitor: REMOTE_ADDR, or X-Forwarded-For only through a trusted proxy."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from skillcert.common.throttle import client_ip, too_many_requests


def _request(remote: str, forwarded: str = "") -> HttpRequest:
    request = RequestFactory().get("/v/x", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@override_settings(TRUSTED_PROXIES=[])
def test_forwarded_for_is_ignored_without_a_trusted_proxy(db):
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.2"])
def test_the_nearest_untrusted_hop_behind_trusted_proxies_is_the_visitor(db):
    # a visitor may prepend anything; only the hops our proxies appended are believed
    request = _request("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2")
    assert client_ip(request) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_visitors_behind_the_proxy_have_their_own_allowance(db):
    group, rate = "test-proxy", "2/m"
    first = _request("127.0.0.1", "198.51.100.1")
    assert too_many_requests(first, group=group, rate=rate) is None
    assert too_many_requests(first, group=group, rate=rate) is None
    refused = too_many_requests(first, group=group, rate=rate)
    assert refused is not None and refused.status_code == 429
    other = _request("127.0.0.1", "198.51.100.2")
    assert too_many_requests(other, group=group, rate=rate) is None
