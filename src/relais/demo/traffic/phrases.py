"""What simulated customers and bot agents write: French (and Dutch for the `nl` queue).

These are the demo's chat content, like the demo company's names: customers of a French
retailer write in French whatever the language of the person watching, so they are data,
not interface strings (nothing here goes through gettext).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

FIRST_NAMES = (
    "Jeanne", "Louis", "Chloé", "Hugo", "Manon", "Lucas", "Inès", "Jules", "Léa", "Nathan",
    "Sarah", "Théo", "Emma", "Paul", "Zoé", "Karim", "Lina", "Antoine", "Julie", "Mehdi",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "Fournier", "Girard",
)  # fmt: skip
DUTCH_NAMES = ("Sanne de Vries", "Daan Jansen", "Emma Bakker", "Lucas Visser", "Anouk Smit")

OPENINGS = {
    "fr": (
        "Bonjour, je n'ai toujours pas reçu ma commande passée il y a une semaine.",
        "Bonjour, je voudrais changer l'adresse de livraison de ma commande.",
        "Bonsoir, la lampe que j'ai reçue est arrivée cassée, que puis-je faire ?",
        "Bonjour, est-ce que le canapé Lumière 3 places est disponible en gris ?",
        "Bonjour, j'ai été débité deux fois pour la même commande.",
        "Bonjour, comment retourner un article qui ne me convient pas ?",
        "Bonjour, ma facture n'apparaît pas dans mon espace client.",
        "Bonjour, puis-je utiliser mon bon de réduction sur les articles soldés ?",
    ),
    "nl": (
        "Goedendag, mijn bestelling is nog niet aangekomen.",
        "Hallo, kan ik mijn bestelling nog wijzigen?",
        "Goedemiddag, de lamp is beschadigd aangekomen.",
    ),
}
FOLLOW_UPS = {
    "fr": (
        "Le numéro de commande est le ML-{number}.",
        "D'accord, merci. Et sous quel délai ?",
        "Je suis disponible en semaine après 17 h.",
        "Très bien, c'est noté.",
        "Est-ce que je recevrai un e-mail de confirmation ?",
        "Parfait, merci beaucoup pour votre aide !",
    ),
    "nl": (
        "Het bestelnummer is ML-{number}.",
        "Dank u, en hoe lang duurt dat?",
        "Prima, bedankt voor uw hulp!",
    ),
}
GREETINGS = {
    "fr": "Bonjour {customer}, je m'appelle {agent}, je regarde votre demande tout de suite.",
    "nl": "Goedendag {customer}, ik ben {agent}, ik bekijk uw vraag meteen.",
}
ANSWERS = {
    "fr": (
        "Je vérifie cela dans votre dossier, un instant s'il vous plaît.",
        "Merci pour ces précisions.",
        "Je viens de faire le nécessaire, vous recevrez un e-mail de confirmation.",
        "C'est bien noté, le délai habituel est de 3 à 5 jours ouvrés.",
        "Je transmets l'information au service concerné.",
        "Votre commande est bien enregistrée et en cours de préparation.",
    ),
    "nl": (
        "Ik kijk het even na, een ogenblik alstublieft.",
        "Dank u voor de informatie.",
        "Het is geregeld, u ontvangt een bevestiging per e-mail.",
    ),
}
CLOSINGS = {
    "fr": "Puis-je vous aider pour autre chose ? Merci de votre confiance et bonne journée !",
    "nl": "Kan ik u nog ergens anders mee helpen? Bedankt en een fijne dag!",
}
# wrap-up reasons (desktop.WrapUpReason codes, loaded by a migration) and their weights
OUTCOMES = (("resolved", 60), ("information", 25), ("escalated", 8), ("complaint", 7))


def _of[T](table: Mapping[str, T], language: str) -> T:
    return table.get(language, table["fr"])


def customer_name(rng: random.Random, language: str) -> str:
    if language == "nl":
        return rng.choice(DUTCH_NAMES)
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def opening(rng: random.Random, language: str) -> str:
    return rng.choice(_of(OPENINGS, language))


def follow_up(rng: random.Random, language: str) -> str:
    return rng.choice(_of(FOLLOW_UPS, language)).format(number=rng.randint(100000, 999999))


def greeting(language: str, customer: str, agent: str) -> str:
    return _of(GREETINGS, language).format(customer=customer.split()[0], agent=agent)


def answer(rng: random.Random, language: str) -> str:
    return rng.choice(_of(ANSWERS, language))


def closing(language: str) -> str:
    return _of(CLOSINGS, language)


def outcome(rng: random.Random) -> str:
    codes = [code for code, _ in OUTCOMES]
    return rng.choices(codes, weights=[weight for _, weight in OUTCOMES])[0]
