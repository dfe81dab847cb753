"""Measure the project's token F1 against MLQA's official evaluation script, answer pair by answer pair.

Usage::

    python scripts/f1_vs_mlqa.py --mlqa_script PATH/mlqa_evaluation_v1.py [--data checkpoints/world-data/test.jsonl]

The official script is loaded from ``--mlqa_script`` at run time (it is not shipped with the project). Pairs, all
deterministic: hand-written tricky ones per MLQA language (hyphens, symbols, articles, digits, mixed scripts), and
pairs derived from the world data's answers (targets, neighbourhood answers, prompts) and perturbations of them.
Printed: per language the number of pairs, how many give the same F1 and the largest |difference|; then, for ja and
th (not in MLQA), the project's value on tricky pairs next to the hand-computed one. Exit status 1 when any MLQA
pair differs or a ja/th value is not the expected one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import warnings
from collections import defaultdict
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's package, installed or not
from mke_lightning.metrics.text import MLQA_LANGUAGES, token_f1  # noqa: E402

Pair = tuple[str, str]

#: Hand-written tricky pairs (prediction, reference) per MLQA language.
TRICKY: dict[str, list[Pair]] = {
    "en": [("Jean-Paul Sartre", "Sartre"), ("$100", "100"), ("C++", "C"), ("<html>", "html"), ("~50%", "50"),
           ("x=y", "x y"), ("a|b", "ab"), ("2^10", "210"), ("`code`", "code"), ("€100", "100"), ("a dog", "the dog"),
           ("an apple", "apple"), ("theatre", "the atre"), ("The Eiffel Tower!", "eiffel tower"), ("...", "!"),
           ("the", "the"), ("", "Paris"), ("Jean–Paul", "jeanpaul"), ("cafe\u0301", "caf\u00e9"), ("U.S.A.", "USA"),
           ("rock 'n' roll", "rock and roll"), ("北京 Beijing", "Beijing"), ("İstanbul", "istanbul"),
           ("New York City", "new york"), ("a a a", "a"), ("1,000,000", "1000000"), ("e-mail", "email")],
    "de": [("der Hund", "Hund"), ("dieser Hund", "Hund"), ("Die Welt", "welt"), ("eines Tages", "Tages"),
           ("Baden-Württemberg", "Württemberg"), ("„Faust“", "Faust"), ("100 €", "100"), ("das Haus des Vaters", "Haus"),
           ("Straße", "STRASSE"), ("ein", "eine"), ("dem", "den")],
    "es": [("la casa", "casa"), ("unos libros", "los libros"), ("¿Dónde?", "dónde"), ("«Madrid»", "Madrid"),
           ("el niño", "El Niño"), ("Castilla-La Mancha", "La Mancha"), ("las 3", "3"), ("una", "un")],
    "vi": [("những con mèo", "con mèo"), ("là Hà Nội", "Hà Nội"), ("cái bàn", "bàn"), ("chiếc xe", "xe"),
           ("của tôi", "tôi"), ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("năm 1975", "1975"),
           ("Ha\u0300 Nô\u0323i", "Hà Nội")],
    "ar": [("الكتاب", "كتاب"), ("جمال", "جم"), ("الولد الكبير", "ولد كبير"), ("مصر.", "مصر"), ("«القاهرة»", "القاهرة"),
           ("عام 1952", "1952"), ("محمد صلى الله عليه وسلم", "محمد"), ("؟", "")],
    "hi": [("भारत।", "भारत"), ("नई दिल्ली", "दिल्ली"), ("the book", "book"), ("१९४७", "1947"), ("राम-श्याम", "राम")],
    "zh": [("Windows 10", "Windows"), ("北京 2008 年", "2008年"), ("iPhone手机", "iphone"), ("巴黎市", "巴黎"),
           ("北京", "巴黎"), ("《红楼梦》", "红楼梦"), ("龦龧", "龦"), ("〇一二", "一二"), ("１００元", "100元"),
           ("COVID-19疫情", "covid19"), ("the 中国", "中国"), ("$5美元", "5美元"), ("上海，中国。", "上海")],
}

#: ja and th: (prediction, reference, hand-computed F1) under the project's rule for spaceless languages.
NOT_IN_MLQA: dict[str, list[tuple[str, str, float]]] = {
    "ja": [("Windows 10を", "Windows", 0.5), ("東京タワー", "東京", 4 / 7), ("東京都", "京都", 0.8),
           ("「東京」", "東京", 1.0), ("iPhone 15", "iphone", 2 / 3)],
    "th": [("iPhone 15 รุ่นใหม่", "iPhone 15", 1 / 3), ("รถBMW", "BMW", 0.5), ("กรุงเทพ", "กรุงเทพฯ", 14 / 15),
           ("ปี 2020", "2020", 0.5), ("ไทย", "ไทย", 1.0)],
}

_ARTICLE = {"en": "the ", "de": "der ", "es": "el ", "vi": "những ", "ar": "ال", "hi": "", "zh": ""}
_MIXED = {"zh": ("Windows 10", "iPhone"), "ja": ("Windows", "10")}


def load_mlqa(path: str) -> ModuleType:
    """The official script as a module (its non-raw regex string warns on import: silenced)."""
    spec = importlib.util.spec_from_file_location("mlqa_evaluation", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec.loader.exec_module(module)
    return module


def perturbations(answer: str, other: str, lang: str) -> list[Pair]:
    """Deterministic variants of ``answer`` paired with it (and with ``other``, a different answer)."""
    first = answer.split()[0] if answer.split() else answer
    pairs = [(answer, answer), (answer, other), (f"{answer}-{other}", answer), (f"{first}-{answer}", first),
             (f"${answer}", answer), (f"{answer}+", answer), (f"<{answer}>", answer), (f"~{answer}|", answer),
             (f"{answer}!", answer), (f"«{answer}»", answer), (_ARTICLE[lang] + answer, answer),
             (f"{answer} 2024", answer), (f"{answer}2", answer), (f"{answer} {answer}", answer)]
    latin, digits = _MIXED.get(lang, ("北京", "東京"))
    pairs += [(f"{answer} {latin}", answer), (f"{digits}{answer}", f"{digits} {answer}")]
    return pairs


def world_pairs(path: Path, langs: set[str]) -> dict[str, list[Pair]]:
    """Pairs from the world data's views in ``langs``: targets, neighbourhood answers, prompts, perturbed."""
    out: dict[str, list[Pair]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for record in records[:12]:
        for lang, view in record["views"].items():
            if lang not in langs:
                continue
            new, true = view["target_new"], view.get("target_true") or view["target_new"]
            out[lang] += perturbations(new, true, lang)
            out[lang].append((f"{view['prompt']} {new}", view["prompt"]))
            for qa in view.get("neighborhood", [])[:2]:
                out[lang].append((qa["answer"], new))
                out[lang].append((f"{qa['prompt']} {qa['answer']}", qa["answer"]))
    return out


def base_pairs(langs: set[str]) -> dict[str, list[Pair]]:
    """Perturbations of hand-written answers for the MLQA languages the world data lacks."""
    answers = {"vi": ["Hà Nội", "Việt Nam", "sông Hồng"], "ar": ["القاهرة", "مصر", "نهر النيل"],
               "hi": ["दिल्ली", "भारत", "गंगा नदी"]}
    out: dict[str, list[Pair]] = defaultdict(list)
    for lang, words in answers.items():
        if lang in langs:
            for i, word in enumerate(words):
                out[lang] += perturbations(word, words[(i + 1) % len(words)], lang)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlqa_script", required=True, help="path of MLQA's mlqa_evaluation_v1.py")
    parser.add_argument("--data", default="checkpoints/world-data/test.jsonl", help="world data (unified schema)")
    args = parser.parse_args(argv)
    mlqa = load_mlqa(args.mlqa_script)

    pairs: dict[str, list[Pair]] = defaultdict(list)
    for lang, items in TRICKY.items():
        pairs[lang] += items
    for extra in (world_pairs(Path(args.data), set(MLQA_LANGUAGES)), base_pairs(set(MLQA_LANGUAGES))):
        for lang, items in extra.items():
            pairs[lang] += items

    failed = False
    print(f"{'lang':<5} {'pairs':>6} {'equal':>6} {'max |diff|':>11}")
    total = equal_total = 0
    for lang in sorted(pairs):
        diffs = [abs(token_f1(p, r, lang) - mlqa.f1_score(p, r, lang)) for p, r in pairs[lang]]
        equal = sum(d == 0 for d in diffs)
        total, equal_total = total + len(diffs), equal_total + equal
        failed |= equal != len(diffs)
        print(f"{lang:<5} {len(diffs):>6} {equal:>6} {max(diffs):>11.3g}")
    print(f"{'all':<5} {total:>6} {equal_total:>6}")

    print("\nnot in MLQA (project rule): prediction | reference | project | expected")
    for lang, items in NOT_IN_MLQA.items():
        for prediction, reference, expected in items:
            value = token_f1(prediction, reference, lang)
            ok = abs(value - expected) < 1e-12
            failed |= not ok
            print(f"{lang}  {prediction!r} | {reference!r} | {value:.4f} | {expected:.4f}{'' if ok else '  MISMATCH'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
