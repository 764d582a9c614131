"""HTML mail to plain text, never rendered: no remote content is fetched, no script runs.

The agent sees words, not markup. Scripts, styles and the head are dropped whole; images
become their alt text; links keep their text and show where they point, so a phishing link
cannot hide behind friendly words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_DROPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "object"})
_BLOCKS = frozenset(
    {"p", "div", "tr", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "pre", "section", "article", "header", "footer", "hr", "dl", "dt", "dd"}
)  # fmt: skip
_BLANKS = re.compile(r"[ \t\r\f\v\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.dropping = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropping += 1
        elif tag == "br" or tag in _BLOCKS:
            self.chunks.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.dropping:
                self.chunks.append(f"[{alt}]")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        if tag == "li":
            self.chunks.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and href.startswith(("http:", "https:", "mailto:")) and not self.dropping:
                self.chunks.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body; broken markup gives what could be read."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (_BLANKS.sub(" ", line).strip() for line in "".join(collector.chunks).split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()
