"""Encrypt the ID numbers and phone numbers stored in plain text before 0003 and fill their
digests. Plain values are read through a cast to text, which skips the encrypted field's
decryption; rows already encrypted (a re-run) are left as they are. Reversible: the reverse
writes the decrypted values back in plain text, for 0003's reverse to narrow the columns."""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Cast

from skillcert.common.pii import pii_digest

ENCRYPTED_PREFIX = "pii1:"


def encrypt(apps, schema_editor):
    Person = apps.get_model("personnel", "Person")
    people = Person.objects.using(schema_editor.connection.alias)
    rows = people.annotate(
        stored_id=Cast("id_number", output_field=models.TextField()),
        stored_phone=Cast("phone", output_field=models.TextField()),
    ).values_list("pk", "stored_id", "stored_phone")
    plain = [
        Person(
            pk=pk,
            id_number=id_number,
            id_number_digest=pii_digest(id_number),
            phone=phone or "",
            phone_digest=pii_digest(phone) if phone else "",
        )
        for pk, id_number, phone in rows
        if not id_number.startswith(ENCRYPTED_PREFIX)
    ]
    # bulk_update passes the values through the encrypted field's get_prep_value.
    people.bulk_update(
        plain, ["id_number", "id_number_digest", "phone", "phone_digest"], batch_size=500
    )


def decrypt(apps, schema_editor):
    Person = apps.get_model("personnel", "Person")
    people = Person.objects.using(schema_editor.connection.alias)
    text = models.TextField()
    # A Value with a plain text output field is written as it is, not encrypted again.
    plain = [
        Person(
            pk=pk,
            id_number=Value(id_number, output_field=text),
            phone=Value(phone or "", output_field=text),
            id_number_digest="",
            phone_digest="",
        )
        for pk, id_number, phone in people.values_list("pk", "id_number", "phone")
    ]
    people.bulk_update(
        plain, ["id_number", "id_number_digest", "phone", "phone_digest"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("personnel", "0003_person_pii_encrypted_columns"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
