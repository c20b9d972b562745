"""PDF documents from typst templates (certificates, admission tickets, room rosters).

One typst Compiler is kept per template and process: it holds the parsed CJK fonts, which is
what makes a page cost milliseconds instead of a third of a second. Data go in as a JSON
file beside the template (`json("data.json")`, SVG included as text), not as `sys.inputs`:
typst-py rebuilds its standard library for every new `sys_inputs`, which throws away typst's
cache of everything already laid out (the labels, the notice, the frame) and made a
certificate cost 7 ms instead of 5. Images go in as content-addressed files in the compiler's
root, so its file cache can never serve one person's photo for another's.
Batches render as one multi-page document: fonts are subset once per document, which makes a
page of a 30-ticket room PDF cost a fraction of a single-ticket PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typst

from skillcert.common.fonts import font_dirs
from skillcert.common.qr_codes import qr_svg as qr_svg  # the documents' QR codes

# typst stamps a PDF with the time its compiler was created unless told otherwise, so two
# processes (or one restarted tomorrow) would give the same certificate different bytes. A
# reproducible document carries this fixed creation date instead; what it says is in its text.
REPRODUCIBLE_TIMESTAMP = dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# The template reads its data from this file in the compiler's root.
DATA_FILE = "data.json"


class TypstDocument:
    """`reproducible`: the PDF depends on its input only (certificates, tickets: rendered on
    any core of the pool, the same bytes)."""

    def __init__(self, template: Path, *, reproducible: bool = False) -> None:
        self.template = template
        self.timestamp = REPRODUCIBLE_TIMESTAMP if reproducible else None
        self._lock = threading.Lock()
        self._compiler: typst.Compiler | None = None
        self._root: Path | None = None

    def _workspace(self) -> tuple[Path, typst.Compiler]:
        if self._compiler is None or self._root is None:
            root = Path(tempfile.mkdtemp(prefix="skillcert-typst-"))
            main = root / self.template.name
            main.write_text(self.template.read_text(encoding="utf-8"), encoding="utf-8")
            self._compiler = typst.Compiler(
                str(main), root=str(root), font_paths=font_dirs(), ignore_system_fonts=True
            )
            self._root = root
        return self._root, self._compiler

    def render(self, data: Any, *, files: Mapping[str, bytes] | None = None) -> bytes:
        """`data` reaches the template as `json("data.json")`; `files` (name → bytes, names
        from `content_name`) are placed beside the template for `image(name)`."""
        with self._lock:  # one compile at a time per template: the compiler is not thread-safe
            root, compiler = self._workspace()
            written: list[Path] = []
            for name, content in (files or {}).items():
                path = root / name
                if not path.exists():
                    path.write_bytes(content)
                    written.append(path)
            (root / DATA_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            try:
                pdf = compiler.compile(format="pdf", timestamp=self.timestamp)
            finally:
                for path in written:
                    path.unlink(missing_ok=True)
        assert isinstance(pdf, bytes)
        return pdf


def content_name(content: bytes) -> str:
    """A file name derived from the bytes, so the compiler's cache can never mix up photos."""
    return f"img-{hashlib.sha256(content).hexdigest()}"
