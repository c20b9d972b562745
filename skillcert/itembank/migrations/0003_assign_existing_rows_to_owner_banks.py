"""Give every existing blueprint, paper, item and item-bank role an owner bank.

- A blueprint belongs to the bank of the person who wrote it: a province officer's to the
  province's unified bank, an organisation administrator's or clerk's to that organisation's
  bank, anyone else's to the province. Its papers follow it.
- An item on a paper of the unified bank is a unified-exam item: the province's. An item on
  papers of one organisation's bank only is that organisation's. Any other item goes to the
  organisation its author was recorded with (staff of exactly one organisation), else to the
  province.
- An item-bank role goes where its holder works (province officers to the province, staff of
  one organisation to its bank). Anyone else — experts, examiners — keeps the role in each
  bank holding items of that occupation they wrote or reviewed, else in the province's.

Only ids are read (item text stays encrypted and unread). Nothing to do on a fresh database:
banks are created on first use."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations

ORG_ROLES = ("org_admin", "org_clerk")


def assign_owner_banks(apps, schema_editor):
    ItemBank = apps.get_model("itembank", "ItemBank")
    Item = apps.get_model("itembank", "Item")
    Blueprint = apps.get_model("itembank", "AssemblyBlueprint")
    Paper = apps.get_model("itembank", "Paper")
    PaperItem = apps.get_model("itembank", "PaperItem")
    ItemBankRole = apps.get_model("itembank", "ItemBankRole")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")

    if not (Item.objects.exists() or Blueprint.objects.exists() or ItemBankRole.objects.exists()):
        return
    province_bank, _ = ItemBank.objects.get_or_create(
        province_id=f"{settings.SKILLCERT_PROVINCE}0000"
    )
    org_banks: dict[int, int] = {}

    def org_bank(org_id):
        if org_id not in org_banks:
            org_banks[org_id] = ItemBank.objects.get_or_create(organization_id=org_id)[0].pk
        return org_banks[org_id]

    officers = set(
        RoleAssignment.objects.filter(role="province_officer", active=True).values_list(
            "user_id", flat=True
        )
    )
    orgs_of = defaultdict(set)
    for user_id, org_id in RoleAssignment.objects.filter(
        role__in=ORG_ROLES, active=True, organization__isnull=False
    ).values_list("user_id", "organization_id"):
        orgs_of[user_id].add(org_id)

    def bank_of_person(user_id):
        orgs = orgs_of.get(user_id, set())
        if user_id in officers or len(orgs) != 1:
            return province_bank.pk
        return org_bank(next(iter(orgs)))

    def store(model, banks):
        by_bank = defaultdict(list)
        for pk, bank_id in banks.items():
            by_bank[bank_id].append(pk)
        for bank_id, pks in sorted(by_bank.items()):
            for start in range(0, len(pks), 500):
                model.objects.filter(pk__in=pks[start : start + 500]).update(bank_id=bank_id)

    blueprint_banks = {
        pk: bank_of_person(created_by)
        for pk, created_by in Blueprint.objects.filter(bank__isnull=True).values_list(
            "pk", "created_by_id"
        )
    }
    store(Blueprint, blueprint_banks)
    store(
        Paper,
        dict(Paper.objects.filter(bank__isnull=True).values_list("pk", "blueprint__bank_id")),
    )

    paper_banks = defaultdict(set)
    for item_id, bank_id in PaperItem.objects.values_list("item_id", "paper__bank_id"):
        paper_banks[item_id].add(bank_id)
    item_banks = {}
    for pk, author_id in Item.objects.filter(bank__isnull=True).values_list("pk", "author_id"):
        on_papers = paper_banks.get(pk, set())
        if province_bank.pk in on_papers:
            item_banks[pk] = province_bank.pk
        elif len(on_papers) == 1:
            item_banks[pk] = next(iter(on_papers))
        else:
            item_banks[pk] = bank_of_person(author_id)
    store(Item, item_banks)

    worked_in = defaultdict(set)  # (user, occupation) -> banks of items they wrote or reviewed
    for author_id, reviewer_id, occupation_id, bank_id in Item.objects.values_list(
        "author_id", "reviewer_id", "occupation_id", "bank_id"
    ):
        worked_in[(author_id, occupation_id)].add(bank_id)
        if reviewer_id is not None:
            worked_in[(reviewer_id, occupation_id)].add(bank_id)
    for role in ItemBankRole.objects.filter(bank__isnull=True).order_by("pk"):
        if role.user_id in officers or len(orgs_of.get(role.user_id, set())) == 1:
            banks = [bank_of_person(role.user_id)]
        else:
            banks = sorted(worked_in.get((role.user_id, role.occupation_id), set()))
            banks = banks or [province_bank.pk]
        ItemBankRole.objects.filter(pk=role.pk).update(bank_id=banks[0])
        for bank_id in banks[1:]:
            ItemBankRole.objects.create(
                bank_id=bank_id,
                user_id=role.user_id,
                occupation_id=role.occupation_id,
                role=role.role,
                active=role.active,
            )


def merge_split_roles(apps, schema_editor):
    """Backwards: one role per person, occupation and kind again (0002's old unique rule).
    Item codes repeated across banks since cannot be merged and stop the way back, loudly."""
    ItemBankRole = apps.get_model("itembank", "ItemBankRole")
    kept = set()
    extra = []
    for pk, user_id, occupation_id, role in ItemBankRole.objects.order_by("pk").values_list(
        "pk", "user_id", "occupation_id", "role"
    ):
        key = (user_id, occupation_id, role)
        if key in kept:
            extra.append(pk)
        kept.add(key)
    ItemBankRole.objects.filter(pk__in=extra).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("itembank", "0002_item_banks_owners_and_assignments"),
        ("accounts", "0002_role_assignment_scope"),
    ]

    operations = [
        migrations.RunPython(assign_owner_banks, merge_split_roles),
    ]
