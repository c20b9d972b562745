"""The province's exchange page: province officers only, everyone else 404."""

from __future__ import annotations

from typing import Any

import pytest

from skillcert.exchange.services import batch_build, batch_import
from skillcert.exchange.tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def test_province_officer_sees_peers_and_batches_received(
    issued: Any, self_peer: Any, personas: Any
) -> None:
    batch_import(document=batch_build(after=0), actor=TEST_ACTOR)
    answer = personas.client("province").get("/exchange/")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "本省平台" in text and "证书 2 本" in text
    assert issued[0].id_number not in text


@pytest.mark.parametrize("persona", ["clerk_a", "city_nanjing", "examiner", "candidate"])
def test_others_do_not_learn_the_page_exists(personas: Any, persona: str) -> None:
    assert personas.client(persona).get("/exchange/").status_code == 404


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    assert client.get("/exchange/").status_code == 302


def _peer_form(**changes: str) -> dict[str, str]:
    import json

    from skillcert.certificates.keys import jwks

    data = {
        "name": "国家技能人才评价库",
        "installation": "did:web:registry.example.gov.cn",
        "province": "00",
        "role": "national",
        "url": "https://registry.example.gov.cn/api/v1/exchange/batches",
        "keys_url": "",
        "keys": json.dumps(jwks()),
        "token": "secret-token",
        "account": "",
    }
    data.update(changes)
    return data


def test_province_officer_registers_a_peer_from_the_exchange_page(personas: Any) -> None:
    from skillcert.exchange.selectors import peer_by_installation

    officer = personas.client("province")
    page = officer.get("/exchange/")
    assert 'href="/exchange/peers/new/"' in page.content.decode()
    answer = officer.post("/exchange/peers/new/", _peer_form(), follow=True)
    assert answer.status_code == 200
    assert "已登记交换对端 国家技能人才评价库" in answer.content.decode()
    peer = peer_by_installation("did:web:registry.example.gov.cn")
    assert peer is not None and peer.role == "national" and peer.token == "secret-token"
    assert "secret-token" not in answer.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"keys": "{not json"}, "keys", "公钥集不是有效的 JSON"),
        ({"keys": "", "keys_url": ""}, "keys", "请提供对端公钥集或其地址"),
        ({"province": "3a"}, "province", "省份代码应为两位数字"),
        ({"account": "nobody-here"}, "account", "账号 nobody-here 不存在或已停用"),
        ({"url": "ftp://x"}, "url", "接收地址应以 https:// 开头"),
    ],
)
def test_a_refused_peer_is_shown_beside_its_field_and_nothing_is_saved(
    personas: Any, changes: dict[str, str], field: str, message: str
) -> None:
    from skillcert.exchange.selectors import peer_by_installation

    answer = personas.client("province").post("/exchange/peers/new/", _peer_form(**changes))
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert f'id="id_{field}_error"' in answer.content.decode()
    assert peer_by_installation("did:web:registry.example.gov.cn") is None


@pytest.mark.parametrize("persona", ["clerk_a", "city_nanjing", "examiner", "candidate"])
def test_only_the_province_registers_peers(personas: Any, persona: str) -> None:
    answer = personas.client(persona).post("/exchange/peers/new/", _peer_form())
    assert answer.status_code == 404
