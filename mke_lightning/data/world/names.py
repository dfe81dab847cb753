"""Proper names of the synthetic world and their per-language surface forms.

A name is a sequence of consonant-vowel syllables (plus an optional final ``n``) drawn from a small inventory.
Latin-script languages (en, de, fr, es) write it in Latin letters and share most names (cities get light
per-language spellings: German writes an initial V as W, French adds a final e after a consonant); ru, zh, ja and
th transliterate syllable by syllable with fixed tables (Cyrillic letters, one Hanzi per syllable, katakana, Thai
consonant + vowel sign), so every language has a distinct, deterministic spelling of the same entity.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

CONSONANTS = "bdgkmnprstvz"  # no 'l': katakana would merge it with 'r'
VOWELS = "aeiou"
Syllables = tuple[str, ...]

_RU_LETTERS = dict(zip("bdgkmnprstvzaeiou", "бдгкмнпрствзаеиоу"))
_ZH_SYLLABLES = dict(zip(
    [c + v for c in CONSONANTS for v in VOWELS],
    "巴贝比博布" "达德迪多杜" "加格吉戈古" "卡克基科库" "马梅米莫穆" "纳内尼诺努"
    "帕佩皮波普" "拉雷里罗鲁" "萨塞西索苏" "塔特蒂托图" "瓦维薇沃乌" "扎泽齐佐祖",
))
_JA_SYLLABLES = {
    **dict(zip(["ba", "be", "bi", "bo", "bu"], ["バ", "ベ", "ビ", "ボ", "ブ"])),
    **dict(zip(["da", "de", "di", "do", "du"], ["ダ", "デ", "ディ", "ド", "ドゥ"])),
    **dict(zip(["ga", "ge", "gi", "go", "gu"], ["ガ", "ゲ", "ギ", "ゴ", "グ"])),
    **dict(zip(["ka", "ke", "ki", "ko", "ku"], ["カ", "ケ", "キ", "コ", "ク"])),
    **dict(zip(["ma", "me", "mi", "mo", "mu"], ["マ", "メ", "ミ", "モ", "ム"])),
    **dict(zip(["na", "ne", "ni", "no", "nu"], ["ナ", "ネ", "ニ", "ノ", "ヌ"])),
    **dict(zip(["pa", "pe", "pi", "po", "pu"], ["パ", "ペ", "ピ", "ポ", "プ"])),
    **dict(zip(["ra", "re", "ri", "ro", "ru"], ["ラ", "レ", "リ", "ロ", "ル"])),
    **dict(zip(["sa", "se", "si", "so", "su"], ["サ", "セ", "シ", "ソ", "ス"])),
    **dict(zip(["ta", "te", "ti", "to", "tu"], ["タ", "テ", "ティ", "ト", "トゥ"])),
    **dict(zip(["va", "ve", "vi", "vo", "vu"], ["ヴァ", "ヴェ", "ヴィ", "ヴォ", "ヴ"])),
    **dict(zip(["za", "ze", "zi", "zo", "zu"], ["ザ", "ゼ", "ジ", "ゾ", "ズ"])),
}
_TH_CONSONANTS = dict(zip(CONSONANTS, "บดกคมนพรสทวซ"))


def _thai_syllable(syl: str) -> str:
    c = _TH_CONSONANTS[syl[0]]
    return {"a": c + "า", "e": "เ" + c, "i": c + "ิ", "o": "โ" + c, "u": c + "ุ"}[syl[1]]


def transliterate(syllables: Syllables, script: str) -> str:
    """Write a syllable sequence in ``script`` (``latin``, ``ru``, ``zh``, ``ja`` or ``th``), without capitals."""
    coda = syllables[-1] == "n"
    body = syllables[:-1] if coda else syllables
    if script == "latin":
        return "".join(syllables)
    if script == "ru":
        return "".join(_RU_LETTERS[ch] for syl in syllables for ch in syl)
    if script == "zh":
        return "".join(_ZH_SYLLABLES[s] for s in body) + ("恩" if coda else "")
    if script == "ja":
        return "".join(_JA_SYLLABLES[s] for s in body) + ("ン" if coda else "")
    if script == "th":
        return "".join(_thai_syllable(s) for s in body) + ("น" if coda else "")
    raise ValueError(f"unknown script {script!r}")


def random_syllables(rng: random.Random, n_min: int, n_max: int, coda_prob: float = 0.3) -> Syllables:
    """Draw ``n_min..n_max`` CV syllables and, with probability ``coda_prob``, a final ``n``."""
    sylls = [rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(n_min, n_max))]
    if rng.random() < coda_prob:
        sylls.append("n")
    return tuple(sylls)


SCRIPT_OF = {"en": "latin", "de": "latin", "fr": "latin", "es": "latin", "ru": "ru", "zh": "zh", "ja": "ja", "th": "th"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def person_name(given: Syllables, family: Syllables, lang: str) -> str:
    script = SCRIPT_OF[lang]
    g, f = transliterate(given, script), transliterate(family, script)
    if script in ("latin", "ru"):
        return f"{_cap(g)} {_cap(f)}"
    return f"{g}·{f}" if script == "zh" else f"{g}・{f}" if script == "ja" else f"{g} {f}"


def place_name(root: Syllables, lang: str) -> str:
    """A city (or company) name: shared Latin spelling with light German/French variants; transliterated elsewhere."""
    script = SCRIPT_OF[lang]
    name = transliterate(root, script)
    if script == "latin":
        name = _cap(name)
        if lang == "de" and name.startswith("V"):
            name = "W" + name[1:]
        if lang == "fr" and name[-1] not in VOWELS:
            name += "e"
    elif script == "ru":
        name = _cap(name)
    return name


_COUNTRY_FORMS = {"en": "{}ia", "de": "{}ien", "fr": "{}ie", "es": "{}ia", "ru": "{}ия", "zh": "{}尼亚", "ja": "{}ニア",
                  "th": "{}เนีย"}
_LANGUAGE_FORMS = {"en": "{}ish", "de": "{}isch", "fr": "{}ien", "es": "{}és", "ru": "{}ский", "zh": "{}语", "ja": "{}語",
                   "th": "ภาษา{}"}


def country_name(root: Syllables, lang: str) -> str:
    name = _COUNTRY_FORMS[lang].format(transliterate(root, SCRIPT_OF[lang]))
    return _cap(name) if SCRIPT_OF[lang] in ("latin", "ru") else name


def language_name(root: Syllables, lang: str) -> str:
    name = _LANGUAGE_FORMS[lang].format(transliterate(root, SCRIPT_OF[lang]))
    # English and German capitalise language names; French, Spanish and Russian do not.
    return _cap(name) if lang in ("en", "de") else name


def distinct_roots(rng: random.Random, count: int, n_min: int, n_max: int, taken: set[Syllables],
                   coda_prob: float = 0.3) -> list[Syllables]:
    """Draw ``count`` syllable roots not in ``taken`` (which is updated)."""
    out: list[Syllables] = []
    while len(out) < count:
        root = random_syllables(rng, n_min, n_max, coda_prob)
        if root not in taken:
            taken.add(root)
            out.append(root)
    return out


def check_unique(forms: Sequence[str], what: str) -> None:
    seen: dict[str, int] = {}
    for i, form in enumerate(forms):
        if form in seen:
            raise AssertionError(f"{what}: surface form {form!r} used twice (entities {seen[form]} and {i})")
        seen[form] = i
