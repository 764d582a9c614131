"""Saves a mail's attachments for the agent to download, under names the sender cannot abuse.

A sender picks the filename, so it is reduced to a plain base name (no directories, no
control characters, no leading dot) before it touches the disk. Blocking file I/O: the
fetcher calls `save` in a worker thread, never on the event loop.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from cti.channels.email.parts import AttachmentPart
from cti.channels.inbound import Attachment

_UNSAFE = re.compile(r"[^\w.\- ()\[\]+,@=]")
MAX_NAME = 100


def safe_filename(name: str) -> str:
    """A base name safe on any filesystem; never empty, never a path, never hidden."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFKC", name))[-1]
    cleaned = _UNSAFE.sub("_", "".join(c for c in base if c.isprintable())).strip(" .")
    if len(cleaned) > MAX_NAME and "." in cleaned:
        tail = cleaned.rpartition(".")[2][:10]
        cleaned = f"{cleaned[: MAX_NAME - len(tail) - 1]}.{tail}"
    return cleaned[:MAX_NAME] or "attachment"


class AttachmentStore:
    """One directory per mail under `root`, named by a hash of its Message-ID."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, message_id: str) -> Path:
        return self.root / hashlib.sha256(message_id.encode()).hexdigest()[:24]

    def save(self, message_id: str, parts: tuple[AttachmentPart, ...]) -> tuple[Attachment, ...]:
        """Write the accepted parts; refused ones are listed with why. Saving twice is a no-op."""
        folder = self.folder(message_id)
        saved: list[Attachment] = []
        used: set[str] = set()
        for part in parts:
            name = safe_filename(part.filename)
            if part.payload is None:
                saved.append(Attachment(name, part.content_type, part.size, None, part.refused))
                continue
            path = folder / _unique(name, used)
            folder.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                tmp = path.with_name(f".{path.name}.part")
                tmp.write_bytes(part.payload)
                tmp.replace(path)
            saved.append(Attachment(name, part.content_type, part.size, str(path)))
        return tuple(saved)


def _unique(name: str, used: set[str]) -> str:
    """Two attachments called `scan.pdf` become `scan.pdf` and `scan-2.pdf`."""
    candidate, n = name, 1
    stem, dot, suffix = name.rpartition(".")
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}.{suffix}" if dot and stem else f"{name}-{n}"
    used.add(candidate)
    return candidate
