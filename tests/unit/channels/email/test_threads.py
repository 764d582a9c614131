"""thread_key: the root Message-ID of a reply chain, known threads first."""

from __future__ import annotations

from cti.channels.email.threads import ancestors, message_ids, thread_key


def test_new_mail_is_its_own_thread() -> None:
    assert thread_key("<a@x>", None, None) == "<a@x>"


def test_reply_threads_under_the_first_reference() -> None:
    assert thread_key("<c@x>", "<b@x>", "<a@x> <b@x>") == "<a@x>"


def test_reply_without_references_threads_under_in_reply_to() -> None:
    assert thread_key("<c@x>", "<b@x>", None) == "<b@x>"


def test_known_ancestor_wins_over_a_trimmed_reference_chain() -> None:
    threads = {"<b@x>": "<root@x>"}
    assert thread_key("<c@x>", "<b@x>", "<b@x>", threads.get) == "<root@x>"


def test_garbage_around_ids_is_ignored_and_duplicates_dropped() -> None:
    assert message_ids("junk <a@x> (comment) <b@x> <a@x> <no spaces@x>") == ["<a@x>", "<b@x>"]
    assert ancestors("<b@x>", "<a@x> <b@x>") == ["<b@x>", "<a@x>"]
