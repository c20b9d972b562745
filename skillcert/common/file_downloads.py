"""Sending an uploaded document back to a user, written once: always an attachment with the
type detected on upload, behind a sandboxing CSP, so a file can never be rendered or run in
the platform's origin, and never kept by a shared cache or the browser's disk cache."""

from __future__ import annotations

from django.http import FileResponse

from skillcert.common.uploads import UploadedDocument


def sandboxed(response: FileResponse) -> FileResponse:
    """A person's document: never sniffed, rendered as a page of the platform or cached."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(document: UploadedDocument) -> FileResponse:
    """The stored document as a sandboxed attachment under its uploaded name."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    return sandboxed(response)
