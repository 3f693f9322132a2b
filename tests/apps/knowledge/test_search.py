import os
import subprocess
import sys
from pathlib import Path

import pytest

from relais.apps.knowledge import services
from relais.apps.knowledge.access import PUBLIC_READER, reader_for
from relais.apps.knowledge.models import Audience
from relais.apps.knowledge.search import article_search
from tests.apps.conftest import World
from tests.apps.knowledge.fixtures import published


@pytest.fixture
def faq(world: World) -> dict[str, int]:
    director = world.users["director"]
    made = {
        "refund": published(
            director, director, title="Quand serai-je remboursé ?",
            body="Le remboursement est effectué sous 5 jours ouvrés après réception du retour.",
            audience=Audience.PUBLIC,
        ),
        "delivery": published(
            director, director, title="Délais de livraison",
            body="La livraison à domicile prend 3 à 5 jours ouvrés.", audience=Audience.PUBLIC,
        ),
        "gift": published(
            director, director, title="Carte cadeau",
            body="La carte cadeau est valable un an, en ligne et en magasin.",
            audience=Audience.PUBLIC,
        ),
    }  # fmt: skip
    return {key: article.pk for key, (article, _) in made.items()}


def first(query: str) -> int | None:
    found = article_search(reader=PUBLIC_READER, query=query)
    return found[0].pk if found else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("délai de livraison", "delivery"),
        ("DELAI DE LIVRAISON", "delivery"),  # case and accents ignored
        ("delais livraison", "delivery"),
        ("quand serai je rembourse", "refund"),  # no accents, stemming: remboursé / remboursement
        ("remboursements", "refund"),
        ("remboursment", "refund"),  # a typo
        ("livriason", "delivery"),  # a typo
        ("cartecadeau", "gift"),  # words run together
        ("rembours*", "refund"),  # prefix
        ('"carte cadeau"', "gift"),  # phrase
    ],
)
def test_french_search_finds_the_article(faq: dict[str, int], query: str, expected: str):
    assert first(query) == faq[expected]


def test_a_phrase_must_appear_in_that_order(faq: dict[str, int]):
    assert first('"cadeau carte"') is None


def test_an_archived_article_is_no_longer_found(world: World, faq: dict[str, int]):
    from relais.apps.knowledge.models import Article

    services.article_archive(
        actor=world.users["director"], article=Article.objects.get(pk=faq["gift"])
    )

    assert first("carte cadeau") is None


def test_search_finds_only_what_the_reader_may_read(world: World):
    director = world.users["director"]
    internal, _ = published(director, director, title="Parasol interne", audience=Audience.INTERNAL)

    assert article_search(reader=PUBLIC_READER, query="parasol") == []
    assert article_search(reader=reader_for(world.agents["bucarest0"].user), query="parasol") == []
    assert article_search(reader=reader_for(world.agents["lille0"].user), query="parasol") == [
        internal
    ]


def _environment(data_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    return {
        **clean,
        "RELAIS_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "relais.config.settings",
        "RELAIS_DEBUG": "1",
    }


def test_an_article_published_in_one_process_is_found_from_another_at_once(tmp_path: Path):
    env = _environment(tmp_path)
    subprocess.run(
        [str(Path(sys.executable).parent / "relais"), "migrate", "--no-input"],
        env=env, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    searcher = subprocess.Popen(
        [sys.executable, "-m", "tests.apps.knowledge.processes", "search"],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert searcher.stdin
        assert searcher.stdout
        searcher.stdin.write("parasol\n")
        searcher.stdin.flush()
        before = searcher.stdout.readline().strip()
        published_id = subprocess.run(
            [sys.executable, "-m", "tests.apps.knowledge.processes", "publish", "Parasols"],
            env=env, check=True, capture_output=True, text=True, timeout=300,
        ).stdout.strip()  # fmt: skip
        searcher.stdin.write("parasol\n")
        searcher.stdin.flush()
        after = searcher.stdout.readline().strip()
    finally:
        searcher.kill()
        searcher.wait()

    assert before == "-"
    assert after == published_id
