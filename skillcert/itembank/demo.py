"""Demo item bank: organisation A's own bank with 60 active items for 企业人力资源管理师 三级
on the catalogue demo's element tree, written by its clerk, reviewed by the demo examiner and
managed by its administrator, and a blueprint derived from the weight table; the province
officer manages the province's unified bank (filled by the simulated unified sitting).
Idempotent."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.accounts.models import Role, User
from skillcert.common.identifiers import id_number_check_digit
from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemBank,
    ItemBankRole,
    ItemBankRoleKind,
)
from skillcert.itembank.permits import scope_forget
from skillcert.itembank.services import (
    blueprint_cells_from_weights,
    blueprint_create,
    item_approve,
    item_create,
    item_submit,
    itembank_role_grant,
)
from skillcert.occupations.models import Element, Occupation, WeightItem
from skillcert.personnel.demo import hr_setter_rule_publish, question_setter_appoint
from skillcert.personnel.selectors import person_of
from skillcert.personnel.services import person_register
from skillcert.regions.models import Region

OCCUPATION = "4-07-03-02"
LEVEL = 3
# demo username → item-bank role in organisation A's bank (users created by `manage.py demo`);
# org_a_admin manages that bank as the organisation's administrator, and sheng the province's
# unified bank as a province officer, without a role
ROLES = [("org_a", ItemBankRoleKind.SETTER), ("kaoping", ItemBankRoleKind.REVIEWER)]
PEOPLE = ["org_a", "kaoping", "org_a_admin"]
# The demo setter's ID number without its check digit (a person in 南京市玄武区).
SETTER_ID_STEM = "32010219720315005"
TYPES = ["single"] * 6 + ["multiple"] * 2 + ["true_false"] * 2


def _content(kind: str, element: Element, n: int) -> dict[str, Any]:
    stem = f"（演示）关于“{element.name}”的第{n}题：下列说法{'正确' if n % 2 else '不正确'}的是"
    if kind == "true_false":
        return {"stem": f"（演示）{element.name}应当依法依规开展。", "key": n % 3 != 0}
    options = [f"{element.name}选项{label}" for label in "ABCD"]
    return {"stem": stem, "options": options, "key": "AC" if kind == "multiple" else "ABCD"[n % 4]}


def _demo_items(
    *, bank: ItemBank, occupation: Occupation, tops: list[Element], setter: User, reviewer: User
) -> None:
    n = 0
    for top in tops:
        leaves = list(top.children.order_by("position")) or [top]
        for k, kind in enumerate(TYPES):
            n += 1
            element = leaves[k % len(leaves)]
            item = item_create(
                occupation=occupation,
                level=LEVEL,
                element=element,
                item_type=kind,
                content=_content(kind, element, n),
                score=1,
                difficulty=round(0.35 + 0.05 * ((n * 7) % 11), 2),
                enemy_group=f"E{top.code}" if k in (0, 1) else "",
                code=f"DEMO{n:04d}",
                actor=setter,
                bank=bank,
            )
            item_submit(item=item, reviewer=reviewer, actor=setter)
            item_approve(item=item, actor=reviewer)


def _demo_blueprint(
    *, bank: ItemBank, occupation: Occupation, tops: list[Element], manager: User
) -> None:
    names = {e.name: e.code for e in tops}
    weights = {
        names[w.item]: w.percent
        for w in WeightItem.objects.filter(
            standard__occupation=occupation, part="theory", level=LEVEL
        )
        if w.item in names
    }
    blueprint_create(
        occupation=occupation,
        level=LEVEL,
        name="三级理论知识（演示）",
        cells=blueprint_cells_from_weights(
            weights=weights, type_counts={"single": 18, "multiple": 6, "true_false": 6}
        ),
        difficulty_mean=0.55,
        difficulty_tolerance=0.05,
        max_overlap=10,
        max_exposure=5,
        actor=manager,
        bank=bank,
    )


def _demo_setter(user: User, *, occupation: Occupation, bank: ItemBank, actor: Actor) -> None:
    """The demo setter is a registered person the province appointed under the setter
    conditions, with a confidentiality agreement with the bank's organisation, as the item
    bank's commission requires (registered once)."""
    if person_of(user) is not None or bank.organization is None:
        return
    stem = SETTER_ID_STEM
    person = person_register(
        id_number=stem + id_number_check_digit(stem),
        name=user.full_name or "命题人员",
        education="master",
        employer_name="南京某大学",
        region=Region.objects.get(code=stem[:6]),
        phone="139" + stem[-8:],
        user=user,
        actor=actor,
    )
    hr_setter_rule_publish(actor)
    question_setter_appoint(
        person=person,
        occupations=[occupation],
        organization=bank.organization,
        on=timezone.localdate(),
        actor=actor,
    )


def load_itembank_demo(actor: Actor) -> None:
    """The demo organisation's bank: its item-bank roles, a set of approved items and a
    blueprint (the items are written and reviewed by the demo people themselves)."""
    occupation = Occupation.objects.filter(code=OCCUPATION).first()
    users = {u.username: u for u in User.objects.filter(username__in=PEOPLE)}
    if occupation is None or len(users) < len(PEOPLE):
        return
    admin_role = users["org_a_admin"].roles.filter(role=Role.ORG_ADMIN, active=True).first()
    if admin_role is None or admin_role.organization_id is None:
        return
    bank = ItemBank.objects.for_organization(admin_role.organization_id)
    _demo_setter(users["org_a"], occupation=occupation, bank=bank, actor=actor)
    for username, role in ROLES:
        if role == ItemBankRoleKind.SETTER:
            itembank_role_grant(
                user=users[username], occupation=occupation, role=role, actor=actor, bank=bank
            )
            continue
        ItemBankRole.objects.get_or_create(
            user=users[username], bank=bank, occupation=occupation, role=role
        )
    for u in users.values():
        scope_forget(u)
    tops = list(
        Element.objects.filter(standard__occupation=occupation, parent=None).order_by(
            "standard__edition_year", "position"
        )
    )
    if not Item.objects.filter(bank=bank, occupation=occupation, code__startswith="DEMO").exists():
        _demo_items(
            bank=bank,
            occupation=occupation,
            tops=tops,
            setter=users["org_a"],
            reviewer=users["kaoping"],
        )
    if not AssemblyBlueprint.objects.filter(bank=bank, occupation=occupation, level=LEVEL).exists():
        _demo_blueprint(bank=bank, occupation=occupation, tops=tops, manager=users["org_a_admin"])
