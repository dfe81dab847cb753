"""Language codes through langcodes: every valid code accepted, invalid ones named, script rules from the script."""

from __future__ import annotations

import pytest

from mke_lightning.data.languages import (
    LANGUAGE_ALIASES,
    UnknownLanguageError,
    in_spaceless_script,
    is_spaceless,
    language_name,
    normalize_lang,
    script,
    sentence_joiner,
    target_separator,
)

#: The 46 codes of the former hand-made table, with the answers the rules gave for them (pinned: the world data and
#: every figure measured on it depend on these).
OLD_TABLE = ("ar bg bn ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lo lt lv km my ms nl no pl pt ro ru "
             "sk sl sr sv sw ta th tr uk ur vi zh").split()
OLD_SPACELESS = {"zh", "ja", "th", "lo", "km", "my"}
OLD_FULL_STOP = {"zh", "ja"}

#: BMIKE-53 languages the former table refused.
BMIKE_EXTRA = "af az be ceb cy eu ga gl hy ka la sq".split()


def test_old_table_has_46_codes_and_each_is_its_own_normal_form():
    assert len(set(OLD_TABLE)) == 46
    assert [normalize_lang(c) for c in OLD_TABLE] == OLD_TABLE


@pytest.mark.parametrize("code", OLD_TABLE)
def test_old_table_rules_pinned(code):
    assert is_spaceless(code) is (code in OLD_SPACELESS)
    assert target_separator(code) == ("" if code in OLD_SPACELESS else " ")
    assert sentence_joiner(code) == ("" if code in OLD_FULL_STOP else " ")


@pytest.mark.parametrize("code", BMIKE_EXTRA)
def test_bmike_languages_the_old_table_refused(code):
    assert normalize_lang(code) == code
    assert normalize_lang(code.upper()) == code
    assert target_separator(code) == " " and sentence_joiner(code) == " "


@pytest.mark.parametrize(("code", "expected"), [
    ("eng", "en"), ("deu", "de"), ("ger", "de"), ("fra", "fr"), ("fre", "fr"), ("zho", "zh"), ("chi", "zh"),
    ("afr", "af"), ("aze", "az"), ("bel", "be"), ("wel", "cy"), ("cym", "cy"), ("baq", "eu"), ("eus", "eu"),
    ("gle", "ga"), ("glg", "gl"), ("arm", "hy"), ("hye", "hy"), ("geo", "ka"), ("kat", "ka"), ("lat", "la"),
    ("alb", "sq"), ("sqi", "sq"), ("CEB", "ceb"),
    ("zh-CN", "zh"), ("zh_TW", "zh"), ("zh-Hant-HK", "zh"), ("pt_BR", "pt"), ("EN-us", "en"), (" de ", "de"),
    ("cmn", "zh"), ("arb", "ar"), ("zsm", "ms"),  # individual languages fold into their macrolanguage
    ("iw", "he"), ("in", "id"),  # deprecated ISO 639-1 codes
])
def test_variants_are_standardised(code, expected):
    assert normalize_lang(code) == expected


@pytest.mark.parametrize(("alias", "expected"), sorted(LANGUAGE_ALIASES.items()))
def test_benchmark_aliases(alias, expected):
    assert normalize_lang(alias) == expected
    assert normalize_lang(alias.upper() + "-XX") == expected


@pytest.mark.parametrize("code", ["xx", "klingon", "", "   ", "qq", "zz-ZZ", "und", "mul", "zxx", "qaa", "x-private",
                                  "en-", "123", "kau"])
def test_invalid_codes_are_rejected_naming_the_code(code):
    with pytest.raises(UnknownLanguageError) as info:
        normalize_lang(code)
    assert f"unknown language code {code!r}" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("code", [None, 3, ["en"]])
def test_non_strings_are_rejected(code):
    with pytest.raises(UnknownLanguageError, match="expected a string"):
        normalize_lang(code)  # type: ignore[arg-type]


def test_normalisation_is_idempotent_on_everything_it_returns():
    codes = [*OLD_TABLE, *BMIKE_EXTRA, *LANGUAGE_ALIASES, "eng", "cmn", "zh-CN", "sh", "tl", "yue"]
    for code in codes:
        once = normalize_lang(code)
        assert normalize_lang(once) == once


@pytest.mark.parametrize(("code", "spaceless", "joiner"), [
    ("yue", True, ""),  # Cantonese: Han (Hant)
    ("zh-Hant", True, ""),
    ("jp", True, ""),  # alias of ja
    ("bo", True, " "), ("dz", True, " "),  # Tibetan script: no space between words, space after the shad
    ("jv", False, " "),  # Javanese: CLDR's likely script is Latin
    ("ko", False, " "), ("hy", False, " "), ("ka", False, " "), ("he", False, " "), ("ceb", False, " "),
])
def test_rules_follow_the_script(code, spaceless, joiner):
    assert is_spaceless(code) is spaceless
    assert target_separator(code) == ("" if spaceless else " ")
    assert sentence_joiner(code) == joiner


def test_script_is_cldr_likely_script():
    assert [script(c) for c in ("zh", "ja", "th", "ko", "ru", "hy", "ka", "en")] == \
        ["Hans", "Jpan", "Thai", "Kore", "Cyrl", "Armn", "Geor", "Latn"]


@pytest.mark.parametrize(("char", "expected"), [
    ("中", True), ("〇", True), ("𠀋", True), ("ひ", True), ("カ", True), ("ｶ", True), ("ก", True), ("ຄ", True),
    ("ក", True), ("က", True), ("ཀ", True),
    ("a", False), ("1", False), ("한", False), ("я", False), ("。", False), (" ", False),
])
def test_characters_of_spaceless_scripts(char, expected):
    assert in_spaceless_script(char) is expected


def test_language_name_is_english_or_the_code(capsys):
    name = language_name("deu")
    assert name in ("German", "de")
    assert language_name("ceb") in ("Cebuano", "ceb")
    assert capsys.readouterr().out == ""  # langcodes prints an install hint when language_data is absent
    with pytest.raises(UnknownLanguageError):
        language_name("xx")
