import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.knowledge import selectors, services
from relais.apps.knowledge.models import ArticleStatus
from relais.apps.knowledge.services import ArticleFields
from tests.apps.conftest import World, logged_in
from tests.apps.knowledge.fixtures import publish, published


def test_every_publication_is_a_version_and_two_compare_word_by_word(world: World):
    director = world.users["director"]
    article, first = published(
        director, director, title="Retours", body="Les retours sont gratuits sous 30 jours."
    )
    services.article_update(
        actor=director,
        article=article,
        fields=ArticleFields(
            title="Retours", body="Les retours sont gratuits sous 14 jours.",
            reviewer_ids=(director.pk,),
        ),
    )  # fmt: skip

    second = publish(article, director)

    assert (first.number, second.number) == (1, 2)
    assert first.body == "Les retours sont gratuits sous 30 jours."
    comparison = selectors.version_compare(viewer=director, article_id=article.pk, old=1, new=2)
    assert comparison.body == [
        ("=", "Les retours sont gratuits sous "),
        ("-", "30"),
        ("+", "14"),
        ("=", " jours."),
    ]
    assert comparison.title == [("=", "Retours")]


def test_the_compare_page_marks_what_changed(world: World):
    director = world.users["director"]
    article, _ = published(director, director, title="Retours", body="Sous 30 jours.")
    services.article_update(
        actor=director, article=article,
        fields=ArticleFields(title="Retours", body="Sous 14 jours.", reviewer_ids=(director.pk,)),
    )  # fmt: skip
    publish(article, director)
    client = logged_in(director)

    html = client.get(f"/knowledge/{article.pk}/compare/?old=1&new=2").content.decode()

    assert '<del class="knowledge-removed">30</del>' in html
    assert '<ins class="knowledge-added">14</ins>' in html


def test_readers_keep_the_published_version_while_the_draft_changes(world: World):
    director = world.users["director"]
    article, _ = published(director, director, title="Horaires", body="Ouvert à 9 h.")
    services.article_update(
        actor=director, article=article,
        fields=ArticleFields(title="Horaires", body="Ouvert à 10 h.", reviewer_ids=(director.pk,)),
    )  # fmt: skip

    seen = selectors.article_get(viewer=world.users["agent"], article_id=article.pk)

    assert seen.status == ArticleStatus.DRAFT
    assert seen.current_version.body == "Ouvert à 9 h."


@pytest.mark.parametrize("role", ["agent", "supervisor", "partner_manager", "planner"])
def test_only_writers_create_articles(world: World, role: str):
    before = AuditEntry.objects.count()

    with pytest.raises(RelaisError) as refused:
        services.article_create(actor=world.users[role], fields=ArticleFields(title="x", body=""))

    assert refused.value.code == "permission_denied"
    assert AuditEntry.objects.count() == before


def test_a_quality_analyst_writes_but_only_a_director_publishes(world: World):
    analyst, director = world.users["quality_analyst"], world.users["director"]
    article = services.article_create(
        actor=analyst,
        fields=ArticleFields(title="Script d'accueil", body="Bonjour", reviewer_ids=(analyst.pk,)),
    )
    services.article_submit(actor=analyst, article=article)
    services.article_approve(actor=analyst, article=article)

    with pytest.raises(RelaisError) as refused:
        services.article_publish(actor=analyst, article=article)
    version = services.article_publish(actor=director, article=article)

    assert refused.value.code == "permission_denied"
    assert version.number == 1


def test_only_a_named_reviewer_approves_and_every_one_must(world: World):
    analyst, director = world.users["quality_analyst"], world.users["director"]
    article = services.article_create(
        actor=analyst,
        fields=ArticleFields(title="Retours", body="…", reviewer_ids=(analyst.pk, director.pk)),
    )
    services.article_submit(actor=analyst, article=article)
    services.article_approve(actor=analyst, article=article)

    with pytest.raises(RelaisError) as not_reviewer:
        services.article_approve(actor=world.users["administrator"], article=article)
    with pytest.raises(RelaisError) as not_approved:
        services.article_publish(actor=director, article=article)
    services.article_approve(actor=director, article=article)

    assert not_reviewer.value.code == "not_a_reviewer"
    assert not_approved.value.code == "not_approved"
    assert services.article_publish(actor=director, article=article).number == 1


def test_a_draft_cannot_be_published_without_review(world: World):
    director = world.users["director"]
    article = services.article_create(actor=director, fields=ArticleFields(title="x", body=""))

    with pytest.raises(RelaisError) as refused:
        services.article_publish(actor=director, article=article)

    assert refused.value.code == "wrong_status"


def test_workflow_writes_are_audited(world: World):
    director = world.users["director"]
    before = AuditEntry.objects.count()

    article, _ = published(director, director, title="Procédure", body="…")
    services.article_archive(actor=director, article=article)

    actions = list(AuditEntry.objects.order_by("pk")[before:].values_list("action", flat=True))
    assert actions == [
        "knowledge.article.create",
        "knowledge.article.submit",
        "knowledge.article.approve",
        "knowledge.article.publish",
        "knowledge.article.archive",
    ]


def test_an_article_past_its_review_date_is_stale(world: World):
    import datetime as dt

    director = world.users["director"]
    article, _ = published(
        director, director, title="Ancien", body="…", review_by=dt.date(2020, 1, 1)
    )

    assert selectors.article_is_stale(article)
    assert list(selectors.stale_articles(viewer=director)) == [article]


def test_the_publication_hook_gets_the_new_and_previous_versions(world: World, monkeypatch):
    from relais.apps.knowledge import hooks

    seen = []
    monkeypatch.setattr(hooks, "on_article_published", lambda v, p: seen.append((v, p)))
    director = world.users["director"]

    article, first = published(director, director, title="Commandes", body="a")
    services.article_update(
        actor=director, article=article,
        fields=ArticleFields(title="Commandes", body="b", reviewer_ids=(director.pk,)),
    )  # fmt: skip
    second = publish(article, director)

    assert seen == [(first, None), (second, first)]
