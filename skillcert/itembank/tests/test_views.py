from __future__ import annotations

from skillcert.itembank.models import ItemAccessLog, ItemStatus, PaperStatus


def test_item_pages_are_scoped_and_detail_reads_are_logged(bank, personas):
    mine = bank.choice(1)
    theirs = bank.choice(2, actor=bank.setter2)
    client = personas.client_for(bank.setter)
    listing = client.get("/itembank/")
    assert listing.status_code == 200
    assert mine.code in listing.text and theirs.code not in listing.text
    assert "机密题干" not in listing.text
    assert client.get(f"/itembank/items/{theirs.pk}/").status_code == 404
    detail = client.get(f"/itembank/items/{mine.pk}/")
    assert detail.status_code == 200 and "机密题干1" in detail.text
    assert list(ItemAccessLog.objects.values_list("item_id", "user_id")) == [
        (mine.pk, bank.setter.pk)
    ]


def test_people_without_bank_roles_get_404(bank, personas):
    assert personas.client_for(personas.clerk_a).get("/itembank/").status_code == 404
    assert personas.client_for(personas.candidate).get("/itembank/").status_code == 404


def test_submit_through_the_page_and_api_content_is_logged(bank, personas):
    item = bank.choice(1)
    client = personas.client_for(bank.setter)
    response = client.post(f"/itembank/items/{item.pk}/submit/", {"reviewer": bank.reviewer.pk})
    assert response.status_code == 302
    api = personas.client_for(bank.reviewer)
    listed = api.get("/api/v1/itembank/items").json()
    assert [row["code"] for row in listed] == [item.code] and "content" not in listed[0]
    one = api.get(f"/api/v1/itembank/items/{item.pk}").json()
    assert one["content"]["key"] == "B"
    assert ItemAccessLog.objects.filter(user=bank.reviewer, purpose="api").count() == 1
    assert (
        personas.client_for(bank.setter2).get(f"/api/v1/itembank/items/{item.pk}").status_code
        == 404
    )


def test_export_excel_is_logged(bank, personas):
    bank.choice(1)
    response = personas.client_for(bank.manager).get("/itembank/?export=xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert ItemAccessLog.objects.filter(purpose="export").count() == 1


def test_each_item_action_is_its_own_url_and_a_refusal_stays_on_the_item(bank, personas):
    item = bank.choice(1)
    setter = personas.client_for(bank.setter)
    assert setter.get(f"/itembank/items/{item.pk}/submit/").status_code == 405
    assert setter.post(f"/itembank/items/{item.pk}/publish/").status_code == 404
    assert setter.post(f"/itembank/items/{item.pk}/approve/").status_code == 403
    # submitted, the item leaves its setter's sight: the action ends on the list
    submitted = setter.post(f"/itembank/items/{item.pk}/submit/", {"reviewer": bank.reviewer.pk})
    assert submitted["Location"] == "/itembank/"
    reviewer = personas.client_for(bank.reviewer)
    refused = reviewer.post(f"/itembank/items/{item.pk}/return/", {"reason": " "}, follow=True)
    assert refused.redirect_chain[-1][0] == f"/itembank/items/{item.pk}/"
    assert "退回修改须填写原因" in refused.text
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_REVIEW
    returned = reviewer.post(f"/itembank/items/{item.pk}/return/", {"reason": "题干不清"})
    assert returned["Location"] == "/itembank/"  # back with its setter
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT


def test_sealing_through_the_page_refuses_a_bad_release_time(bank, personas):
    paper = bank.paper()
    client = personas.client_for(bank.manager)
    url = f"/itembank/papers/{paper.pk}/seal/"
    for bad in ("", "明天上午"):
        response = client.post(url, {"release_at": bad}, follow=True)
        assert "启封时间格式不正确" in response.text
        paper.refresh_from_db()
        assert paper.status == PaperStatus.ASSEMBLED
    sealed = client.post(url, {"release_at": "2030-01-02T09:00"})
    assert sealed["Location"] == "/itembank/papers/"
    paper.refresh_from_db()
    assert paper.status == PaperStatus.SEALED
    assert paper.release_at.isoformat().startswith("2030-01-02T01:00")  # 09:00 in Beijing
