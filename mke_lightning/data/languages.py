"""Language codes through ``langcodes`` (IETF BCP 47 / ISO 639), and the script facts that text handling needs.

Every reader maps codes through :func:`normalize_lang`, so the rest of the package sees one code per language.

Decisions:

* **Any valid code is accepted**, not a hand-made list: ISO 639-1, 639-2/T, 639-2/B and 639-3 codes, BCP 47 tags,
  case-insensitive, ``_`` or ``-``. The result is langcodes' standardised *shortest* language subtag: region, script
  and other subtags are dropped (``zh-CN`` -> ``zh``, ``pt_BR`` -> ``pt``), ``eng`` -> ``en``, ``deu``/``ger`` ->
  ``de``, ``ceb`` stays ``ceb``; deprecated codes follow CLDR (``iw`` -> ``he``, ``tl`` -> ``fil``, ``sh`` -> ``sr``).
* **Individual languages fold into their macrolanguage** (langcodes' ``macro=True``, CLDR's aliases): ``cmn`` ->
  ``zh``, ``arb`` -> ``ar``, ``zsm`` -> ``ms``, ``pes`` -> ``fa``, so FLORES-style codes meet the benchmarks' ones.
  CLDR only folds a language that is the macrolanguage's usual meaning: ``yue``, ``wuu`` and ``nan`` stay apart.
* **Rejected**: invalid or unregistered subtags (``xx``, ``klingon``, ``''``), tags without a language (``und``,
  ``x-...``), the special codes ``mis``, ``mul``, ``zxx`` and the private-use range ``qaa``-``qtz`` (they name no
  language whose script could be known). The error names the code as given.
* :data:`LANGUAGE_ALIASES` are spellings found in published benchmarks (MzsRE's ``cz``/``du``, ...), applied to the
  first subtag before anything else. All but one are not ISO 639 language subtags; **``kr`` is valid ISO 639-1, for
  Kanuri**. Decision: ``kr`` stays Korean (as it always was here; no knowledge-editing benchmark has Kanuri), and
  every spelling of Kanuri (``kr`` itself, ``kau``) is therefore rejected rather than read as ``kr``: a result
  ``kr`` would turn into Korean when normalised a second time, and normalisation must be idempotent.
* **Script rules come from the script**, i.e. CLDR's likely script of the language
  (``Language.get(code).maximize().script``), not from a list of languages. Spaceless scripts (no space between
  words; token F1 counts their characters, targets attach with no space): Han (``Hani``/``Hans``/``Hant``),
  Japanese (``Jpan``, ``Hira``, ``Kana``, ``Hrkt``), Thai, Lao (``Laoo``), Khmer (``Khmr``), Myanmar (``Mymr``)
  and Tibetan (``Tibt``: words are not spaced; the tsheg between syllables is Unicode punctuation). Left out:
  Balinese and Javanese (``Bali``, ``Java``): CLDR gives their languages (``ban``, ``jv``) the Latin script and
  script subtags are dropped, so no code could reach them; the Tai scripts (``Lana``, ``Tale``, ``Talu``,
  ``Tavt``), whose languages no benchmark has. Adding a script means adding its Unicode blocks to
  ``_SPACELESS_BLOCKS``. Languages CLDR knows nothing about default to Latin, hence spaced.
* :func:`sentence_joiner` is empty only after a full-width stop: Han and Japanese scripts (Thai sentences are
  separated by a space).
* :func:`language_name` (reports only) needs the optional ``language_data`` package; when it is absent the code
  itself is the name (checked before calling langcodes, which would print an install hint on stdout). Decision:
  no dependency for this: names decorate reports, and the code is unambiguous.
* Lookups are cached (``functools.lru_cache``): the rules are called once per prompt.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from typing import Any

import langcodes

#: Benchmark spellings that are not the ISO 639 language subtag of the language meant. Only ``kr`` is also a valid
#: code (Kanuri): it is read as Korean, see the module docstring.
LANGUAGE_ALIASES: dict[str, str] = {"cz": "cs", "du": "nl", "jp": "ja", "cn": "zh", "kr": "ko", "dk": "da", "gr": "el"}

#: Unicode blocks of each spaceless script (ISO 15924 code -> inclusive code-point ranges).
_SPACELESS_BLOCKS: dict[str, tuple[tuple[int, int], ...]] = {
    # CJK radicals, iteration/number marks 々〆〇 and 〡-〩, unified ideographs with extensions A-H, compatibility.
    "Hani": ((0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
             (0xF900, 0xFAFF), (0x20000, 0x323AF)),
    "Hira": ((0x3040, 0x309F),),
    "Kana": ((0x30A0, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
    "Thai": ((0x0E00, 0x0E7F),),
    "Laoo": ((0x0E80, 0x0EFF),),
    "Khmr": ((0x1780, 0x17FF), (0x19E0, 0x19FF)),
    "Mymr": ((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)),
    "Tibt": ((0x0F00, 0x0FFF),),
}

#: Scripts written with a full-width stop, after which the next sentence follows with no space.
FULL_STOP_SCRIPTS: frozenset[str] = frozenset({"Hani", "Hans", "Hant", "Jpan", "Hira", "Kana", "Hrkt"})

#: Scripts written without spaces between words.
SPACELESS_SCRIPTS: frozenset[str] = frozenset(_SPACELESS_BLOCKS) | FULL_STOP_SCRIPTS

_SPACELESS_RANGES: tuple[tuple[int, int], ...] = tuple(sorted(r for rs in _SPACELESS_BLOCKS.values() for r in rs))
_NOT_A_LANGUAGE = frozenset({"und", "mis", "mul", "zxx"})
_PRIVATE_USE = re.compile(r"q[a-t][a-z]")
_LANGUAGE_SUBTAG = re.compile(r"[a-z]{2,3}")


class UnknownLanguageError(ValueError):
    """A code that is neither a valid ISO 639 / BCP 47 language nor a benchmark alias."""


def _unknown(code: Any, why: str) -> UnknownLanguageError:
    aliases = ", ".join(f"{a}->{b}" for a, b in sorted(LANGUAGE_ALIASES.items()))
    return UnknownLanguageError(f"unknown language code {code!r}: {why} (benchmark aliases: {aliases})")


@lru_cache(maxsize=4096)
def _normalize(code: str) -> str:
    tag = code.strip().replace("_", "-")
    first = tag.split("-")[0].lower()
    if first in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[first]
    try:
        lang = langcodes.Language.get(langcodes.standardize_tag(tag, macro=True)).language
    except ValueError:  # langcodes' LanguageTagError: not a well-formed tag
        raise _unknown(code, "not a well-formed language tag") from None
    if lang is None:
        raise _unknown(code, "a tag without a language subtag")
    if not _LANGUAGE_SUBTAG.fullmatch(lang) or not langcodes.Language.make(language=lang).is_valid():
        raise _unknown(code, "not a registered ISO 639 language")
    if lang in _NOT_A_LANGUAGE or _PRIVATE_USE.fullmatch(lang):
        raise _unknown(code, "a special or private-use code, not a language")
    if lang in LANGUAGE_ALIASES:
        raise _unknown(code, f"its code {lang!r} is read as the benchmark alias for "
                                 f"{LANGUAGE_ALIASES[lang]!r}, so that language is not supported")
    return lang


def normalize_lang(code: str) -> str:
    """The standardised shortest language subtag of ``code`` (``zh-CN`` -> ``zh``, ``eng`` -> ``en``, ``cz`` -> ``cs``).

    Raises:
        UnknownLanguageError: when ``code`` is not a string naming a language (see the module docstring).
    """
    if not isinstance(code, str):
        raise _unknown(code, f"expected a string, got {type(code).__name__}")
    if not code.strip():
        raise _unknown(code, "empty")
    return _normalize(code)


@lru_cache(maxsize=4096)
def script(lang: str) -> str:
    """ISO 15924 code of the script ``lang`` is usually written in (CLDR likely subtags; ``Latn`` when unknown)."""
    return langcodes.Language.get(normalize_lang(lang)).maximize().script or "Latn"


def is_spaceless(lang: str) -> bool:
    """Whether ``lang`` is written without spaces between words (zh, ja, th, lo, km, my, bo, ...)."""
    return script(lang) in SPACELESS_SCRIPTS


def target_separator(lang: str) -> str:
    """The text placed between a prompt and its answer: nothing for spaceless scripts, one space otherwise."""
    return "" if is_spaceless(lang) else " "


def sentence_joiner(lang: str) -> str:
    """What separates two sentences that already end in their stop: nothing after a full-width stop (Han and
    Japanese scripts), one space otherwise (Thai included)."""
    return "" if script(lang) in FULL_STOP_SCRIPTS else " "


@lru_cache(maxsize=65536)
def in_spaceless_script(char: str) -> bool:
    """Whether the character ``char`` belongs to the Unicode blocks of a spaceless script."""
    point = ord(char)
    return any(lo <= point <= hi for lo, hi in _SPACELESS_RANGES)


@lru_cache(maxsize=1024)
def language_name(code: str) -> str:
    """English name of the language for reports (``de`` -> ``German``); the code itself without ``language_data``."""
    lang = normalize_lang(code)
    # Checked first: without the package, langcodes prints an install hint on stdout before raising ImportError.
    if importlib.util.find_spec("language_data") is None:
        return lang
    return langcodes.Language.get(lang).display_name("en")
