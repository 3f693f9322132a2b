"""HTML from outside made inert before any agent sees it (nh3, the Ammonia sanitiser): no
script, no event handler, no style, no form, no remote image; links open in a new tab
without the referrer. The agent's rich-text replies pass through the same rules."""

from __future__ import annotations

import html as html_lib
import re

import nh3

#: What a message may keep: text structure, emphasis, lists, links, simple tables.
TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
        "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def html_sanitise(html: str) -> str:
    """The HTML with only `TAGS` and `ATTRIBUTES` left (script and style contents dropped)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-4]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """The plain-text version of sanitised HTML (the text part of a reply, previews)."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", html))
    return _BLANK_LINES.sub("\n\n", html_lib.unescape(text)).strip()


def text_to_html(text: str) -> str:
    """Plain text shown as HTML: escaped, one paragraph a blank-line block."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return "".join(
        "<p>" + html_lib.escape(block).replace("\n", "<br>") + "</p>" for block in blocks
    )
