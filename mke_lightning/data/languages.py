"""Language codes: ISO 639-1 normalisation and the script facts that text handling depends on.

Benchmarks spell some languages with non-ISO codes (MzsRE's ``cz`` and ``du``); every reader maps codes through
:func:`normalize_lang` so the rest of the package only ever sees ISO 639-1.
"""

from __future__ import annotations

#: ISO 639-1 codes the package knows, with an English name (for reports and error messages).
KNOWN_LANGUAGES: dict[str, str] = {
    "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "lo": "Lao", "lt": "Lithuanian",
    "lv": "Latvian", "km": "Khmer", "my": "Burmese", "ms": "Malay", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}

#: Non-ISO codes found in published benchmarks, mapped to ISO 639-1.
LANGUAGE_ALIASES: dict[str, str] = {"cz": "cs", "du": "nl", "jp": "ja", "cn": "zh", "kr": "ko", "dk": "da", "gr": "el"}

#: Languages written without spaces between words: token F1 counts characters, targets attach with no space.
SPACELESS_LANGUAGES: frozenset[str] = frozenset({"zh", "ja", "th", "lo", "km", "my"})


class UnknownLanguageError(ValueError):
    """A language code that is neither ISO 639-1 known to the package nor a known alias."""


def normalize_lang(code: str) -> str:
    """Return the ISO 639-1 code for ``code`` (case-insensitive; ``zh-CN`` -> ``zh``; aliases such as ``cz`` -> ``cs``).

    Raises:
        UnknownLanguageError: when the code is not a known language.
    """
    if not isinstance(code, str) or not code.strip():
        raise UnknownLanguageError(f"language code must be a non-empty string, got {code!r}")
    key = code.strip().lower().replace("_", "-").split("-")[0]
    key = LANGUAGE_ALIASES.get(key, key)
    if key not in KNOWN_LANGUAGES:
        raise UnknownLanguageError(
            f"unknown language code {code!r}; known: {', '.join(sorted(KNOWN_LANGUAGES))} "
            f"(aliases: {', '.join(f'{a}->{b}' for a, b in sorted(LANGUAGE_ALIASES.items()))})"
        )
    return key


def is_spaceless(lang: str) -> bool:
    """Whether ``lang`` is written without spaces between words (zh, ja, th, ...)."""
    return lang in SPACELESS_LANGUAGES


def target_separator(lang: str) -> str:
    """The text placed between a prompt and its answer: nothing for spaceless scripts, one space otherwise."""
    return "" if is_spaceless(lang) else " "


def sentence_joiner(lang: str) -> str:
    """What separates two sentences that already end in their stop: nothing after a full-width stop (zh, ja), one
    space otherwise (th included)."""
    return "" if lang in ("zh", "ja") else " "
