"""Maison Lumière's canned replies, in French and English, for every chat queue.

Variables the desktop fills from the contact (docs/desktop.md, "Canned replies"):
`{prénom}` / `{first_name}` (the customer's first name, as the agent may see it),
`{agent}` (the agent's first name), `{commande}` / `{order}` (the order number the customer
gave). Idempotent: each reply is found by its language and title and brought back to this
text; a second run writes nothing.
"""

from __future__ import annotations

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.chat.models import CannedResponse

#: (title, body) pairs; the French and English lists say the same things in the same order.
FRENCH = (
    (
        "Accueil",
        "Bonjour {prénom}, je suis {agent} du service client de Maison Lumière. "
        "Comment puis-je vous aider\u202f?",
    ),
    (
        "Numéro de commande",
        "Pour que je retrouve votre commande, pourriez-vous me donner son numéro\u202f? "
        "Il figure dans l’e-mail de confirmation et commence par ML.",
    ),
    (
        "Suivi de commande",
        "Votre commande {commande} a bien été expédiée\u202f: vous recevrez un e-mail avec le "
        "lien de suivi du transporteur dans la journée.",
    ),
    (
        "Retard de livraison",
        "Je suis désolé(e) pour ce retard, {prénom}. Votre commande {commande} est chez le "
        "transporteur\u202f; je lui ouvre une réclamation et je vous tiens informé(e) sous 48 h.",
    ),
    (
        "Colis endommagé",
        "Je suis navré(e) que votre colis soit arrivé abîmé. Pourriez-vous m’envoyer une photo "
        "du carton et de l’article\u202f? Nous vous renverrons un article neuf sans frais.",
    ),
    (
        "Retour d’un article",
        "Vous disposez de 30 jours pour nous retourner un article. Rendez-vous dans « Mon "
        "compte » > « Mes commandes », choisissez la commande {commande} puis « Retourner un "
        "article »\u202f: l’étiquette Colissimo est gratuite.",
    ),
    (
        "Remboursement",
        "Votre remboursement a été validé\u202f: il apparaîtra sur votre compte sous 5 à 7 jours "
        "ouvrés, sur le moyen de paiement utilisé pour la commande {commande}.",
    ),
    (
        "Échange de taille",
        "Bien sûr, nous pouvons échanger votre article contre une autre taille. Je prépare "
        "l’échange et vous envoie l’étiquette de retour par e-mail.",
    ),
    (
        "Horaires des magasins",
        "Nos magasins sont ouverts du lundi au samedi de 10 h à 19 h, et le dimanche de 10 h à "
        "13 h à Paris et Lille. Les horaires de chaque magasin sont sur maison-lumiere.example.",
    ),
    (
        "Retrait en magasin",
        "Votre commande {commande} vous attend en magasin pendant 10 jours\u202f: présentez "
        "simplement l’e-mail de mise à disposition et une pièce d’identité.",
    ),
    (
        "Un instant",
        "Merci de patienter un instant, {prénom}, je vérifie cela pour vous.",
    ),
    (
        "Clôture",
        "Je vous remercie de votre confiance, {prénom}. Puis-je faire autre chose pour vous\u202f? "
        "Belle journée de la part de toute l’équipe Maison Lumière\u202f!",
    ),
)

ENGLISH = (
    (
        "Greeting",
        "Hello {first_name}, I am {agent} from Maison Lumière customer service. "
        "How can I help you?",
    ),
    (
        "Order number",
        "So that I can find your order, could you give me its number? It is in the "
        "confirmation e-mail and starts with ML.",
    ),
    (
        "Order status",
        "Your order {order} has been shipped: you will receive an e-mail with the carrier's "
        "tracking link today.",
    ),
    (
        "Delivery delay",
        "I am sorry about this delay, {first_name}. Your order {order} is with the carrier; I am "
        "opening a claim with them and will update you within 48 hours.",
    ),
    (
        "Damaged parcel",
        "I am sorry your parcel arrived damaged. Could you send me a photo of the box and of "
        "the item? We will send you a new one free of charge.",
    ),
    (
        "Returning an item",
        "You have 30 days to return an item. Go to “My account” > “My orders”, choose order "
        "{order}, then “Return an item”: the Colissimo label is free.",
    ),
    (
        "Refund",
        "Your refund has been approved: it will reach your account within 5 to 7 working "
        "days, on the means of payment used for order {order}.",
    ),
    (
        "Size exchange",
        "Of course, we can exchange your item for another size. I am preparing the exchange "
        "and will e-mail you the return label.",
    ),
    (
        "Store opening hours",
        "Our stores are open Monday to Saturday from 10 am to 7 pm, and on Sundays from 10 am "
        "to 1 pm in Paris and Lille. Each store's hours are on maison-lumiere.example.",
    ),
    (
        "Store pick-up",
        "Your order {order} will wait for you in store for 10 days: just show the pick-up "
        "e-mail and an identity document.",
    ),
    (
        "One moment",
        "Please bear with me a moment, {first_name}, I am checking this for you.",
    ),
    (
        "Closing",
        "Thank you for your trust, {first_name}. Is there anything else I can do for you? "
        "Have a lovely day from all of us at Maison Lumière!",
    ),
)


def load_demo_canned() -> dict[str, str]:
    """Create or restore the demo's canned replies (for every queue); returns
    {"language:title": created|updated|unchanged}."""
    outcomes: dict[str, str] = {}
    with transaction.atomic():
        for language, replies in (("fr", FRENCH), ("en", ENGLISH)):
            for title, body in replies:
                outcomes[f"{language}:{title}"] = _ensure(language, title, body)
    return outcomes


def _ensure(language: str, title: str, body: str) -> str:
    found = CannedResponse.objects.filter(language=language, title=title, queue=None).first()
    if found is not None and found.body == body and found.active:
        return "unchanged"
    if found is None:
        found = CannedResponse.objects.create(
            language=language, title=title, body=body, queue=None, active=True
        )
        outcome = "created"
    else:
        found.body, found.active = body, True
        found.save()
        outcome = "updated"
    audit_record(actor=None, action=f"canned_response.demo_{outcome}", obj=found)
    return outcome
