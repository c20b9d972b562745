"""Uploaded documents, written once: every upload is checked by its content (magic bytes),
never by its name or the browser's claim; it is size-limited, hashed, and stored under a
random name readable by the server's user only (0600). `document_store` does all of it and
returns what a document row records; `UploadedDocument` is the abstract row (evidence files,
organisations' filing documents) that records it."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from skillcert.common.errors import DomainError
from skillcert.common.fields import user_fk

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models.fields.files import FieldFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 64
STORED_FILE_MODE = 0o600


@dataclass(frozen=True)
class FileKind:
    """One accepted kind of file: the type its content proves, the extensions it may carry
    (the first is used for the stored name), its name for messages, and the content test."""

    content_type: str
    suffixes: tuple[str, ...]
    label: str
    proves: Callable[[bytes], bool]


def _is_mp4(head: bytes) -> bool:
    # ISO base media: a box size (4 bytes) then "ftyp" and a brand of the MP4 family
    return head[4:8] == b"ftyp" and head[8:12] in (b"isom", b"iso2", b"mp41", b"mp42", b"avc1")


PDF = FileKind("application/pdf", (".pdf",), "PDF", lambda h: h.startswith(b"%PDF-"))
PNG = FileKind("image/png", (".png",), "PNG 图片", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"))
JPEG = FileKind(
    "image/jpeg", (".jpg", ".jpeg"), "JPEG 图片", lambda h: h.startswith(b"\xff\xd8\xff")
)
MP4 = FileKind("video/mp4", (".mp4",), "MP4 视频", _is_mp4)

# What documents may be (certificates of qualification, licences, photos of a finding).
DOCUMENT_KINDS: tuple[FileKind, ...] = (PDF, PNG, JPEG)

# Content that must never be stored, with the name shown to the user.
_DANGEROUS_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xca\xfe\xba\xbe", "Java/Mach-O 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "Mach-O 可执行程序"),
    (b"#!", "脚本"),
)
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


def sniff_kind(head: bytes, kinds: Sequence[FileKind] = DOCUMENT_KINDS) -> FileKind | None:
    """The accepted kind the first bytes prove, or None."""
    return next((kind for kind in kinds if kind.proves(head)), None)


def sniff_content_type(head: bytes, kinds: Sequence[FileKind] = DOCUMENT_KINDS) -> str | None:
    """The content type the first bytes prove (for serving a stored file back), or None."""
    kind = sniff_kind(head, kinds)
    return kind.content_type if kind else None


def _labels(kinds: Sequence[FileKind]) -> str:
    """ "PDF、PNG 或 JPEG" for the messages."""
    short = [k.label.split(" ")[0] for k in kinds]
    return short[0] if len(short) == 1 else "、".join(short[:-1]) + " 或 " + short[-1]


def _refuse_dangerous(name: str, head: bytes) -> None:
    for signature, label in _DANGEROUS_SIGNATURES:
        if head.startswith(signature):
            raise DomainError(
                "upload.disguised",
                f"文件“{name}”的实际内容是{label}，不是其扩展名所示的类型，已拒收",
                field="file",
            )
    if head.lstrip()[:16].lower().startswith(_MARKUP):
        raise DomainError(
            "upload.disguised",
            f"文件“{name}”的实际内容是网页/标记文件，不是其扩展名所示的类型，已拒收",
            field="file",
        )


def upload_check(
    *,
    name: str,
    size: int,
    head: bytes,
    kinds: Sequence[FileKind] = DOCUMENT_KINDS,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> FileKind:
    """Validate an upload from its name, size and first bytes; return the kind it proves."""
    if size <= 0:
        raise DomainError("upload.empty", "上传的文件是空文件", field="file")
    if size > max_bytes:
        raise DomainError(
            "upload.too_large",
            f"文件大小 {size / 1024 / 1024:.1f} MB 超过上限 {max_bytes // 1024 // 1024} MB",
            field="file",
        )
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in {s for kind in kinds for s in kind.suffixes}:
        raise DomainError(
            "upload.type_not_allowed",
            f"不支持“{suffix or '无扩展名'}”文件，请上传 {_labels(kinds)}",
            field="file",
        )
    _refuse_dangerous(name, head)
    detected = sniff_kind(head, kinds)
    if detected is None:
        raise DomainError(
            "upload.unrecognised",
            f"无法识别文件“{name}”的内容，请上传 {_labels(kinds)}",
            field="file",
        )
    if suffix not in detected.suffixes:
        raise DomainError(
            "upload.disguised",
            f"文件“{name}”的实际内容是{detected.label}，与扩展名“{suffix}”不符",
            field="file",
        )
    return detected


@dataclass(frozen=True)
class StoredDocument:
    """What a document row records about a stored upload."""

    original_name: str  # for display only: the last path part of the uploader's name
    content_type: str  # proved by the content
    size: int
    sha256: str
    path: str  # the storage name (random) the file field now holds


def display_name(upload: UploadedFile) -> str:
    """The uploader's file name without any directory part, for display."""
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def document_store(
    *,
    upload: UploadedFile,
    into: FieldFile,
    kinds: Sequence[FileKind] = DOCUMENT_KINDS,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> StoredDocument:
    """Check `upload` (size, kind proved by content) and store it into the file field `into`
    (of an unsaved row) under a random name with the proved kind's extension, mode 0600.
    The caller saves the row; if that fails it deletes the file (`into.delete(save=False)`)."""
    name = display_name(upload)
    if not name:
        raise DomainError("upload.name_required", "文件缺少文件名", field="file")
    size = upload.size or 0
    upload.seek(0)
    kind = upload_check(
        name=name, size=size, head=upload.read(SNIFF_BYTES), kinds=kinds, max_bytes=max_bytes
    )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    into.save(f"{uuid.uuid4().hex}{kind.suffixes[0]}", upload, save=False)
    _restrict_to_owner(into)
    return StoredDocument(name, kind.content_type, size, digest.hexdigest(), into.name or "")


def _restrict_to_owner(stored: FieldFile) -> None:
    # FILE_UPLOAD_PERMISSIONS says 0600 too, but a storage built with its own mode (or a
    # setting changed for one host) must not make uploaded documents readable by others.
    try:
        path = stored.storage.path(stored.name or "")
    except NotImplementedError:  # object storage: private by its ACL, no file mode
        return
    os.chmod(path, STORED_FILE_MODE)


class UploadedDocument(models.Model):
    """An uploaded document row: what `document_store` proved and stored. Subclasses add the
    owner key and declare `file` with their own `upload_to`."""

    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=64)  # detected, not as claimed
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("文件", upload_to="documents/%Y/%m/")
    uploaded_by = user_fk("上传人")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def store(
        self,
        upload: UploadedFile,
        *,
        kinds: Sequence[FileKind] = DOCUMENT_KINDS,
        max_bytes: int = MAX_UPLOAD_BYTES,
    ) -> StoredDocument:
        """Check and store `upload` into this (unsaved) row and fill its columns."""
        stored = document_store(upload=upload, into=self.file, kinds=kinds, max_bytes=max_bytes)
        self.original_name, self.content_type = stored.original_name, stored.content_type
        self.size, self.sha256 = stored.size, stored.sha256
        return stored
