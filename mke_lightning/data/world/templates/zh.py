"""World v2 text in Chinese: extra relation templates, the entity-alignment frame, language names.

Frames end on a verb, preposition or "是/为" so that the bare object follows with no space; the subject is never
followed by a classifier or suffix that would clash with a Latin name. LANGUAGE_NAMES use the written-language
forms (英文, 中文 ...) that go with 名称.
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["zh"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of characters that the relation's
#: other templates teach (a new recombination of them).
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s}来自",
        "据资料记载，{s}降生于",
        "说到出生地，{s}生于",
        "{s}的出生城市是",
    ],
    "citizenship": [
        "{s}的公民身份属于",
        "根据护照信息，{s}的国籍为",
        "从国籍上看，{s}属于",
        "{s}国籍所属的国家是",
    ],
    "occupation": [
        "{s}平日里的身份是一名",
        "说到工作，{s}是一位",
        "据介绍，{s}的职业为",
        "{s}的职业身份是一名",
    ],
    "employer": [
        "{s}上班的地方是",
        "目前，{s}受雇于",
        "聘用{s}的公司是",
        "{s}就职的公司是",
    ],
    "educated_at": [
        "{s}当年考入了",
        "上大学时，{s}就读的学校是",
        "向{s}颁发学位的学校是",
        "{s}毕业的学校是",
    ],
    "instrument": [
        "{s}从小学习的乐器是",
        "在乐队里，{s}负责的乐器是",
        "作为一名乐手，{s}主攻",
        "{s}擅长的乐器是",
    ],
    "sport": [
        "{s}的体育爱好是",
        "业余时间，{s}常玩的运动是",
        "在体育方面，{s}专攻",
        "{s}的运动爱好是",
    ],
    "native_language": [
        "{s}的本族语是",
        "从出生起，{s}就讲",
        "作为母语者，{s}说的是",
        "{s}从小说的语言是",
    ],
    "city_country": [
        "{s}是一座城市，位于",
        "城市{s}隶属于",
        "拥有{s}这座城市的国家是",
        "{s}这座城市隶属于",
    ],
    "headquarters": [
        "{s}的总办事处在",
        "设立{s}总部的城市是",
        "据公司介绍，{s}的总部落户于",
        "{s}的总部所在城市是",
    ],
    "capital": [
        "{s}的政治中心是",
        "作为{s}首都的城市是",
        "在{s}，首都是",
        "{s}政府所在的城市是",
    ],
    "official_language": [
        "{s}的法定语言是",
        "在{s}的政府和学校中使用的语言是",
        "被{s}定为官方语言的是",
        "{s}使用的官方语言是",
    ],
    "university_city": [
        "设有{s}的城市是",
        "在{s}读书的学生生活在",
        "{s}的校址在",
        "{s}的校园坐落于",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "{a}的{language}名称是{b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "英文",
    "de": "德文",
    "fr": "法文",
    "es": "西班牙文",
    "ru": "俄文",
    "zh": "中文",
    "ja": "日文",
    "th": "泰文",
}
