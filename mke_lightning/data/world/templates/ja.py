"""World v2 text in Japanese: extra relation templates, the entity-alignment frame, language names.

Every frame ends on the topic particle "は" (or "のは") so the bare object and the generator's "。" close a
copula-less statement ("…の本業は医師。"); the subject is followed only by particles or 市/社, which fit any script.
LANGUAGE_NAMES end in 語 and go into the compound "…語表記".
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["ja"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of characters that the relation's
#: other templates teach (a new recombination of them, so a model trained on the corpus can read it).
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s}の生誕地は",
        "記録によると、{s}が誕生した町は",
        "資料では、{s}の出生地は",
        "{s}が生まれた町は",
    ],
    "citizenship": [
        "{s}のパスポートを発行した国は",
        "公式の記録では、{s}の所属する国家は",
        "国籍で言えば、{s}の所属国は",
        "{s}が所属する国は",
    ],
    "occupation": [
        "{s}の本業は",
        "調べによると、{s}の職種は",
        "プロフィールによれば、{s}の肩書は",
        "{s}が就いている仕事は",
    ],
    "employer": [
        "{s}の所属企業は",
        "現在、{s}が働いている会社は",
        "社員名簿によると、{s}の会社は",
        "{s}が勤務している会社は",
    ],
    "educated_at": [
        "{s}が学位を取得した大学は",
        "学生時代に{s}が通っていた大学は",
        "経歴によれば、{s}の最終学歴は",
        "{s}が通った大学は",
    ],
    "instrument": [
        "{s}が愛用している楽器は",
        "バンドの中で{s}が受け持つ楽器は",
        "音楽家として{s}が専門とする楽器は",
        "{s}が担当する楽器は",
    ],
    "sport": [
        "{s}が夢中になっている競技は",
        "休日に{s}が楽しむスポーツは",
        "選手として{s}が取り組む競技は",
        "{s}が得意な競技は",
    ],
    "native_language": [
        "{s}が家庭で使う言葉は",
        "ネイティブとして{s}が話す言語は",
        "幼い頃、{s}が最初に覚えた言語は",
        "{s}が家庭で話す言語は",
    ],
    "city_country": [
        "{s}を擁する国は",
        "地図で見ると、{s}市があるのは",
        "都市{s}を領土に含む国は",
        "{s}市を領土に含む国は",
    ],
    "headquarters": [
        "{s}の本拠地は",
        "企業情報によると、{s}の本部は",
        "登記上、{s}社の本店があるのは",
        "{s}の本店がある都市は",
    ],
    "capital": [
        "{s}の政治の中心地は",
        "国としての{s}の中心都市は",
        "議会や官庁など、{s}の中枢機関が集まる都市は",
        "{s}の政治の中心都市は",
    ],
    "official_language": [
        "{s}が法律で定めた言語は",
        "行政や教育の場で{s}が用いる言語は",
        "公用語として{s}で認められているのは",
        "{s}が公用語と定めた言語は",
    ],
    "university_city": [
        "{s}の校舎が建つ町は",
        "大学案内によると、{s}があるのは",
        "受験生が{s}を受けに訪れる都市は",
        "{s}の校舎がある都市は",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "{a}の{language}表記は{b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "英語",
    "de": "ドイツ語",
    "fr": "フランス語",
    "es": "スペイン語",
    "ru": "ロシア語",
    "zh": "中国語",
    "ja": "日本語",
    "th": "タイ語",
}
