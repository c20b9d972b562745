"""The authoring pages: one item (new, edit), a blueprint from the weight table, the bank's
people, and statistics written back from an item analysis. Each with good input, bad input
that lands beside its field, and the people who must be turned away; item text never reaches
a URL or a log."""

from __future__ import annotations

import logging

import pytest

from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemAccessLog,
    ItemBankRole,
    ItemBankRoleKind,
)
from skillcert.itembank.tests.factories import theory_weights
from skillcert.plans.tests.factories import appointed_setter
from skillcert.scoring.models import ItemAnalysis

NEW = "/itembank/items/new/"
STEM = "机密题干：劳动合同试用期最长为多久"


def _single(**kw):
    data = {
        "level": "3",
        "element": "",
        "item_type": "single",
        "stem": STEM,
        "options": "一个月\n三个月\n六个月\n一年",
        "key": "C",
        "score": "1",
        "difficulty": "0.5",
        "enemy_group": "",
        "code": "",
    }
    data.update(kw)
    return data


def _new_url(bank):
    return f"{NEW}?occupation={bank.occupation.pk}"


# --- 新建试题 / 编辑试题 ------------------------------------------------------------------


def test_setter_writes_a_single_choice_item_and_its_text_stays_out_of_urls_and_logs(
    bank, personas, caplog
):
    client = personas.client_for(bank.setter)
    picker = client.get(NEW)
    assert picker.status_code == 200 and bank.occupation.name in picker.text
    page = client.get(_new_url(bank))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    caplog.set_level(logging.DEBUG)
    element = bank.elements["A-01"]
    response = client.post(_new_url(bank), _single(element=element.pk))
    item = Item.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/itembank/items/{item.pk}/"
    assert (item.author, item.element, item.status, item.level) == (
        bank.setter,
        element,
        "draft",
        3,
    )
    assert item.content["key"] == "C" and item.content["stem"] == STEM
    assert [o["text"] for o in item.content["options"]] == ["一个月", "三个月", "六个月", "一年"]
    assert STEM not in caplog.text and "劳动合同" not in caplog.text
    assert "劳动合同" not in response["Location"]


@pytest.mark.parametrize(
    ("item_type", "extra", "check"),
    [
        ("multiple", {"key": "A, C"}, lambda c: c["key"] == ["A", "C"]),
        ("true_false", {"options": "", "key": "正确"}, lambda c: c["key"] is True),
        (
            "subjective",
            {"options": "", "key": "", "answer": "六个月", "scheme": "答出六个月得满分"},
            lambda c: c["scheme"] == "答出六个月得满分" and c["answer"] == "六个月",
        ),
    ],
)
def test_every_authored_type_is_saved(bank, personas, item_type, extra, check):
    client = personas.client_for(bank.manager)
    data = _single(element=bank.elements["A-02"].pk, item_type=item_type, **extra)
    assert client.post(_new_url(bank), data).status_code == 302
    item = Item.objects.get()
    assert item.item_type == item_type and check(item.content)


@pytest.mark.parametrize(
    ("field", "data", "words"),
    [
        ("key", {"key": "E"}, "答案应为 ABCD 中的字母"),
        ("options", {"options": "只有一个选项"}, "选择题应有 2 到"),
        ("stem", {"stem": "   "}, "这个字段是必填项"),
        ("scheme", {"item_type": "subjective", "options": "", "key": ""}, "评分标准不能为空"),
        ("score", {"score": "0"}, "分值应大于 0"),
        ("difficulty", {"difficulty": "1.5"}, "难度应在 0 到 1 之间"),
        ("element", {"element": "B-01"}, "不适用于 3 级"),
        ("code", {"code": "坏 编号"}, "试题编号格式不正确"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(
    bank, personas, field, data, words
):
    client = personas.client_for(bank.setter)
    element = bank.elements[data.pop("element", "A-01")]
    response = client.post(_new_url(bank), _single(element=element.pk, **data))
    assert response.status_code == 200
    beside = response.text.split(f'id="id_{field}_error"', 1)
    assert len(beside) == 2, f"no error beside {field}"
    assert words in beside[1].split("</ul>", 1)[0]
    assert not Item.objects.exists()


def test_code_already_taken_is_shown_beside_the_code(bank, personas):
    bank.choice(1)  # code T0001
    client = personas.client_for(bank.setter)
    response = client.post(_new_url(bank), _single(element=bank.elements["A-01"].pk, code="T0001"))
    assert response.status_code == 200
    assert "试题编号 T0001 已存在" in response.text.split('id="id_code_error"', 1)[1]
    assert Item.objects.count() == 1


@pytest.mark.parametrize("who", ["clerk_b", "candidate", "examiner"])
def test_people_without_a_writing_role_cannot_write_items(bank, personas, who):
    client = personas.client_for(getattr(personas, who))
    assert client.get(NEW).status_code == 404
    assert client.get(_new_url(bank)).status_code == 404
    assert client.post(_new_url(bank), _single(element=bank.elements["A-01"].pk)).status_code == 404
    assert not Item.objects.exists()


def test_anonymous_is_sent_to_log_in(bank, client):
    response = client.post(_new_url(bank), _single(element=bank.elements["A-01"].pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(NEW)["Location"].startswith("/accounts/login/")
    assert not Item.objects.exists()


def test_setter_of_another_occupation_cannot_pick_this_one(bank, personas):
    client = personas.client_for(bank.outsider_manager)
    response = client.post(_new_url(bank), _single(element=bank.elements["A-01"].pk))
    assert response.status_code == 404
    assert not Item.objects.exists()


def test_author_edits_a_draft_the_read_is_logged_and_a_version_is_added(bank, personas):
    item = bank.choice(1)
    client = personas.client_for(bank.setter)
    page = client.get(f"/itembank/items/{item.pk}/edit/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "机密题干1" in page.text
    assert ItemAccessLog.objects.filter(item=item, user=bank.setter, purpose="edit").count() == 1
    data = _single(element=bank.elements["A-03"].pk, stem="改过的题干", key="D", score="2")
    response = client.post(f"/itembank/items/{item.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"/itembank/items/{item.pk}/"
    item.refresh_from_db()
    assert (item.version, item.content["stem"], item.content["key"]) == (2, "改过的题干", "D")
    assert (item.element.code, item.score) == ("A-03", 2)
    assert item.versions.count() == 2


def test_edit_refuses_bad_input_beside_the_field(bank, personas):
    item = bank.choice(1)
    client = personas.client_for(bank.setter)
    response = client.post(
        f"/itembank/items/{item.pk}/edit/", _single(element=bank.elements["A-01"].pk, key="Z")
    )
    assert response.status_code == 200
    assert "答案应为" in response.text.split('id="id_key_error"', 1)[1]
    item.refresh_from_db()
    assert (item.version, item.content["key"]) == (1, "B")


def test_an_item_in_review_is_no_longer_editable(bank, personas):
    item = bank.active(1)
    setter = personas.client_for(bank.setter)
    assert setter.get(f"/itembank/items/{item.pk}/edit/").status_code == 404
    manager = personas.client_for(bank.manager)
    response = manager.post(
        f"/itembank/items/{item.pk}/edit/", _single(element=bank.elements["A-01"].pk)
    )
    assert response.status_code == 200 and "不能修改" in response.text
    item.refresh_from_db()
    assert item.version == 1


@pytest.mark.parametrize("who", ["setter2", "clerk_b", "candidate", "examiner"])
def test_others_cannot_open_or_edit_a_draft(bank, personas, who):
    item = bank.choice(1)
    user = getattr(bank, who, None) or getattr(personas, who)
    client = personas.client_for(user)
    assert client.get(f"/itembank/items/{item.pk}/edit/").status_code == 404
    data = _single(element=bank.elements["A-01"].pk, stem="篡改")
    assert client.post(f"/itembank/items/{item.pk}/edit/", data).status_code == 404
    item.refresh_from_db()
    assert (item.version, item.content["stem"]) == (1, "机密题干1")
    assert not ItemAccessLog.objects.exists()


# --- 新建组卷蓝图 --------------------------------------------------------------------------


@pytest.fixture
def weights(bank):
    theory_weights(bank.standard, [("人力资源规划", 60), ("招聘与配置", 40)])


def _blueprint_data(**kw):
    data = {
        "name": "三级理论知识",
        "level": "3",
        "difficulty_mean": "0.55",
        "difficulty_tolerance": "0.05",
        "count_single": "10",
        "count_multiple": "5",
        "count_true_false": "0",
        "count_subjective": "0",
        "total_score": "",
        "max_overlap": "",
        "max_exposure": "3",
    }
    data.update(kw)
    return data


def test_manager_creates_a_blueprint_from_the_weight_table(bank, personas, weights):
    client = personas.client_for(bank.manager)
    assert "新建组卷蓝图" in client.get("/itembank/papers/").text
    url = f"/itembank/blueprints/new/?occupation={bank.occupation.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "A</span> 60" in page.text
    response = client.post(url, _blueprint_data())
    assert response.status_code == 302 and response["Location"] == "/itembank/papers/"
    bp = AssemblyBlueprint.objects.get()
    assert sorted((c["element"], c["type"], c["count"]) for c in bp.cells) == [
        ("A", "multiple", 3),
        ("A", "single", 6),
        ("B", "multiple", 2),
        ("B", "single", 4),
    ]
    assert (bp.bank, bp.created_by, bp.max_exposure) == (bank.item_bank, bank.manager, 3)


@pytest.mark.parametrize(
    ("field", "data", "words"),
    [
        ("difficulty_mean", {"difficulty_mean": "1.5"}, "difficulty.mean"),
        ("count_single", {"count_single": "0", "count_multiple": "0"}, "至少需要一个"),
        ("name", {"name": "  "}, "这个字段是必填项"),
        ("count_single", {"count_single": "-1"}, "大于或等于0"),
    ],
)
def test_blueprint_bad_input_is_shown_beside_its_field(bank, personas, weights, field, data, words):
    client = personas.client_for(bank.manager)
    url = f"/itembank/blueprints/new/?occupation={bank.occupation.pk}"
    response = client.post(url, _blueprint_data(**data))
    assert response.status_code == 200
    assert words in response.text.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert not AssemblyBlueprint.objects.exists()


def test_blueprint_without_a_weight_table_says_so(bank, personas):
    client = personas.client_for(bank.manager)
    url = f"/itembank/blueprints/new/?occupation={bank.occupation.pk}"
    response = client.post(url, _blueprint_data())
    assert response.status_code == 200 and "比重表为空" in response.text
    assert not AssemblyBlueprint.objects.exists()


def test_duplicate_blueprint_name_is_refused(bank, personas, weights):
    client = personas.client_for(bank.manager)
    url = f"/itembank/blueprints/new/?occupation={bank.occupation.pk}"
    assert client.post(url, _blueprint_data()).status_code == 302
    response = client.post(url, _blueprint_data())
    assert "已存在" in response.text.split('id="id_name_error"', 1)[1]
    assert AssemblyBlueprint.objects.count() == 1


@pytest.mark.parametrize("who", ["setter", "outsider_manager"])
def test_setters_and_managers_of_other_occupations_cannot_write_blueprints(
    bank, personas, weights, who
):
    client = personas.client_for(getattr(bank, who))
    url = f"/itembank/blueprints/new/?occupation={bank.occupation.pk}"
    assert client.post(url, _blueprint_data()).status_code == 404
    assert not AssemblyBlueprint.objects.exists()


@pytest.mark.parametrize("who", ["clerk_b", "candidate", "examiner"])
def test_people_outside_the_bank_cannot_write_blueprints(bank, personas, weights, who):
    client = personas.client_for(getattr(personas, who))
    url = f"/itembank/blueprints/new/?occupation={bank.occupation.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, _blueprint_data()).status_code == 404
    assert not AssemblyBlueprint.objects.exists()


# --- 题库人员 -----------------------------------------------------------------------------


def _grant(bank, username, role="setter"):
    return {
        "username": username,
        "occupation": bank.occupation.pk,
        "role": role,
        "bank": bank.item_bank.pk,
    }


def test_manager_grants_and_revokes_a_question_setter(bank, personas):
    appointed_setter(personas.examiner, bank.occupation, personas.org_a)
    client = personas.client_for(bank.manager)
    listing = client.get("/itembank/roles/?q=setter")
    assert listing.status_code == 200
    assert "<td>setter2 " in listing.text and "<td>reviewer " not in listing.text
    exported = client.get("/itembank/roles/?export=xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    response = client.post("/itembank/roles/", _grant(bank, "examiner"))
    assert response.status_code == 302 and response["Location"] == "/itembank/roles/"
    row = ItemBankRole.objects.get(user=personas.examiner)
    assert (row.role, row.bank, row.occupation, row.active) == (
        ItemBankRoleKind.SETTER,
        bank.item_bank,
        bank.occupation,
        True,
    )
    # the new question setter may now write items of the occupation
    assert personas.client_for(personas.examiner).get(_new_url(bank)).status_code == 200
    assert client.post(f"/itembank/roles/{row.pk}/revoke/").status_code == 302
    row.refresh_from_db()
    assert not row.active
    assert personas.client_for(personas.examiner).get(_new_url(bank)).status_code == 404


def test_province_officer_manages_the_unified_bank_people(bank, personas):
    client = personas.client_for(personas.province)
    response = client.post("/itembank/roles/", _grant(bank, "examiner", role="reviewer"))
    assert response.status_code == 302
    assert ItemBankRole.objects.filter(user=personas.examiner, role="reviewer").exists()


@pytest.mark.parametrize(
    ("field", "data", "words"),
    [
        ("username", {"username": "nobody"}, "未找到该用户名"),
        ("role", {"role": "owner"}, "选择一个有效的选项"),
    ],
)
def test_grant_bad_input_is_shown_beside_its_field(bank, personas, field, data, words):
    client = personas.client_for(bank.manager)
    response = client.post("/itembank/roles/", {**_grant(bank, "examiner"), **data})
    assert response.status_code == 200
    assert words in response.text.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert not ItemBankRole.objects.filter(user=personas.examiner).exists()


def test_manager_of_another_occupation_cannot_grant_or_revoke_here(bank, personas):
    client = personas.client_for(bank.outsider_manager)
    response = client.post("/itembank/roles/", _grant(bank, "examiner"))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.text.split('id="id_occupation_error"', 1)[1]
    setter_role = ItemBankRole.objects.get(user=bank.setter)
    assert client.post(f"/itembank/roles/{setter_role.pk}/revoke/").status_code == 404
    setter_role.refresh_from_db()
    assert setter_role.active
    assert not ItemBankRole.objects.filter(user=personas.examiner).exists()


@pytest.mark.parametrize("who", ["clerk_b", "candidate", "examiner", "setter"])
def test_people_who_manage_no_bank_cannot_see_or_change_roles(bank, personas, who):
    user = getattr(bank, who, None) or getattr(personas, who)
    client = personas.client_for(user)
    setter_role = ItemBankRole.objects.get(user=bank.setter)
    assert client.get("/itembank/roles/").status_code == 404
    assert client.post("/itembank/roles/", _grant(bank, "examiner")).status_code == 404
    assert client.post(f"/itembank/roles/{setter_role.pk}/revoke/").status_code == 404
    setter_role.refresh_from_db()
    assert setter_role.active
    assert not ItemBankRole.objects.filter(user=personas.examiner).exists()


def test_anonymous_cannot_grant_or_revoke(bank, client, personas):
    setter_role = ItemBankRole.objects.get(user=bank.setter)
    assert client.post("/itembank/roles/", _grant(bank, "examiner")).status_code == 302
    assert client.post(f"/itembank/roles/{setter_role.pk}/revoke/").status_code == 302
    setter_role.refresh_from_db()
    assert setter_role.active
    assert not ItemBankRole.objects.filter(user=personas.examiner).exists()


# --- 更新试题统计 -------------------------------------------------------------------------


def test_manager_updates_statistics_on_the_item_page(bank, personas):
    item = bank.active(1)
    client = personas.client_for(bank.manager)
    assert "更新统计" in client.get(f"/itembank/items/{item.pk}/").text
    url = f"/itembank/items/{item.pk}/statistics/"
    response = client.post(url, {"difficulty": "0.3", "discrimination": "0.25"})
    assert response.status_code == 302 and response["Location"] == f"/itembank/items/{item.pk}/"
    item.refresh_from_db()
    assert (item.difficulty, item.discrimination) == (0.3, 0.25)


def test_statistics_out_of_range_are_refused_and_an_outside_next_is_ignored(bank, personas):
    item = bank.active(1)
    client = personas.client_for(bank.manager)
    url = f"/itembank/items/{item.pk}/statistics/"
    response = client.post(
        url, {"difficulty": "0.3", "discrimination": "2", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/itembank/items/{item.pk}/"
    assert "区分度应在 -1 到 1 之间" in client.get(response["Location"]).text
    item.refresh_from_db()
    assert (item.difficulty, item.discrimination) == (0.5, None)


def test_only_bank_managers_update_statistics(bank, personas, client):
    item = bank.choice(1)
    data = {"difficulty": "0.1", "discrimination": "0.1"}
    url = f"/itembank/items/{item.pk}/statistics/"
    # the author sees the draft, but statistics are the managers' to write
    assert personas.client_for(bank.setter).post(url, data).status_code == 403
    for user in (personas.clerk_b, personas.candidate, personas.examiner, bank.setter2):
        assert personas.client_for(user).post(url, data).status_code == 404
    assert client.post(url, data).status_code == 302  # anonymous: to the login page
    item.refresh_from_db()
    assert (item.difficulty, item.discrimination) == (0.5, None)


@pytest.fixture
def analysis(bank):
    paper = bank.paper()
    items = [pi.item for pi in paper.paper_items.select_related("item").order_by("item__code")]
    return ItemAnalysis.objects.create(
        paper=paper,
        candidates=30,
        alpha=0.8,
        mean=2.1,
        std=0.7,
        distribution={"0-9": 1},
        items=[
            {
                "item_id": it.code,
                "facility": 0.42 + n / 100,
                "point_biserial": 0.31,
                "upper_lower": 0.2,
                "option_counts": {"B": 13},
                "flags": [],
            }
            for n, it in enumerate(items)
        ],
    )


def test_province_officer_writes_analysis_statistics_back_to_the_bank(bank, personas, analysis):
    client = personas.client_for(personas.province)
    url = f"/scoring/analysis/{analysis.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and page.text.count("写回题库") == 3
    item = Item.objects.get(code=analysis.items[1]["item_id"])
    response = client.post(
        f"/itembank/items/{item.pk}/statistics/",
        {"difficulty": "0.43", "discrimination": "0.31", "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    item.refresh_from_db()
    assert (item.difficulty, item.discrimination) == (0.43, 0.31)


def test_analysis_page_offers_no_write_back_to_staff_who_do_not_manage_the_bank(
    bank, personas, analysis
):
    page = personas.client_for(personas.city_nanjing).get(f"/scoring/analysis/{analysis.pk}/")
    assert page.status_code in (200, 404)
    assert "写回题库" not in page.text
