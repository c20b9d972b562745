"""Storing uploaded evidence: checked by content (magic bytes), size-limited, hashed and
saved under a random name. Nothing about the stored file comes from the uploader's claims
except the original name, kept for display."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.organizations.core import ALLOWED_TYPES, check_upload
from skillcert.organizations.models import EvaluationOrg, StoredFile
from skillcert.organizations.permissions import actor_user, require_staff_of

_SNIFF_BYTES = 64


def file_store(*, org: EvaluationOrg, upload: UploadedFile, actor: Any) -> StoredFile:
    require_staff_of(actor, org)
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name:
        raise DomainError("upload.name_required", "文件缺少文件名", field="file")
    size = upload.size or 0
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    content_type = check_upload(name=name, size=size, head=head)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored_name = f"{uuid.uuid4().hex}{ALLOWED_TYPES[content_type][0]}"
    with transaction.atomic():
        row = StoredFile(
            org=org,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=actor_user(actor),
        )
        row.file.save(stored_name, upload, save=False)
        try:
            row.save()
            audit_record(
                actor=actor,
                action="org.file_upload",
                obj=row,
                changes={
                    "org": [None, org.pk],
                    "sha256": [None, row.sha256],
                    "size": [None, size],
                    "content_type": [None, content_type],
                },
            )
        except Exception:
            # the row did not make it: do not leave the bytes behind as an orphan
            row.file.delete(save=False)
            raise
    return row
