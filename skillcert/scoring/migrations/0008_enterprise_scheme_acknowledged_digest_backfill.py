"""Norms the province acknowledged before the digest existed keep counting as acknowledged:
their digest is taken now, over the content they have (the content acknowledged, as nothing
could change an acknowledged norm without sending it back to draft)."""

import hashlib
import json
from decimal import Decimal

from django.db import migrations


def _digest(scheme):
    # As scoring.services.enterprise.norm_digest computed it when this migration was written.
    content = {
        "occupation": scheme.occupation_id,
        "methods": scheme.methods,
        "weights": {k: float(v) for k, v in scheme.weights.items()},
        "evidence": scheme.evidence,
        "pass_mark": str(Decimal(str(scheme.pass_mark)).quantize(Decimal("0.1"))),
        "conduct_pass_mark": str(Decimal(str(scheme.conduct_pass_mark)).quantize(Decimal("0.1"))),
        "candidate_kinds": scheme.candidate_kinds,
        "posts": scheme.posts,
        "companies": scheme.companies,
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def backfill(apps, schema_editor):
    EnterpriseScheme = apps.get_model("scoring", "EnterpriseScheme")
    for scheme in EnterpriseScheme.objects.filter(
        filing_status="acknowledged", acknowledged_digest=""
    ):
        scheme.acknowledged_digest = _digest(scheme)
        scheme.save(update_fields=["acknowledged_digest"])


class Migration(migrations.Migration):
    dependencies = [("scoring", "0007_result_level_optional")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
