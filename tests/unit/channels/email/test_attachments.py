"""AttachmentStore: saved where the agent can download them, under names the sender cannot abuse."""

from __future__ import annotations

from pathlib import Path

from cti.channels.email.attachments import AttachmentStore, safe_filename
from cti.channels.email.parts import AttachmentPart


def _part(name: str, payload: bytes | None = b"data", refused: str | None = None) -> AttachmentPart:
    return AttachmentPart(name, "application/octet-stream", 4, payload, refused)


def test_path_traversal_names_stay_inside_the_mail_folder(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "att")
    (saved,) = store.save("<m@x>", (_part("../../../etc/passwd"),))
    path = Path(saved.stored_path or "")
    assert path.parent == store.folder("<m@x>")
    assert path.name == "passwd" and path.read_bytes() == b"data"
    assert not (tmp_path / "etc").exists()


def test_hidden_windows_and_control_character_names_are_made_plain() -> None:
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename(".bashrc") == "bashrc"
    assert safe_filename("in\x00voice\n.pdf") == "invoice.pdf"
    assert safe_filename("...") == "attachment"
    long = safe_filename("a" * 500 + ".pdf")
    assert len(long) == 100 and long.endswith(".pdf")


def test_same_names_do_not_overwrite_each_other(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    first, second = store.save("<m@x>", (_part("scan.pdf", b"one"), _part("scan.pdf", b"two")))
    assert Path(first.stored_path or "").read_bytes() == b"one"
    assert Path(second.stored_path or "").name == "scan-2.pdf"
    assert Path(second.stored_path or "").read_bytes() == b"two"


def test_refused_parts_are_listed_with_the_reason_and_not_written(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    (refused,) = store.save("<m@x>", (_part("big.zip", None, "larger than 10 bytes"),))
    assert refused.stored_path is None and refused.refused == "larger than 10 bytes"
    assert not store.folder("<m@x>").exists()


def test_saving_the_same_mail_again_keeps_one_copy(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    store.save("<m@x>", (_part("a.txt"),))
    store.save("<m@x>", (_part("a.txt"),))
    assert sorted(p.name for p in store.folder("<m@x>").iterdir()) == ["a.txt"]
