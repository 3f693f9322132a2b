from html.parser import HTMLParser

import pytest

from relais.apps.errors import RelaisError
from relais.apps.knowledge import services
from relais.apps.knowledge.images import image_check
from relais.apps.knowledge.models import Audience
from relais.apps.knowledge.rendering import markdown_render
from tests.apps.conftest import World, logged_in
from tests.apps.knowledge.fixtures import published

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example/"></iframe>',
    "[clic](javascript:alert(1))",
    '<a href="#" onclick="alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    "![x](https://evil.example/track.png)",
    "<style>body{display:none}</style>",
]


class Elements(HTMLParser):
    """Every element of a page with its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def dangers(html: str) -> list[str]:
    """What in the parsed page could run script, frame another site or fetch from it."""
    parser = Elements()
    parser.feed(html)
    found = []
    for tag, attributes in parser.found:
        if tag in {"script", "iframe", "frame", "object", "embed", "svg", "style", "form"}:
            found.append(tag)
        found += [f"{tag}[{name}]" for name in attributes if name.startswith("on")]
        for name in ("href", "src"):
            value = (attributes.get(name) or "").strip().lower()
            if value.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag}[{name}={value}]")
        source = attributes.get("src")
        if tag == "img" and source and not source.startswith("/knowledge/images/"):
            found.append("foreign img")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_never_lets_script_handlers_or_foreign_frames_through(payload: str):
    html = markdown_render(f"Texte\n\n{payload}\n\n**gras**")

    assert dangers(html) == []
    assert "<strong>gras</strong>" in html


def test_the_danger_check_finds_what_it_looks_for():
    assert dangers('<img src="x" onerror="a()"><script></script>') == [
        "img[onerror]", "foreign img", "script",
    ]  # fmt: skip


def test_markdown_keeps_structure_links_and_own_images():
    html = markdown_render(
        "## Étapes\n\n1. Ouvrir [le suivi](https://www.example.fr/suivi)\n"
        "2. Voir ![capture](/knowledge/images/12)\n"
    )

    assert "<h2>Étapes</h2>" in html
    assert '<a href="https://www.example.fr/suivi" rel="noopener noreferrer nofollow">' in html
    assert '<img src="/knowledge/images/12" alt="capture">' in html


def test_payloads_in_titles_and_bodies_are_inert_on_every_page(world: World):
    director = world.users["director"]
    title = '<script>alert("titre")</script> Retours'
    article, _ = published(
        director, director, title=title, body='<img src=x onerror=alert(1)> corps',
        audience=Audience.PUBLIC,
    )  # fmt: skip
    pages = [
        (logged_in(director), f"/knowledge/{article.pk}/"),
        (logged_in(director), "/knowledge/"),
        (logged_in(director), f"/knowledge/{article.pk}/compare/?old=1&new=1"),
        (None, f"/help/{article.slug}/"),
        (None, "/help/?lang=fr"),
    ]
    from django.test import Client

    for client, url in pages:
        html = (client or Client()).get(url).content.decode()
        assert '<script>alert("titre")' not in html, url
        assert "&lt;script&gt;" in html, url
        assert not [d for d in dangers(html) if d.startswith("img[")], url


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_an_image_is_accepted_by_its_bytes():
    assert image_check("photo.png", PNG) == "image/png"
    assert image_check("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 8) == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.png", b"<script>alert(1)</script>", "invalid_image"),
        (
            "photo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "invalid_image",
        ),
        ("photo.html", PNG, "invalid_image"),
        ("photo.jpg", PNG, "invalid_image"),
        ("photo.png", PNG + b"\x00" * (2 * 1024 * 1024), "image_too_large"),
    ],
)
def test_an_upload_that_is_no_image_or_too_large_is_refused(name: str, data: bytes, code: str):
    with pytest.raises(RelaisError) as refused:
        image_check(name, data)

    assert refused.value.code == code


def test_an_image_is_served_only_to_the_articles_readers(world: World):
    director = world.users["director"]
    article, _ = published(
        director, director, title="Interne", body="…", audience=Audience.INTERNAL
    )
    image = services.image_upload(actor=director, article=article, name="a.png", data=PNG)
    from django.test import Client

    internal = logged_in(world.agents["lille0"].user)
    served = internal.get(f"/knowledge/images/{image.pk}")
    partner_agent = logged_in(world.users["agent"]).get(f"/knowledge/images/{image.pk}")
    anonymous = Client().get(f"/knowledge/images/{image.pk}")

    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served.content == PNG
    assert partner_agent.status_code == 404
    assert anonymous.status_code == 404
