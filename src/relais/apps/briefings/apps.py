from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    name = "relais.apps.briefings"
    label = "briefings"
    verbose_name = _("Briefings")

    def ready(self) -> None:
        from relais.apps.briefings.from_articles import brief_the_change
        from relais.apps.knowledge.hooks import article_published

        article_published.connect(brief_the_change, dispatch_uid="briefings.brief_the_change")
