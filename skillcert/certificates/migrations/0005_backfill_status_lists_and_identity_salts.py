"""Certificates issued before the lists were sharded held one global index: index i becomes
bit i mod 131,072 of list i // 131,072 + 1 (so list 1 keeps every bit it had). Each gets the
salt of its Open Badges identity hash."""

import secrets
from collections import Counter

from django.db import migrations
from django.db.models import Max

BITS = 131_072


def forwards(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    StatusList = apps.get_model("certificates", "StatusList")
    counts: Counter[int] = Counter()
    for certificate in Certificate.objects.only("pk", "status_index").iterator():
        number, index = divmod(certificate.status_index, BITS)
        certificate.status_list = number + 1
        certificate.status_index = index
        certificate.identity_salt = secrets.token_hex(16)
        certificate.save(update_fields=["status_list", "status_index", "identity_salt"])
        counts[number + 1] += 1
    for number, allocated in sorted(counts.items()):
        StatusList.objects.create(number=number, allocated=allocated)


def backwards(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    StatusListCounter = apps.get_model("certificates", "StatusListCounter")
    for certificate in Certificate.objects.only("pk", "status_list", "status_index").iterator():
        certificate.status_index = (certificate.status_list - 1) * BITS + certificate.status_index
        certificate.save(update_fields=["status_index"])
    last = Certificate.objects.aggregate(last=Max("status_index"))["last"]
    StatusListCounter.objects.update_or_create(
        id=1, defaults={"last_index": -1 if last is None else last}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_status_list_shards_and_identity_salt"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
