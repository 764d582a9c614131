"""The widget's source never turns visitor or agent text into markup."""

from __future__ import annotations

import re
from importlib import resources

SOURCE = resources.files("cti.channels.chat").joinpath("static", "widget.js").read_text("utf-8")


def test_widget_never_parses_text_as_html() -> None:
    sinks = re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", SOURCE)
    assert sinks == []


def test_widget_shows_texts_with_text_content() -> None:
    assert "node.textContent = text" in SOURCE
    assert 'el("p", "cti-chat-text", text)' in SOURCE


def test_widget_css_is_scoped_to_the_widget() -> None:
    css = resources.files("cti.channels.chat").joinpath("static", "widget.css").read_text("utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = re.findall(r"([^{}]+)\{", rules)
    for group in selectors:
        for selector in group.split(","):
            assert selector.strip().startswith(".cti-chat"), selector
