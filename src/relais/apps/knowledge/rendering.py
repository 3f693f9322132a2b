"""Markdown to HTML that is safe whoever wrote it: markdown-it-py with raw HTML switched off,
then nh3 (Ammonia) keeps text structure, links and the article's own images only. No script,
no event handler, no style, no frame, no foreign image ever reaches a page."""

from __future__ import annotations

import functools
import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "img", "li",
        "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: The only images an article may show: those uploaded to it (served by knowledge:image).
_OWN_IMAGE = re.compile(r"^/knowledge/images/\d+$")


@functools.cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _OWN_IMAGE.match(value) else None
    return value


def markdown_render(text: str) -> str:
    """The article's Markdown as sanitised HTML."""
    return nh3.clean(
        _markdown().render(text),
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
        strip_comments=True,
        attribute_filter=_attribute,
    )


def markdown_text(text: str) -> str:
    """The article's Markdown as plain text (what search indexes, what a passage inserts)."""
    html = markdown_render(text)
    blocks = re.sub(r"</(p|li|h\d|tr|pre|blockquote)>", "\n", html)
    return html_lib.unescape(nh3.clean(blocks, tags=set())).strip()
