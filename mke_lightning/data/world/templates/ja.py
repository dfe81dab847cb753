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

#: relation -> further templates the corpus may state facts with (``WorldConfig.more_templates``), seen in
#: pretraining only; evaluation cases keep the seven templates above.
MORE_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s}が誕生した都市は",
        "{s}の故郷として知られる都市は",
        "経歴を見ると、{s}の出身都市は",
        "出身地：{s}が生まれたのは",
        "伝記によれば、{s}が生を受けた都市は",
        "{s}の出生地として記録されている都市は",
    ],
    "citizenship": [
        "{s}の国籍として登録されている国は",
        "{s}の母国は",
        "旅券によれば、{s}の国籍は",
        "【国籍】{s}が国民である国は",
        "法的に見ると、{s}が国民として登録されている国は",
        "{s}が持つパスポートの発行国は",
    ],
    "occupation": [
        "{s}の職業として知られているのは",
        "{s}が生計を立てている職業は",
        "名刺によると、{s}の職業は",
        "職業：{s}の現在の肩書は",
        "周囲の話では、{s}の本職は",
        "{s}が専門とする職業は",
    ],
    "employer": [
        "{s}が社員として籍を置く企業は",
        "{s}の雇用主である企業は",
        "人事記録によれば、{s}の勤め先は",
        "勤務先：{s}を雇っている会社は",
        "毎朝{s}が出社する会社は",
        "{s}に給与を支払っている企業は",
    ],
    "educated_at": [
        "{s}の学び舎となった大学は",
        "{s}が学位を得るまで在籍した大学は",
        "学歴：{s}の出身校は",
        "大学時代、{s}が在学していたのは",
        "卒業証書によれば、{s}が学位を得た大学は",
        "{s}にとっての出身校は",
    ],
    "instrument": [
        "{s}の演奏で知られる楽器は",
        "{s}の得意とする楽器は",
        "演奏会で{s}が手にする楽器は",
        "担当楽器：{s}が演奏するのは",
        "幼い頃から{s}が練習してきた楽器は",
        "{s}が専門に演奏する楽器は",
    ],
    "sport": [
        "{s}が打ち込んでいるスポーツは",
        "{s}がプロとしてプレーしている競技は",
        "週末に{s}がプレーする競技は",
        "種目：{s}が取り組んでいるのは",
        "学生時代から{s}が続けているスポーツは",
        "{s}が選手として活躍する競技は",
    ],
    "native_language": [
        "{s}が母語として話しているのは",
        "{s}の母国語は",
        "家族と話すとき、{s}が使う言語は",
        "母語：{s}が最初に身につけた言語は",
        "子供の頃から{s}が慣れ親しんでいる言語は",
        "{s}にとっての第一言語は",
    ],
    "city_country": [
        "{s}市が位置する国は",
        "{s}という町がある国は",
        "地理的に見ると、{s}市を含む国は",
        "所在国：{s}市が存在するのは",
        "旅行ガイドによれば、{s}市が所在する国は",
        "{s}を国内に持つ国は",
    ],
    "headquarters": [
        "{s}が本社を構える都市は",
        "{s}の本社ビルが建つ都市は",
        "会社概要によれば、{s}の本社所在地は",
        "本社：{s}社が拠点を置くのは",
        "経済紙によると、{s}社の本社は",
        "{s}の経営本部が所在する都市は",
    ],
    "capital": [
        "{s}の首都となっている都市は",
        "{s}の首府は",
        "地図帳によれば、{s}の首都は",
        "首都：{s}の政府がある都市は",
        "大統領官邸など、{s}の政府機関が集中する都市は",
        "{s}が首都と定めている都市は",
    ],
    "official_language": [
        "{s}の公式言語は",
        "{s}で公用語とされている言語は",
        "法律上、{s}の公用語は",
        "公用語：{s}で行政に使われるのは",
        "役所や学校で{s}の人々が使う言語は",
        "{s}が国の言語として認めているのは",
    ],
    "university_city": [
        "{s}が所在する都市は",
        "{s}が門を構える都市は",
        "大学の資料によれば、{s}の本部がある都市は",
        "所在地：{s}が置かれているのは",
        "多くの学生が{s}に通うために暮らす都市は",
        "{s}のキャンパスが位置する町は",
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
