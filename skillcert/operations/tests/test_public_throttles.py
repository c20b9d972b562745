"""Every public page answers 429 (in Chinese) once one visitor goes past its allowance,
while another visitor is still served."""

from __future__ import annotations

import pytest
from django.test import Client

# (path, method, data, allowance): the anonymous endpoints that write, search or compute.
PUBLIC = [
    ("/candidates/register/", "post", {"username": "x"}, 20),
    ("/eligibility/", "post", {"as_of": "x"}, 30),
    ("/directory/", "get", {}, 60),
    ("/directory/S000000000000/", "get", {}, 60),
    ("/v/a.b.c", "get", {}, 120),
    ("/certificates/verify/", "get", {"number": "1"}, 30),
    ("/scoring/query/", "get", {"id_number": "1"}, 20),
    ("/supervision/report/", "post", {"title": ""}, 10),
]


@pytest.mark.parametrize(
    ("path", "method", "data", "allowance"), PUBLIC, ids=[p[0] for p in PUBLIC]
)
def test_public_endpoint_is_throttled_per_visitor(db, path, method, data, allowance):
    client = Client()
    send = getattr(client, method)
    codes = [send(path, data, REMOTE_ADDR="198.51.100.20").status_code for _ in range(allowance)]
    assert 429 not in codes
    refused = send(path, data, REMOTE_ADDR="198.51.100.20")
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode()
    assert send(path, data, REMOTE_ADDR="198.51.100.21").status_code != 429
