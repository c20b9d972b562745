"""Issue H1: the item bank is separated by owner. The attacks (an organisation's staff reading,
exporting, releasing and downloading the province's unified bank; another organisation; a
city officer; an examiner browsing items in use) are refused — 404 for reads and downloads,
a refusal code from the services — while the owner's own people still do their work, and a
sealed paper needs two different authorised people of its owner to open."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role, User
from skillcert.accounts.services import role_revoke
from skillcert.common.errors import DomainError
from skillcert.common.tests.module_rows import module_shares
from skillcert.itembank.excel import parse_items_xlsx
from skillcert.itembank.models import (
    Item,
    ItemAccessLog,
    ItemBank,
    ItemBankRoleKind,
    Paper,
    PaperAccessLog,
    PaperStatus,
)
from skillcert.itembank.permits import BankAction, bank_may, item_may
from skillcert.itembank.selectors import bank_scope, items_visible, papers_visible
from skillcert.itembank.services import (
    blueprint_create,
    item_approve,
    item_create,
    item_submit,
    itembank_role_grant,
    items_export_rows,
    paper_assemble,
    paper_download,
    paper_release_approve,
    paper_seal,
)
from skillcert.plans.tests.factories import appointed_setter
from skillcert.regions.models import Region

PASSWORD = "Correct-Horse-2026"


def _person(name: str, role: str, **scope) -> User:
    return make_user(name, role, **scope)


@dataclass
class Owners:
    province_bank: ItemBank
    org_a_bank: ItemBank
    province_items: list[Item]
    org_a_items: list[Item]
    province_paper: Paper
    org_a_paper: Paper
    org_a_admin: User  # manages organisation A's bank (and, like the demo, holds a manager role)
    org_a_manager: User  # organisation A's clerk, commissioned as a manager of its bank
    org_b_admin: User


def _active_items(bank, item_bank: ItemBank, author: User, prefix: str) -> list[Item]:
    items = []
    for n in range(3):
        item = item_create(
            occupation=bank.occupation,
            level=3,
            element=bank.elements[f"A-0{n + 1}"],
            item_type="single",
            content={
                "stem": f"{prefix}机密题干{n}",
                "options": ["甲", "乙", "丙", "丁"],
                "key": "C",
            },
            score=1,
            difficulty=0.5,
            code=f"T{n:04d}",  # the same codes in both banks: codes are unique per bank
            actor=author,
            bank=item_bank,
        )
        item_submit(item=item, reviewer=bank.reviewer, actor=author)
        items.append(item_approve(item=item, actor=bank.reviewer))
    return items


def _sealed_paper(bank, item_bank: ItemBank, manager: User) -> Paper:
    blueprint = blueprint_create(
        occupation=bank.occupation,
        level=3,
        name="三级理论",
        cells=[{"element": "A", "type": "single", "count": 3}],
        difficulty_mean=0.5,
        difficulty_tolerance=0.1,
        actor=manager,
        bank=item_bank,
    )
    [paper] = paper_assemble(blueprint=blueprint, forms=1, seed=0, actor=manager)
    # relative to now, so the release time has passed whatever day the suite runs
    return paper_seal(
        paper=paper, release_at=timezone.now() - dt.timedelta(minutes=1), actor=manager
    )


def build_owners(bank: Any, personas: Any) -> Owners:
    province_bank = bank.item_bank
    org_a_bank = ItemBank.objects.for_organization(personas.org_a.pk)
    org_a_admin = _person("org_a_admin", Role.ORG_ADMIN, organization=personas.org_a)
    org_b_admin = _person("org_b_admin", Role.ORG_ADMIN, organization=personas.org_b)
    org_a_manager = personas.clerk_a
    # organisation A's administrator commissions its own people (and the shared reviewer)
    for user, role in [
        (org_a_admin, ItemBankRoleKind.MANAGER),
        (org_a_manager, ItemBankRoleKind.MANAGER),
        (bank.reviewer, ItemBankRoleKind.REVIEWER),
    ]:
        itembank_role_grant(
            user=user, occupation=bank.occupation, role=role, actor=org_a_admin, bank=org_a_bank
        )
    province_items = _active_items(bank, province_bank, bank.setter, "省")
    org_a_items = _active_items(bank, org_a_bank, org_a_admin, "甲")
    return Owners(
        province_bank=province_bank,
        org_a_bank=org_a_bank,
        province_items=province_items,
        org_a_items=org_a_items,
        province_paper=_sealed_paper(bank, province_bank, personas.province),
        org_a_paper=_sealed_paper(bank, org_a_bank, org_a_admin),
        org_a_admin=org_a_admin,
        org_a_manager=org_a_manager,
        org_b_admin=org_b_admin,
    )


@pytest.fixture(scope="module")
def _module_owners(
    request: pytest.FixtureRequest, _module_bank: Any, _module_personas: Any
) -> Owners | None:
    if _module_bank is None or _module_personas is None:
        return None
    if not module_shares(request, "owners", dated=True):
        return None
    return build_owners(_module_bank, _module_personas)


@pytest.fixture
def owners(
    _module_owners: Owners | None, _copy_memo: dict[int, Any], bank: Any, personas: Any
) -> Owners:
    """Both banks with their items and a sealed paper each, and organisation A's and B's
    administrators: built once for the module (every database test here asks for them),
    copied for each test with the same memo as `bank` and `personas`."""
    if _module_owners is None:
        return build_owners(bank, personas)
    return copy.deepcopy(_module_owners, _copy_memo)


def _codes_in_export(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    return sorted((r.code, r.content["stem"][:1]) for r in parse_items_xlsx(response.content).rows)


# --- organisation A's staff against the province's unified bank ---------------------------


def test_org_admin_cannot_read_a_province_item_through_the_api_or_the_page(owners, personas):
    client = personas.client_for(owners.org_a_admin)
    for item in owners.province_items:
        assert client.get(f"/api/v1/itembank/items/{item.pk}").status_code == 404
        assert client.get(f"/itembank/items/{item.pk}/").status_code == 404
    listed = client.get("/api/v1/itembank/items").json()
    assert {row["id"] for row in listed} == {it.pk for it in owners.org_a_items}
    assert not ItemAccessLog.objects.filter(
        user=owners.org_a_admin, item__bank=owners.province_bank
    ).exists()


def test_org_admin_export_holds_only_the_organisations_own_items(owners, personas):
    client = personas.client_for(owners.org_a_admin)
    exported = _codes_in_export(client.get("/itembank/?export=xlsx"))
    assert exported == [("T0000", "甲"), ("T0001", "甲"), ("T0002", "甲")]
    qti = client.get("/itembank/?export=qti")
    assert qti.status_code == 200
    assert set(
        ItemAccessLog.objects.filter(user=owners.org_a_admin, purpose="export").values_list(
            "item__bank_id", flat=True
        )
    ) == {owners.org_a_bank.pk}


def test_export_service_refuses_items_of_another_owner(owners):
    with pytest.raises(DomainError) as caught:
        items_export_rows(items=owners.province_items, actor=owners.org_a_admin)
    assert caught.value.code == "itembank.forbidden"
    assert not ItemAccessLog.objects.filter(purpose="export").exists()


def test_org_admin_cannot_approve_the_release_of_or_download_a_province_paper(owners, personas):
    paper = owners.province_paper
    paper_release_approve(paper=paper, actor=personas.province)  # the province's first approval
    client = personas.client_for(owners.org_a_admin)
    assert client.post(f"/itembank/papers/{paper.pk}/release/").status_code == 404
    assert client.post(f"/itembank/papers/{paper.pk}/download/").status_code == 404
    assert paper.code not in client.get("/itembank/papers/").text
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=paper, actor=owners.org_a_admin)
    assert caught.value.code == "itembank.forbidden"
    with pytest.raises(DomainError) as caught:
        paper_download(paper=paper, actor=owners.org_a_admin)
    assert caught.value.code == "itembank.forbidden"
    paper.refresh_from_db()
    assert paper.status == PaperStatus.SEALED
    assert list(PaperAccessLog.objects.filter(paper=paper).values_list("user_id", flat=True)) == [
        personas.province.pk
    ]


def test_org_staff_cannot_assemble_from_the_province_bank(owners, personas):
    blueprint = owners.province_paper.blueprint
    client = personas.client_for(owners.org_a_admin)
    assert client.post(f"/itembank/blueprints/{blueprint.pk}/assemble/").status_code == 404
    response = client.post(
        f"/api/v1/itembank/blueprints/{blueprint.pk}/assemble",
        data={"forms": 1},
        content_type="application/json",
    )
    assert response.status_code == 404
    with pytest.raises(DomainError) as caught:
        paper_assemble(blueprint=blueprint, forms=1, seed=1, actor=owners.org_a_admin)
    assert caught.value.code == "itembank.forbidden"


def test_org_assembly_draws_only_on_the_organisations_own_items(owners):
    drawn = set(owners.org_a_paper.paper_items.values_list("item__bank_id", flat=True))
    assert drawn == {owners.org_a_bank.pk}
    drawn = set(owners.province_paper.paper_items.values_list("item__bank_id", flat=True))
    assert drawn == {owners.province_bank.pk}


# --- organisation B against organisation A's bank -------------------------------------------


@pytest.mark.parametrize("who", ["org_b_admin", "clerk_b"])
def test_other_organisation_sees_nothing_of_organisation_a(owners, personas, who):
    user = owners.org_b_admin if who == "org_b_admin" else personas.clerk_b
    client = personas.client_for(user)
    item, paper = owners.org_a_items[0], owners.org_a_paper
    assert client.get(f"/api/v1/itembank/items/{item.pk}").status_code == 404
    assert client.get(f"/itembank/items/{item.pk}/").status_code == 404
    assert client.post(f"/itembank/papers/{paper.pk}/release/").status_code == 404
    assert client.post(f"/itembank/papers/{paper.pk}/download/").status_code == 404
    assert client.get("/api/v1/itembank/items").json() == []
    if who == "org_b_admin":  # manages its own (empty) bank: the pages open, empty
        assert _codes_in_export(client.get("/itembank/?export=xlsx")) == []
        assert paper.code not in client.get("/itembank/papers/").text
    else:  # no role in any bank
        assert client.get("/itembank/").status_code == 404
        assert client.get("/itembank/?export=xlsx").status_code == 404
    assert not items_visible(scope=bank_scope(user)).exists()
    assert not papers_visible(scope=bank_scope(user)).exists()
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=paper, actor=user)
    assert caught.value.code == "itembank.forbidden"


def test_a_role_in_one_bank_gives_nothing_in_another(owners, bank):
    # the shared reviewer reviews for both banks; the province's setter has no role in A's
    assert bank_may(bank.reviewer, owners.org_a_bank, "review", occupation_id=bank.occupation.pk)
    assert not bank_may(bank.setter, owners.org_a_bank, "write", occupation_id=bank.occupation.pk)
    with pytest.raises(DomainError) as caught:
        item_create(
            occupation=bank.occupation,
            level=3,
            element=bank.elements["A-01"],
            item_type="true_false",
            content={"stem": "判断", "key": True},
            score=1,
            actor=bank.setter,
            bank=owners.org_a_bank,
        )
    assert caught.value.code == "itembank.forbidden"
    # organisation A's administrator cannot commission anyone in the province's bank
    with pytest.raises(DomainError) as caught:
        itembank_role_grant(
            user=owners.org_a_admin,
            occupation=bank.occupation,
            role=ItemBankRoleKind.MANAGER,
            actor=owners.org_a_admin,
            bank=owners.province_bank,
        )
    assert caught.value.code == "itembank.forbidden"


# --- city officers and province officers of another province ---------------------------------


def test_city_officer_sees_nothing_in_any_bank(owners, personas):
    client = personas.client_for(personas.city_nanjing)  # organisation A lies in Nanjing
    assert client.get("/itembank/").status_code == 404
    assert client.get("/itembank/papers/").status_code == 404
    assert client.get("/itembank/?export=xlsx").status_code == 404
    for item in (owners.province_items[0], owners.org_a_items[0]):
        assert client.get(f"/itembank/items/{item.pk}/").status_code == 404
        assert client.get(f"/api/v1/itembank/items/{item.pk}").status_code == 404
    for paper in (owners.province_paper, owners.org_a_paper):
        assert client.post(f"/itembank/papers/{paper.pk}/release/").status_code == 404
        assert client.post(f"/itembank/papers/{paper.pk}/download/").status_code == 404
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=owners.province_paper, actor=personas.city_nanjing)
    assert caught.value.code == "itembank.forbidden"


def test_province_officer_of_another_province_sees_nothing(owners, personas):
    zhejiang = _person("zhejiang", Role.PROVINCE_OFFICER, region=Region.objects.get(code="330000"))
    client = personas.client_for(zhejiang)
    assert client.get(f"/itembank/items/{owners.province_items[0].pk}/").status_code == 404
    assert client.post(f"/itembank/papers/{owners.province_paper.pk}/download/").status_code == 404
    assert not items_visible(scope=bank_scope(zhejiang)).exists()


def test_province_officer_has_no_sight_of_an_organisations_bank(owners, personas):
    client = personas.client_for(personas.province)
    assert client.get(f"/itembank/items/{owners.org_a_items[0].pk}/").status_code == 404
    assert client.post(f"/itembank/papers/{owners.org_a_paper.pk}/release/").status_code == 404
    exported = _codes_in_export(client.get("/itembank/?export=xlsx"))
    assert exported == [("T0000", "省"), ("T0001", "省"), ("T0002", "省")]


# --- the owner's own people ------------------------------------------------------------------


def test_province_officers_and_managers_work_the_province_bank(owners, personas, bank):
    client = personas.client_for(personas.province)
    item = owners.province_items[0]
    one = client.get(f"/api/v1/itembank/items/{item.pk}")
    assert one.status_code == 200 and one.json()["content"]["stem"] == "省机密题干0"
    assert client.get(f"/itembank/items/{item.pk}/").status_code == 200

    paper = owners.province_paper
    assert client.post(f"/itembank/papers/{paper.pk}/release/").status_code == 302
    paper = paper_release_approve(paper=paper, actor=bank.manager)
    assert paper.status == PaperStatus.RELEASED
    download = client.post(f"/itembank/papers/{paper.pk}/download/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_organisation_admin_and_clerk_manager_release_their_own_paper(owners, personas):
    paper = owners.org_a_paper
    admin = personas.client_for(owners.org_a_admin)
    assert admin.post(f"/itembank/papers/{paper.pk}/release/").status_code == 302
    clerk = personas.client_for(owners.org_a_manager)
    assert clerk.post(f"/itembank/papers/{paper.pk}/release/").status_code == 302
    paper.refresh_from_db()
    assert paper.status == PaperStatus.RELEASED
    download = clerk.post(f"/itembank/papers/{paper.pk}/download/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    one = admin.get(f"/api/v1/itembank/items/{owners.org_a_items[0].pk}")
    assert one.status_code == 200 and one.json()["content"]["stem"] == "甲机密题干0"


# --- two different authorised people ---------------------------------------------------------


def test_the_same_person_cannot_give_both_release_approvals(owners, personas):
    paper = owners.province_paper
    paper = paper_release_approve(paper=paper, actor=personas.province)
    assert paper.status == PaperStatus.SEALED
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=paper, actor=personas.province)
    assert caught.value.code == "paper.already_approved"
    assert "另一名授权人员" in caught.value.message
    # through the page: refused with the message, nothing recorded, still sealed
    client = personas.client_for(personas.province)
    response = client.post(f"/itembank/papers/{paper.pk}/release/", follow=True)
    assert "另一名授权人员" in response.text
    paper.refresh_from_db()
    assert paper.status == PaperStatus.SEALED
    assert PaperAccessLog.objects.filter(paper=paper, action="release_approve").count() == 1


def test_an_approval_by_someone_no_longer_authorised_does_not_count(owners, personas):
    paper = owners.org_a_paper
    paper_release_approve(paper=paper, actor=owners.org_a_admin)
    for assignment in owners.org_a_admin.roles.filter(role=Role.ORG_ADMIN):
        role_revoke(assignment=assignment, actor=SystemActor("test"))
    owners.org_a_admin.itembank_roles.update(active=False)
    paper = paper_release_approve(paper=paper, actor=owners.org_a_manager)
    assert paper.status == PaperStatus.SEALED  # one authorised person so far
    assert not bank_may(
        User.objects.get(pk=owners.org_a_admin.pk),
        owners.org_a_bank,
        BankAction.RELEASE,
        occupation_id=paper.blueprint.occupation_id,
    )


def test_item_rule_and_queryset_rule_agree(owners, personas, bank):
    people = [
        personas.province,
        personas.city_nanjing,
        personas.clerk_b,
        personas.examiner,
        owners.org_a_admin,
        owners.org_b_admin,
        bank.setter,
        bank.reviewer,
    ]
    every = list(Item.objects.select_related("bank"))
    for user in people:
        scope = bank_scope(user)
        listed = set(items_visible(scope=scope).values_list("pk", flat=True))
        assert listed == {it.pk for it in every if item_may(scope, it, BankAction.READ)}, user


# --- which bank a row lands in ---------------------------------------------------------------


def test_a_writer_in_two_banks_must_name_the_bank(owners, bank, personas):
    appointed_setter(bank.setter, bank.occupation, personas.org_a)
    itembank_role_grant(
        user=bank.setter,
        occupation=bank.occupation,
        role=ItemBankRoleKind.SETTER,
        actor=owners.org_a_admin,
        bank=owners.org_a_bank,
    )
    kw = {
        "occupation": bank.occupation,
        "level": 3,
        "element": bank.elements["A-01"],
        "item_type": "true_false",
        "content": {"stem": "判断", "key": True},
        "score": 1,
        "actor": bank.setter,
    }
    with pytest.raises(DomainError) as caught:
        item_create(**kw)
    assert (caught.value.code, caught.value.field) == ("itembank.bank_required", "bank")
    assert item_create(**kw, bank=owners.org_a_bank).bank == owners.org_a_bank
