from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "relais.apps.crisis"
    label = "crisis"
    verbose_name = _("Crisis modes")

    def ready(self) -> None:
        from relais.apps.chat.notices import widget_notice_wanted
        from relais.apps.crisis.selectors import crisis_articles, crisis_widget_notice
        from relais.apps.knowledge.hooks import featured_articles_wanted

        widget_notice_wanted.connect(crisis_widget_notice, dispatch_uid="crisis.widget_notice")
        featured_articles_wanted.connect(crisis_articles, dispatch_uid="crisis.articles")
