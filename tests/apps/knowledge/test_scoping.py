import pytest

from relais.apps.errors import RelaisError
from relais.apps.knowledge import selectors
from relais.apps.knowledge.access import reader_for
from relais.apps.knowledge.models import Audience
from relais.apps.knowledge.search import article_search
from tests.apps.conftest import World
from tests.apps.knowledge.fixtures import published


@pytest.fixture
def articles(world: World) -> dict[str, int]:
    director = world.users["director"]
    made = {
        "public": published(director, director, title="Livraison", audience=Audience.PUBLIC),
        "agents": published(director, director, title="Livraison agents", audience=Audience.AGENTS),
        "internal": published(
            director, director, title="Livraison interne", audience=Audience.INTERNAL
        ),
        "atlas": published(
            director, director, title="Livraison Atlas", audience=Audience.AGENTS,
            partner_id=world.atlas.pk,
        ),
        "carpathia": published(
            director, director, title="Livraison Carpathia", audience=Audience.AGENTS,
            partner_id=world.carpathia.pk,
        ),
        "lille": published(
            director, director, title="Livraison Lille", audience=Audience.AGENTS,
            site_id=world.lille.pk,
        ),
        "dutch": published(
            director, director, title="Livraison Pays-Bas", audience=Audience.AGENTS,
            only_language="nl",
        ),
    }  # fmt: skip
    return {key: article.pk for key, (article, _) in made.items()}


EVERYONE_SIGNED_IN = {"public", "agents"}
READS = {
    "rabat0": EVERYONE_SIGNED_IN | {"atlas"},
    "bucarest0": EVERYONE_SIGNED_IN | {"carpathia"},
    "lille0": EVERYONE_SIGNED_IN | {"internal", "lille"},
    "home0": EVERYONE_SIGNED_IN | {"internal"},
}


@pytest.mark.parametrize("agent", list(READS))
def test_each_agent_reads_only_their_audience(world: World, articles: dict[str, int], agent):
    user = world.agents[agent].user

    listed = {a.pk for a in selectors.article_list(viewer=user)}
    found = {a.pk for a in article_search(reader=reader_for(user), query="livraison", limit=50)}

    assert listed == {articles[key] for key in READS[agent]}
    assert found == listed
    for key, pk in articles.items():
        if key not in READS[agent]:
            with pytest.raises(RelaisError):
                selectors.article_get(viewer=user, article_id=pk)


def test_a_carpathia_agent_never_sees_an_internal_article(world: World, articles):
    user = world.agents["bucarest0"].user

    with pytest.raises(RelaisError) as refused:
        selectors.article_get(viewer=user, article_id=articles["internal"])

    assert refused.value.code == "not_found"


def test_a_partner_manager_reads_their_partners_articles_in_any_language_not_internal_ones(
    world, articles
):
    listed = {a.pk for a in selectors.article_list(viewer=world.users["partner_manager"])}

    assert listed == {articles[k] for k in ("public", "agents", "atlas", "dutch")}


def test_anonymous_readers_see_only_public_articles(world: World, articles):
    from django.contrib.auth.models import AnonymousUser

    listed = {a.pk for a in selectors.article_list(viewer=AnonymousUser())}

    assert listed == {articles["public"]}
