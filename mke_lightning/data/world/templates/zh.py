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

#: relation -> further templates the corpus may state facts with (``WorldConfig.more_templates``), seen in
#: pretraining only; evaluation cases keep the seven templates above.
MORE_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s}的故乡是",
        "{s}诞生在",
        "{s}的出生地：",
        "根据档案，{s}的出生地为",
        "据家人回忆，{s}出生在",
        "众所周知，{s}降生的地方是",
    ],
    "citizenship": [
        "{s}的国籍：",
        "{s}的护照签发国是",
        "{s}入籍的国家是",
        "按照法律，{s}的国籍属于",
        "在国籍一栏中，{s}填写的是",
        "据官方登记，{s}的国籍是",
    ],
    "occupation": [
        "{s}的职业：",
        "{s}从事的职业是",
        "{s}的本职工作是",
        "据同事介绍，{s}是一名",
        "论职业，{s}是一位",
        "多年来，{s}一直是一名",
    ],
    "employer": [
        "{s}的工作单位是",
        "{s}效力于",
        "{s}的雇主：",
        "据人事记录，{s}任职于",
        "大学毕业后，{s}进入了",
        "给{s}发工资的是",
    ],
    "educated_at": [
        "{s}求学于",
        "{s}的母校：",
        "{s}年轻时就读于",
        "据校友名录，{s}毕业于",
        "培养了{s}的大学是",
        "读大学时，{s}进入了",
    ],
    "instrument": [
        "{s}会演奏",
        "{s}的乐器：",
        "{s}每天都要练习",
        "音乐会上，{s}演奏了",
        "说起乐器，{s}最爱",
        "多年来，{s}一直在学",
    ],
    "sport": [
        "{s}钟爱的体育项目是",
        "{s}的运动项目：",
        "{s}每周都会练习",
        "说起体育，{s}最喜欢",
        "比赛中，{s}参加的项目是",
        "课余时间，{s}热衷于",
    ],
    "native_language": [
        "{s}的母语：",
        "{s}自幼讲",
        "{s}最先学会的语言是",
        "在家中，{s}跟父母讲",
        "孩提时代，{s}就会说",
        "据了解，{s}的母语为",
    ],
    "city_country": [
        "{s}坐落在",
        "{s}所属国家：",
        "{s}的所属国是",
        "在地图上，{s}位于",
        "作为一座城市，{s}地处",
        "来到{s}，也就来到了",
    ],
    "headquarters": [
        "{s}总部：",
        "{s}把总部设在了",
        "{s}的总公司位于",
        "据官网介绍，{s}的总部在",
        "作为一家企业，{s}的大本营在",
        "{s}的总部坐落于",
    ],
    "capital": [
        "{s}的首都：",
        "{s}把首都定在",
        "{s}的中央政府设在",
        "说到{s}的首都，那就是",
        "据地理课本，{s}的首都为",
        "要去{s}的首都，就得前往",
    ],
    "official_language": [
        "{s}的官方语言：",
        "{s}的国语是",
        "{s}的政府公文一律使用",
        "按照法律，{s}的官方语言为",
        "在{s}的法庭上，人们讲",
        "在{s}的议会里，议员们说",
    ],
    "university_city": [
        "{s}的所在地：",
        "{s}地处",
        "{s}的主校区在",
        "{s}建在",
        "想去{s}上学，就要搬到",
        "据学校官网，{s}位于",
    ],
}
