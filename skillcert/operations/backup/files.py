"""Backup files readable by their owner only, and their SHA-256."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import IO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
CHUNK = 1024 * 1024


def private_file(path: Path) -> IO[bytes]:
    """A new file created readable by its owner only (never for a moment at the umask's 0644)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashed(source: IO[bytes], target: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()


class HashingReader:
    """Hands tarfile a file's bytes and hashes exactly the bytes that went into the archive."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def private_tree(root: Path) -> None:
    for here, dirs, _ in os.walk(root):
        for name in dirs:
            os.chmod(Path(here, name), PRIVATE_DIR)
