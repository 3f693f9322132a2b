"""Every label of the report and the command line, in English and French, in one table."""

from __future__ import annotations

__all__ = ["LANGUAGES", "label"]

LANGUAGES = ("en", "fr")

_LABELS: dict[str, tuple[str, str]] = {
    # key: (English, French)
    "title": ("Simulation report", "Rapport de simulation"),
    "scenario": ("Scenario", "Scénario"),
    "replications": ("Replications", "Réplications"),
    "period": ("Period", "Période"),
    "seed": ("Seed", "Graine"),
    "ci_note": (
        "Means over replications with their 95 % confidence intervals.",
        "Moyennes sur les réplications avec leur intervalle de confiance à 95 %.",
    ),
    "compare_note": (
        "Paired differences (B − A) over replications with common random numbers, 95 % CI.",
        "Différences appariées (B − A) sur les réplications à nombres aléatoires communs, IC 95 %.",
    ),
    "headline": ("Headline figures", "Chiffres clés"),
    "by_queue": ("By queue", "Par file"),
    "by_site": ("By site", "Par site"),
    "by_site_kind": ("By site kind", "Par type de site"),
    "by_partner": ("By partner", "Par partenaire"),
    "by_priority": ("By customer priority class", "Par classe de priorité client"),
    "malformed_skipped": ("malformed lines skipped", "lignes mal formées ignorées"),
    "line": ("line", "ligne"),
    "costs": ("Partner costs", "Coûts des partenaires"),
    "per_interval": ("Per interval", "Par intervalle"),
    "outages": ("Site outages", "Pannes de site"),
    "outage": ("Outage", "Panne"),
    "outage_site": ("Site", "Site"),
    "outage_window": ("Window (local time)", "Plage (heure locale)"),
    "sl_during": ("Service level during the outage", "Niveau de service pendant la panne"),
    "sl_outside": (
        "Service level the rest of the period",
        "Niveau de service le reste de la période",
    ),
    "comparison": ("Comparison", "Comparaison"),
    "group": ("Group", "Groupe"),
    "metric": ("Figure", "Indicateur"),
    "difference": ("Difference B − A", "Différence B − A"),
    "significant": ("significant", "significatif"),
    "offered": ("Offered", "Présentés"),
    "answered": ("Answered", "Répondus"),
    "abandoned": ("Abandoned", "Abandonnés"),
    "handled": ("Handled", "Traités"),
    "service_level": ("Service level", "Niveau de service"),
    "average_speed_of_answer": ("ASA (s)", "DMA (s)"),
    "average_handling_time": ("AHT (s)", "DMT (s)"),
    "abandonment_rate": ("Abandonment rate", "Taux d'abandon"),
    "occupancy": ("Occupancy", "Taux d'occupation"),
    "in_shift_shrinkage": ("In-shift shrinkage", "Indisponibilité en poste"),
    "dropped": ("Dropped", "Perdus"),
    "refused": ("Refused (closed)", "Refusés (fermé)"),
    "requeued": ("Re-queued", "Remis en file"),
    "callbacks_offered": ("Callbacks offered", "Rappels proposés"),
    "contacts": ("Contacts generated", "Contacts générés"),
    "billable_hours": ("Logged-in hours", "Heures connectées"),
    "handled_contacts": ("Handled contacts", "Contacts traités"),
    "cost_hourly": ("Cost, hourly billing", "Coût, facturation horaire"),
    "cost_per_contact": ("Cost, per-contact billing", "Coût, facturation à l'acte"),
    "cost_hourly_per_handled": ("Hourly cost per contact", "Coût horaire par contact"),
    "cost": ("Cost", "Coût"),
    "cost_per_handled": ("Cost per handled contact", "Coût par contact traité"),
    "hours": ("Logged-in hours", "Heures connectées"),
    "costs_by_group": ("Costs by agent group", "Coûts par groupe d'agents"),
    "costs_by_partner": ("Costs by partner", "Coûts par partenaire"),
    "prices": ("Prices and where they came from", "Prix et leur provenance"),
    "site": ("Site", "Site"),
    "per_hour": ("Per hour", "Par heure"),
    "per_handled": ("Per handled contact", "Par contact traité"),
    "per_resolved": ("Per resolved contact", "Par contact résolu"),
    "resolved_share": ("Share resolved", "Part résolue"),
    "currency": ("Currency", "Devise"),
    "price_source": ("Source", "Provenance"),
    "origin_scenario": ("scenario file", "fichier du scénario"),
    "origin_contract": ("contract {reference}", "contrat {reference}"),
    "origin_loaded_cost": ("loaded cost from {reference}", "coût chargé depuis le {reference}"),
    "total": ("All", "Ensemble"),
    "internal": ("Own sites", "Sites internes"),
    "chart_sl": ("Service level per interval", "Niveau de service par intervalle"),
    "chart_volume": (
        "Offered and abandoned per interval",
        "Présentés et abandonnés par intervalle",
    ),
    "chart_asa": ("ASA per interval (s)", "DMA par intervalle (s)"),
    "no_data": ("no data", "pas de données"),
    "progress": ("Simulating", "Simulation"),
    "report_written": ("report written to", "rapport écrit dans"),
    "skipped_lines": ("malformed lines skipped", "lignes mal formées ignorées"),
}


def label(key: str, lang: str = "en") -> str:
    """The label in `lang` ("en" or "fr"); an unknown key is shown as is."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "fr" else pair[0]
