"""Organisations' uploaded documents (filing evidence, correction evidence): checked, hashed
and stored by `common.uploads`, recorded as a `StoredFile` of the organisation."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.organizations.models import EvaluationOrg, StoredFile
from skillcert.organizations.permissions import require_staff_of


def file_store(*, org: EvaluationOrg, upload: UploadedFile, actor: Actor) -> StoredFile:
    require_staff_of(actor, org)
    with transaction.atomic():
        row = StoredFile(org=org, uploaded_by=actor_user(actor))
        row.store(upload)
        try:
            row.save()
            audit_record(
                actor=actor,
                action="org.file_upload",
                obj=row,
                changes={
                    "org": [None, org.pk],
                    "sha256": [None, row.sha256],
                    "size": [None, row.size],
                    "content_type": [None, row.content_type],
                },
            )
        except Exception:
            # the row did not make it: do not leave the bytes behind as an orphan
            row.file.delete(save=False)
            raise
    return row
