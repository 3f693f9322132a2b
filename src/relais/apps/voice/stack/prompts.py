"""The prompts callers hear, generated offline for the demo (espeak-ng), replaceable by recordings.

Files are WAV, 8 kHz, mono, 16-bit: what rtpengine's `play media` reads. Layout:
`<dir>/<language>/<name>.wav`, and the queue music `<dir>/music.wav` (an original sequence of
soft tones, no recorded music). A directory of recorded files laid out the same way
(RELAIS_VOICE_PROMPTS_DIR) takes precedence, file by file.
"""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

LANGUAGES = ("fr", "en")
SAMPLE_RATE = 8000
MUSIC = "music"
POSITIONS = range(1, 21)  # "you are number N in the queue"
WAIT_MINUTES = range(1, 21)  # "your estimated waiting time is N minutes"

# The texts, spoken by espeak-ng in each language's voice.
TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "fr": "Bonjour et bienvenue. Votre appel va être pris en charge.",
        "en": "Hello and welcome. Your call will be answered shortly.",
    },
    "busy": {
        "fr": "Tous nos conseillers sont occupés. Merci de patienter.",
        "en": "All our advisers are busy. Please hold.",
    },
    "closed": {
        "fr": "Notre service est actuellement fermé. Merci de rappeler pendant nos heures "
        "d'ouverture.",
        "en": "Our service is currently closed. Please call again during our opening hours.",
    },
    "reconnecting": {
        "fr": "Nous vous remettons en relation avec un conseiller. Merci de patienter.",
        "en": "We are reconnecting you to an adviser. Please hold.",
    },
    "transfer": {
        "fr": "Nous transférons votre appel. Merci de patienter.",
        "en": "We are transferring your call. Please hold.",
    },
    # The keypad survey once the agent has hung up (b2bua/survey.py): one prompt a question.
    "survey_intro": {
        "fr": "Avant de raccrocher, merci de répondre à quelques questions sur votre appel.",
        "en": "Before you hang up, please answer a few questions about your call.",
    },
    "survey_agent_csat": {
        "fr": "Êtes-vous satisfait de votre conseiller ? Tapez une note de 1 à 5, 5 étant la "
        "meilleure.",
        "en": "How satisfied are you with your adviser? Press 1 to 5, 5 being the best.",
    },
    "survey_company_csat": {
        "fr": "Êtes-vous satisfait de la réponse apportée ? Tapez une note de 1 à 5.",
        "en": "How satisfied are you with the answer you were given? Press 1 to 5.",
    },
    "survey_effort": {
        "fr": "Était-il facile d'obtenir une réponse ? Tapez 1 pour très difficile, jusqu'à 5 "
        "pour très facile.",
        "en": "How easy was it to get an answer? Press 1 for very hard, up to 5 for very easy.",
    },
    "survey_resolved": {
        "fr": "Votre demande a-t-elle été résolue ? Tapez 1 pour oui, 2 pour non.",
        "en": "Was your request resolved? Press 1 for yes, 2 for no.",
    },
    "survey_thanks": {
        "fr": "Merci pour vos réponses. Au revoir.",
        "en": "Thank you for your answers. Goodbye.",
    },
}


def position_name(position: int) -> str:
    """The prompt for a place in the queue; past the last one, the last one."""
    return f"position_{min(max(position, POSITIONS.start), POSITIONS.stop - 1)}"


def wait_name(minutes: int) -> str:
    """The prompt for an estimated wait in minutes, clamped to the generated range."""
    return f"wait_{min(max(minutes, WAIT_MINUTES.start), WAIT_MINUTES.stop - 1)}"


def _counted_texts() -> dict[str, dict[str, str]]:
    texts = {}
    for n in POSITIONS:
        texts[position_name(n)] = {
            "fr": "Vous êtes en première position dans la file d'attente."
            if n == 1
            else f"Vous êtes en position {n} dans la file d'attente.",
            "en": f"You are number {n} in the queue.",
        }
    for n in WAIT_MINUTES:
        minutes = {"fr": "une minute", "en": "one minute"} if n == 1 else {"fr": f"{n} minutes"}
        texts[wait_name(n)] = {
            "fr": f"Votre temps d'attente est estimé à {minutes['fr']}.",
            "en": f"Your estimated waiting time is {minutes.get('en', f'{n} minutes')}.",
        }
    return texts


def prompt_texts() -> dict[str, dict[str, str]]:
    """Every spoken prompt: name -> language -> text."""
    return {**TEXTS, **_counted_texts()}


def default_prompts_dir() -> Path:
    from django.conf import settings

    return Path(settings.VOICE_RUN_DIR) / "prompts"


def prompt_path(
    name: str,
    language: str,
    *,
    generated_dir: Path | None = None,
    recorded_dir: Path | None = None,
) -> Path:
    """The file to play for a prompt: the recorded one if there is one, else the generated one.

    `language` falls back to English when it has no prompts. The queue music has no language.
    """
    if recorded_dir is None:
        from django.conf import settings

        recorded_dir = settings.VOICE_PROMPTS_DIR
    generated_dir = generated_dir or default_prompts_dir()
    relative = Path(f"{MUSIC}.wav") if name == MUSIC else Path(_language(language), f"{name}.wav")
    if recorded_dir is not None and (Path(recorded_dir) / relative).exists():
        return Path(recorded_dir) / relative
    return generated_dir / relative


def _language(language: str) -> str:
    code = language.split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def generate_prompts(directory: Path) -> list[Path]:
    """Write every missing prompt and the music under `directory`; return the files written."""
    written = []
    music = directory / f"{MUSIC}.wav"
    if not music.exists():
        directory.mkdir(parents=True, exist_ok=True)
        write_music(music)
        written.append(music)
    for name, by_language in prompt_texts().items():
        for language, text in by_language.items():
            path = directory / language / f"{name}.wav"
            if not path.exists():
                speak(text, language, path)
                written.append(path)
    return written


def speak(text: str, language: str, path: Path) -> None:
    """Say `text` with espeak-ng's voice for `language` into an 8 kHz mono 16-bit WAV."""
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if not espeak or not sox:
        raise FileNotFoundError("prompts need espeak-ng and sox (Debian: apt-get install ...)")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.wav")
    speech = subprocess.run(  # noqa: S603 - fixed programs, text passed as one argument
        [espeak, "-v", language, "-s", "150", "--stdout", text],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    subprocess.run(  # noqa: S603
        [sox, "-t", "wav", "-", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(partial)],
        input=speech,
        capture_output=True,
        check=True,
        timeout=30,
    )
    partial.replace(path)  # never leave a half-written prompt under its real name


# A gentle, original loop: a pentatonic phrase of soft bell-like tones (Hz, beats).
_PHRASE = (
    (392.0, 1), (440.0, 1), (523.3, 2), (440.0, 1), (392.0, 1), (329.6, 2),
    (293.7, 1), (329.6, 1), (392.0, 2), (329.6, 1), (293.7, 1), (261.6, 2),
)  # fmt: skip
_BEAT_S = 0.45


def write_music(path: Path, *, loops: int = 2) -> None:
    """The queue music: the phrase over a quiet fifth below, each note fading out."""
    frames = bytearray()
    for _ in range(loops):
        for frequency, beats in _PHRASE:
            count = int(SAMPLE_RATE * _BEAT_S * beats)
            for i in range(count):
                t = i / SAMPLE_RATE
                envelope = min(1.0, i / 80) * math.exp(-2.2 * t)
                sample = envelope * (
                    0.55 * math.sin(2 * math.pi * frequency * t)
                    + 0.12 * math.sin(4 * math.pi * frequency * t)
                    + 0.18 * math.sin(2 * math.pi * frequency / 1.5 * t)
                )
                frames += struct.pack("<h", int(sample * 9000))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.wav")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames))
    partial.replace(path)
