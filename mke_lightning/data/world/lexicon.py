"""Hand-written multilingual text of the synthetic knowledge world.

This module is plain data. It holds, for each of the eight corpus languages:

* a small lexicon of real common nouns used as fact objects (occupations, musical instruments, sports);
* relation templates: prompts containing the subject placeholder ``{s}`` whose natural completion is the object.
  The object is never part of a template: the generator appends it bare at the end (after one space for
  en/de/fr/es/ru, directly for zh/ja/th). Every frame is therefore chosen so that a bare object fits whatever its
  grammatical gender (definitional "... is", "... ist", "... —", or a colon label). Russian frames keep both the
  subject and the object in the nominative ("человек по имени {s}", "город {s}", "... —");
* two-hop question templates (person -> first-hop object -> answer), under the same rules;
* the per-language pattern that turns a transliterated root into a university name.

The first template of each relation is the edit prompt; the others are paraphrases. Some frames rely on how the
generator spells names: proper names start with a consonant (French "de {s}" never needs elision), and
university names begin with the word for "university" (German "an der", Spanish "en la", French "L'{s}",
Russian "окончил" + accusative = nominative).
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "ru", "zh", "ja", "th")

# ----------------------------------------------------------------------------------------------------------------
# Lexicon: real common nouns (bare, no article; masculine/generic form where a language marks gender).
# ----------------------------------------------------------------------------------------------------------------

OCCUPATIONS: dict[str, dict[str, str]] = {
    "doctor": {"en": "doctor", "de": "Arzt", "fr": "médecin", "es": "médico", "ru": "врач",
               "zh": "医生", "ja": "医師", "th": "แพทย์"},
    "engineer": {"en": "engineer", "de": "Ingenieur", "fr": "ingénieur", "es": "ingeniero", "ru": "инженер",
                 "zh": "工程师", "ja": "エンジニア", "th": "วิศวกร"},
    "teacher": {"en": "teacher", "de": "Lehrer", "fr": "enseignant", "es": "profesor", "ru": "учитель",
                "zh": "教师", "ja": "教師", "th": "ครู"},
    "lawyer": {"en": "lawyer", "de": "Anwalt", "fr": "avocat", "es": "abogado", "ru": "юрист",
               "zh": "律师", "ja": "弁護士", "th": "ทนายความ"},
    "architect": {"en": "architect", "de": "Architekt", "fr": "architecte", "es": "arquitecto", "ru": "архитектор",
                  "zh": "建筑师", "ja": "建築家", "th": "สถาปนิก"},
    "farmer": {"en": "farmer", "de": "Landwirt", "fr": "agriculteur", "es": "agricultor", "ru": "фермер",
               "zh": "农民", "ja": "農家", "th": "เกษตรกร"},
    "journalist": {"en": "journalist", "de": "Journalist", "fr": "journaliste", "es": "periodista", "ru": "журналист",
                   "zh": "记者", "ja": "記者", "th": "นักข่าว"},
    "pilot": {"en": "pilot", "de": "Pilot", "fr": "pilote", "es": "piloto", "ru": "пилот",
              "zh": "飞行员", "ja": "パイロット", "th": "นักบิน"},
    "chef": {"en": "chef", "de": "Koch", "fr": "cuisinier", "es": "cocinero", "ru": "повар",
             "zh": "厨师", "ja": "料理人", "th": "เชฟ"},
    "painter": {"en": "painter", "de": "Maler", "fr": "peintre", "es": "pintor", "ru": "художник",
                "zh": "画家", "ja": "画家", "th": "จิตรกร"},
    "photographer": {"en": "photographer", "de": "Fotograf", "fr": "photographe", "es": "fotógrafo", "ru": "фотограф",
                     "zh": "摄影师", "ja": "写真家", "th": "ช่างภาพ"},
    "economist": {"en": "economist", "de": "Ökonom", "fr": "économiste", "es": "economista", "ru": "экономист",
                  "zh": "经济学家", "ja": "経済学者", "th": "นักเศรษฐศาสตร์"},
}

INSTRUMENTS: dict[str, dict[str, str]] = {
    "piano": {"en": "piano", "de": "Klavier", "fr": "piano", "es": "piano", "ru": "фортепиано",
              "zh": "钢琴", "ja": "ピアノ", "th": "เปียโน"},
    "violin": {"en": "violin", "de": "Geige", "fr": "violon", "es": "violín", "ru": "скрипка",
               "zh": "小提琴", "ja": "バイオリン", "th": "ไวโอลิน"},
    "guitar": {"en": "guitar", "de": "Gitarre", "fr": "guitare", "es": "guitarra", "ru": "гитара",
               "zh": "吉他", "ja": "ギター", "th": "กีตาร์"},
    "cello": {"en": "cello", "de": "Cello", "fr": "violoncelle", "es": "violonchelo", "ru": "виолончель",
              "zh": "大提琴", "ja": "チェロ", "th": "เชลโล"},
    "flute": {"en": "flute", "de": "Flöte", "fr": "flûte", "es": "flauta", "ru": "флейта",
              "zh": "长笛", "ja": "フルート", "th": "ฟลูต"},
    "trumpet": {"en": "trumpet", "de": "Trompete", "fr": "trompette", "es": "trompeta", "ru": "труба",
                "zh": "小号", "ja": "トランペット", "th": "ทรัมเป็ต"},
    "drums": {"en": "drums", "de": "Schlagzeug", "fr": "batterie", "es": "batería", "ru": "барабаны",
              "zh": "架子鼓", "ja": "ドラム", "th": "กลอง"},
    "harp": {"en": "harp", "de": "Harfe", "fr": "harpe", "es": "arpa", "ru": "арфа",
             "zh": "竖琴", "ja": "ハープ", "th": "ฮาร์ป"},
    "clarinet": {"en": "clarinet", "de": "Klarinette", "fr": "clarinette", "es": "clarinete", "ru": "кларнет",
                 "zh": "单簧管", "ja": "クラリネット", "th": "คลาริเน็ต"},
    "saxophone": {"en": "saxophone", "de": "Saxophon", "fr": "saxophone", "es": "saxofón", "ru": "саксофон",
                  "zh": "萨克斯管", "ja": "サックス", "th": "แซกโซโฟน"},
}

# All ten are games one "plays" (en/de/th) and all are masculine in Spanish ("juega al ...").
SPORTS: dict[str, dict[str, str]] = {
    "tennis": {"en": "tennis", "de": "Tennis", "fr": "tennis", "es": "tenis", "ru": "теннис",
               "zh": "网球", "ja": "テニス", "th": "เทนนิส"},
    "football": {"en": "football", "de": "Fußball", "fr": "football", "es": "fútbol", "ru": "футбол",
                 "zh": "足球", "ja": "サッカー", "th": "ฟุตบอล"},
    "chess": {"en": "chess", "de": "Schach", "fr": "échecs", "es": "ajedrez", "ru": "шахматы",
              "zh": "国际象棋", "ja": "チェス", "th": "หมากรุก"},
    "basketball": {"en": "basketball", "de": "Basketball", "fr": "basket-ball", "es": "baloncesto", "ru": "баскетбол",
                   "zh": "篮球", "ja": "バスケットボール", "th": "บาสเกตบอล"},
    "volleyball": {"en": "volleyball", "de": "Volleyball", "fr": "volley-ball", "es": "voleibol", "ru": "волейбол",
                   "zh": "排球", "ja": "バレーボール", "th": "วอลเลย์บอล"},
    "golf": {"en": "golf", "de": "Golf", "fr": "golf", "es": "golf", "ru": "гольф",
             "zh": "高尔夫球", "ja": "ゴルフ", "th": "กอล์ฟ"},
    "handball": {"en": "handball", "de": "Handball", "fr": "handball", "es": "balonmano", "ru": "гандбол",
                 "zh": "手球", "ja": "ハンドボール", "th": "แฮนด์บอล"},
    "baseball": {"en": "baseball", "de": "Baseball", "fr": "baseball", "es": "béisbol", "ru": "бейсбол",
                 "zh": "棒球", "ja": "野球", "th": "เบสบอล"},
    "rugby": {"en": "rugby", "de": "Rugby", "fr": "rugby", "es": "rugby", "ru": "регби",
              "zh": "橄榄球", "ja": "ラグビー", "th": "รักบี้"},
    "badminton": {"en": "badminton", "de": "Badminton", "fr": "badminton", "es": "bádminton", "ru": "бадминтон",
                  "zh": "羽毛球", "ja": "バドミントン", "th": "แบดมินตัน"},
}

# ----------------------------------------------------------------------------------------------------------------
# Relation templates: relation -> language -> [edit prompt, paraphrase, ...]. The object is appended at the end.
# ----------------------------------------------------------------------------------------------------------------

TEMPLATES: dict[str, dict[str, list[str]]] = {
    # person -> city
    "birthplace": {
        "en": ["{s} was born in", "{s}'s birthplace is", "The city where {s} was born is",
               "The birthplace of {s} is the city of"],
        "de": ["Der Geburtsort von {s} ist", "Geboren wurde {s} in", "{s} stammt aus der Stadt",
               "Die Geburtsstadt von {s} ist"],
        "fr": ["{s} a vu le jour à", "La ville natale de {s} est", "{s} naît à", "Le lieu de naissance de {s} est"],
        "es": ["{s} nació en", "La ciudad natal de {s} es", "El lugar de nacimiento de {s} es", "{s} vino al mundo en"],
        "ru": ["{s} родом из города", "Человек по имени {s} родился в городе", "Родной город человека по имени {s} —"],
        "zh": ["{s}出生于", "{s}的出生地是", "{s}出生的城市是"],
        "ja": ["{s}の出身地は", "{s}が生まれた都市は", "{s}の生まれ故郷は"],
        "th": ["{s}เกิดที่", "บ้านเกิดของ{s}คือ", "เมืองที่{s}เกิดคือ"],
    },
    # person -> country
    "citizenship": {
        "en": ["{s} is a citizen of", "{s} holds citizenship of", "{s} has the nationality of",
               "The country of citizenship of {s} is"],
        "de": ["{s} besitzt die Staatsangehörigkeit von", "{s} hat die Staatsbürgerschaft von",
               "Das Land, dessen Staatsbürgerschaft {s} besitzt, ist"],
        "fr": ["{s} a la nationalité du pays suivant :", "Pays dont {s} a la nationalité :",
               "Pays de citoyenneté de {s} :"],
        "es": ["{s} tiene la nacionalidad de", "{s} posee la ciudadanía de", "El país de nacionalidad de {s} es"],
        "ru": ["Страна гражданства человека по имени {s} —", "Страна, гражданство которой имеет {s}, —",
               "Государство, чьё гражданство имеет {s}, —"],
        "zh": ["{s}的国籍是", "{s}拥有国籍的国家是", "{s}所属的国家是"],
        "ja": ["{s}の国籍は", "{s}が国籍を持つ国は", "{s}が市民権を持つ国は"],
        "th": ["{s}ถือสัญชาติ", "{s}เป็นพลเมืองของประเทศ", "สัญชาติของ{s}คือ"],
    },
    # person -> occupation
    "occupation": {
        "en": ["{s}'s occupation is", "The profession of {s} is", "{s}'s job title is"],
        "de": ["{s} ist von Beruf", "Der Beruf von {s} ist", "{s} arbeitet als"],
        "fr": ["{s} travaille comme", "{s} est de profession", "La profession de {s} est"],
        "es": ["{s} trabaja como", "{s} es de profesión", "La profesión de {s} es"],
        "ru": ["{s} по профессии", "Профессия человека по имени {s} —", "Человек по имени {s} по роду занятий"],
        "zh": ["{s}的职业是", "{s}的工作是", "{s}是一名"],
        "ja": ["{s}の職業は", "{s}の仕事は", "{s}が就いている職業は"],
        "th": ["{s}ประกอบอาชีพ", "อาชีพของ{s}คือ", "{s}ทำงานเป็น"],
    },
    # person -> company
    "employer": {
        "en": ["{s} works for", "{s} is employed by", "The employer of {s} is", "{s} works at the company"],
        "de": ["{s} arbeitet bei", "Der Arbeitgeber von {s} ist", "{s} ist angestellt bei",
               "{s} ist beschäftigt bei der Firma"],
        "fr": ["{s} travaille pour", "L'employeur de {s} est", "{s} travaille chez", "L'entreprise qui emploie {s} est"],
        "es": ["{s} trabaja para", "{s} trabaja en la empresa", "La empresa que emplea a {s} es"],
        "ru": ["{s} работает в компании", "Работодатель человека по имени {s} — компания",
               "{s} является сотрудником компании"],
        "zh": ["{s}就职于", "{s}的雇主是", "{s}供职于"],
        "ja": ["{s}の勤務先は", "{s}が勤めている会社は", "{s}を雇用している企業は"],
        "th": ["{s}ทำงานที่บริษัท", "{s}เป็นพนักงานของบริษัท", "นายจ้างของ{s}คือบริษัท"],
    },
    # person -> university
    "educated_at": {
        "en": ["{s} graduated from", "{s} studied at", "{s} holds a degree from", "The alma mater of {s} is"],
        "de": ["{s} studierte an der", "Die Alma Mater von {s} ist die", "{s} hat einen Studienabschluss der"],
        "fr": ["{s} a étudié dans l'établissement suivant :", "Établissement où {s} a fait ses études :",
               "Alma mater de {s} :"],
        "es": ["{s} estudió en la", "{s} se graduó en la", "{s} obtuvo su título en la"],
        "ru": ["Человек по имени {s} окончил", "Альма-матер человека по имени {s} —",
               "Место учёбы человека по имени {s} —"],
        "zh": ["{s}毕业于", "{s}的母校是", "{s}曾就读于"],
        "ja": ["{s}の出身大学は", "{s}が卒業した大学は", "{s}の母校は"],
        "th": ["{s}สำเร็จการศึกษาจาก", "{s}เรียนจบจาก", "สถาบันที่{s}เคยศึกษาคือ"],
    },
    # person -> instrument
    "instrument": {
        "en": ["{s} plays the", "The instrument {s} plays is the", "{s} is a musician who plays the"],
        "de": ["{s} spielt das Instrument", "Als Instrument spielt {s}", "{s} beherrscht das Instrument"],
        "fr": ["Instrument dont joue {s} :", "{s} joue de l'instrument suivant :",
               "Instrument de musique pratiqué par {s} :"],
        "es": ["{s} toca el siguiente instrumento:", "Instrumento que toca {s}:", "Instrumento musical tocado por {s}:"],
        "ru": ["Инструмент, на котором играет {s}, —", "Музыкальный инструмент человека по имени {s} —",
               "{s} играет на таком инструменте, как"],
        "zh": ["{s}演奏的乐器是", "{s}擅长演奏", "{s}的乐器是"],
        "ja": ["{s}が演奏する楽器は", "{s}の担当楽器は", "{s}が得意な楽器は"],
        "th": ["เครื่องดนตรีที่{s}เล่นคือ", "{s}เป็นนักดนตรีที่เล่น", "เครื่องดนตรีที่{s}ถนัดคือ"],
    },
    # person -> sport
    "sport": {
        "en": ["{s} competes in", "The sport {s} plays is", "{s}'s favorite sport is"],
        "de": ["Als Sport betreibt {s}", "Die Sportart von {s} ist", "Der Lieblingssport von {s} ist"],
        "fr": ["Sport pratiqué par {s} :", "{s} pratique le sport suivant :", "Discipline sportive de {s} :"],
        "es": ["{s} juega al", "Deporte que practica {s}:", "{s} practica el siguiente deporte:"],
        "ru": ["Вид спорта, которым занимается {s}, —", "{s} занимается таким видом спорта, как",
               "Любимый вид спорта человека по имени {s} —"],
        "zh": ["{s}从事的运动是", "{s}擅长的运动是", "{s}参加的体育项目是"],
        "ja": ["{s}がしているスポーツは", "{s}が得意なスポーツは", "{s}の競技種目は"],
        "th": ["{s}เล่นกีฬา", "กีฬาที่{s}เล่นคือ", "กีฬาที่{s}ถนัดคือ"],
    },
    # person -> language
    "native_language": {
        "en": ["{s}'s native language is", "The mother tongue of {s} is", "{s} grew up speaking",
               "The first language of {s} is"],
        "de": ["Die Muttersprache von {s} ist", "{s} spricht als Muttersprache", "Die Erstsprache von {s} ist"],
        "fr": ["{s} a grandi en parlant", "Langue maternelle de {s} :", "Depuis l'enfance, {s} parle"],
        "es": ["La lengua materna de {s} es el", "{s} creció hablando", "Lengua materna de {s}:"],
        "ru": ["Родной язык человека по имени {s} —", "Язык, который {s} считает родным, —",
               "Первый язык человека по имени {s} —"],
        "zh": ["{s}的母语是", "{s}从小讲的语言是", "{s}的第一语言是"],
        "ja": ["{s}の母語は", "{s}の第一言語は", "{s}が子供の頃から話している言語は"],
        "th": ["ภาษาแม่ของ{s}คือ", "ภาษาแรกของ{s}คือ", "ภาษาที่{s}พูดมาตั้งแต่เด็กคือ"],
    },
    # city -> country
    "city_country": {
        "en": ["{s} is a city in", "The city of {s} is located in", "{s} is a city located in the country of"],
        "de": ["{s} ist eine Stadt in", "Die Stadt {s} liegt in", "Das Land, in dem {s} liegt, ist"],
        "fr": ["{s} est une ville du pays suivant :", "Pays où se trouve la ville de {s} :",
               "La ville de {s} se situe dans le pays suivant :"],
        "es": ["{s} es una ciudad de", "La ciudad de {s} está en", "{s} es una ciudad situada en"],
        "ru": ["Страна, в которой находится город {s}, —", "Государство, где расположен город {s}, —",
               "Страна, которой принадлежит город {s}, —"],
        "zh": ["{s}这座城市位于", "{s}市所属的国家是", "{s}所在的国家是"],
        "ja": ["{s}という都市がある国は", "{s}市の所在国は", "{s}市が属する国は"],
        "th": ["{s}เป็นเมืองในประเทศ", "เมือง{s}ตั้งอยู่ในประเทศ", "ประเทศที่เมือง{s}ตั้งอยู่คือ"],
    },
    # company -> city
    "headquarters": {
        "en": ["{s} is headquartered in", "The headquarters of {s} are located in", "{s} has its head office in",
               "The company {s} is based in"],
        "de": ["{s} hat seinen Hauptsitz in", "Der Hauptsitz von {s} befindet sich in",
               "Die Firmenzentrale von {s} liegt in", "Das Unternehmen {s} sitzt in"],
        "fr": ["{s} a son siège à", "Le siège de l'entreprise {s} se trouve à", "L'entreprise {s} est basée à",
               "Le siège social de {s} est situé à"],
        "es": ["{s} tiene su sede en", "La sede de {s} está en", "La empresa {s} tiene sus oficinas centrales en"],
        "ru": ["Штаб-квартира компании {s} находится в городе", "Компания {s} базируется в городе",
               "Главный офис компании {s} расположен в городе"],
        "zh": ["{s}的总部位于", "{s}公司的总部设在", "{s}总部所在的城市是"],
        "ja": ["{s}の本社所在地は", "{s}の本社がある都市は", "{s}社が本社を置く都市は"],
        "th": ["{s}มีสำนักงานใหญ่อยู่ที่", "สำนักงานใหญ่ของบริษัท{s}ตั้งอยู่ที่", "บริษัท{s}มีสำนักงานใหญ่ในเมือง"],
    },
    # country -> city
    "capital": {
        "en": ["The capital of {s} is", "{s}'s capital city is", "{s} has its capital in",
               "The government of {s} sits in"],
        "de": ["Die Hauptstadt von {s} ist", "{s} hat als Hauptstadt", "Die Hauptstadt des Landes {s} ist"],
        "fr": ["{s}, pays dont la capitale est", "{s}, pays ayant pour capitale", "Le pays {s} a pour capitale"],
        "es": ["La capital de {s} es", "{s} tiene como capital", "El gobierno de {s} tiene su sede en"],
        "ru": ["Столица государства {s} —", "Столицей государства {s} является город", "В государстве {s} столица —"],
        "zh": ["{s}的首都是", "{s}这个国家的首都是", "{s}的政府所在地是"],
        "ja": ["{s}の首都は", "{s}という国の首都は", "{s}の政府が置かれている都市は"],
        "th": ["เมืองหลวงของ{s}คือ", "{s}มีเมืองหลวงคือ", "เมืองหลวงของประเทศ{s}คือ"],
    },
    # country -> language
    "official_language": {
        "en": ["The official language of {s} is", "{s}'s official language is", "In {s}, the official language is"],
        "de": ["Die Amtssprache von {s} ist", "In {s} ist die Amtssprache", "Die offizielle Sprache von {s} ist"],
        "fr": ["{s}, pays où l'on parle officiellement", "Langue officielle du pays {s} :",
               "Le pays {s} a pour langue officielle :"],
        "es": ["La lengua oficial de {s} es el", "En {s}, el idioma oficial es el", "En {s} se habla oficialmente el"],
        "ru": ["Официальный язык государства {s} —", "В государстве {s} официальным языком является",
               "Государственный язык страны {s} —"],
        "zh": ["{s}的官方语言是", "{s}这个国家的官方语言是", "在{s}，官方语言是"],
        "ja": ["{s}の公用語は", "{s}という国の公用語は", "{s}で公式に使われている言語は"],
        "th": ["ภาษาราชการของ{s}คือ", "ภาษาราชการของประเทศ{s}คือ", "ประเทศ{s}ใช้ภาษาราชการคือ"],
    },
    # university -> city
    "university_city": {
        "en": ["{s} is located in the city of", "The campus of {s} is in", "{s} has its campus in"],
        "de": ["Die {s} befindet sich in", "Die {s} liegt in der Stadt", "Der Campus der {s} liegt in"],
        "fr": ["L'{s} se trouve à", "Le campus de l'{s} est situé à", "L'{s} est implantée à"],
        "es": ["La {s} está en la ciudad de", "La {s} se encuentra en", "El campus de la {s} está en"],
        "ru": ["{s} находится в городе", "{s} расположен в городе", "Город, в котором находится {s}, —"],
        "zh": ["{s}位于", "{s}的校园位于", "{s}坐落于"],
        "ja": ["{s}の所在地は", "{s}のキャンパスがある都市は", "{s}がある都市は"],
        "th": ["{s}ตั้งอยู่ที่เมือง", "วิทยาเขตของ{s}อยู่ที่", "เมืองที่{s}ตั้งอยู่คือ"],
    },
}

# ----------------------------------------------------------------------------------------------------------------
# Two-hop questions: chain -> language -> templates. Subject is a person; the answer (second hop) is appended.
# ----------------------------------------------------------------------------------------------------------------

TWO_HOP_TEMPLATES: dict[str, dict[str, list[str]]] = {
    # birthplace, then city_country -> country
    "birthplace_country": {
        "en": ["The country where {s} was born is", "The city of birth of {s} lies in the country of",
               "{s}'s birthplace lies in the country of"],
        "de": ["Das Land, in dem {s} geboren wurde, ist", "Die Geburtsstadt von {s} liegt in"],
        "fr": ["Pays où {s} a vu le jour :", "Pays de naissance de {s} :",
               "Pays où se trouve la ville natale de {s} :"],
        "es": ["El país donde nació {s} es", "El país de la ciudad natal de {s} es"],
        "ru": ["Страна, где родился человек по имени {s}, —", "Государство, где родился человек по имени {s}, —"],
        "zh": ["{s}出生的国家是", "{s}出生的城市位于"],
        "ja": ["{s}が生まれた国は", "{s}の出身地がある国は"],
        "th": ["ประเทศที่{s}เกิดคือ", "บ้านเกิดของ{s}ตั้งอยู่ในประเทศ"],
    },
    # employer, then headquarters -> city
    "employer_headquarters": {
        "en": ["The company {s} works for is headquartered in", "{s}'s employer has its headquarters in",
               "The headquarters of {s}'s employer are in"],
        "de": ["Der Arbeitgeber von {s} hat seinen Hauptsitz in", "Die Firma, bei der {s} arbeitet, sitzt in"],
        "fr": ["L'entreprise qui emploie {s} a son siège à", "Ville du siège de l'employeur de {s} :"],
        "es": ["La empresa donde trabaja {s} tiene su sede en", "La sede de la empresa de {s} está en"],
        "ru": ["Компания, где работает {s}, находится в городе", "Работодатель человека по имени {s} базируется в городе"],
        "zh": ["{s}所在公司的总部位于", "{s}的雇主总部设在"],
        "ja": ["{s}の勤務先の本社がある都市は", "{s}が勤める会社の本社所在地は"],
        "th": ["บริษัทที่{s}ทำงานอยู่มีสำนักงานใหญ่ที่", "สำนักงานใหญ่ของนายจ้างของ{s}อยู่ที่"],
    },
    # citizenship, then capital -> city
    "citizenship_capital": {
        "en": ["The capital of {s}'s country of citizenship is", "The country whose citizen {s} is has its capital in"],
        "de": ["Die Hauptstadt des Landes, dessen Staatsbürgerschaft {s} besitzt, ist",
               "Die Hauptstadt des Heimatlandes von {s} ist"],
        "fr": ["Capitale du pays dont {s} a la nationalité :", "{s} a la nationalité d'un pays dont la capitale est"],
        "es": ["La capital del país de {s} es", "El país cuya nacionalidad tiene {s} tiene como capital"],
        "ru": ["Столица страны, гражданство которой имеет {s}, —", "Столица государства, чьё гражданство имеет {s}, —"],
        "zh": ["{s}国籍所属国家的首都是", "{s}祖国的首都是"],
        "ja": ["{s}が国籍を持つ国の首都は", "{s}の母国の首都は"],
        "th": ["เมืองหลวงของประเทศที่{s}ถือสัญชาติคือ", "ประเทศที่{s}เป็นพลเมืองมีเมืองหลวงคือ"],
    },
    # educated_at, then university_city -> city
    "university_city": {
        "en": ["The university {s} graduated from is located in", "The university where {s} studied is located in",
               "The city of {s}'s alma mater is"],
        "de": ["Die Universität, an der {s} studierte, liegt in", "Die Alma Mater von {s} befindet sich in"],
        "fr": ["L'université où {s} a étudié se trouve à", "{s} a étudié dans une université située à"],
        "es": ["La universidad donde estudió {s} está en", "{s} estudió en una universidad situada en"],
        "ru": ["Вуз, который окончил человек по имени {s}, находится в городе",
               "Город, где учился человек по имени {s}, —"],
        "zh": ["{s}的母校位于", "{s}毕业的大学坐落于"],
        "ja": ["{s}の出身大学がある都市は", "{s}が卒業した大学の所在地は"],
        "th": ["มหาวิทยาลัยที่{s}จบการศึกษาตั้งอยู่ที่", "สถาบันที่{s}เรียนจบอยู่ในเมือง"],
    },
    # citizenship, then official_language -> language
    "citizenship_language": {
        "en": ["The official language of {s}'s country of citizenship is",
               "{s}'s country of citizenship has the official language"],
        "de": ["Die Amtssprache des Landes, dessen Staatsbürgerschaft {s} besitzt, ist",
               "Die Amtssprache des Heimatlandes von {s} ist"],
        "fr": ["Langue officielle du pays dont {s} a la nationalité :",
               "{s} a la nationalité d'un pays où l'on parle officiellement"],
        "es": ["La lengua oficial del país de {s} es el", "{s} es de un país cuya lengua oficial es el"],
        "ru": ["Официальный язык страны, гражданство которой имеет {s}, —",
               "Государственный язык страны, чьё гражданство имеет {s}, —"],
        "zh": ["{s}国籍所属国家的官方语言是", "{s}祖国的官方语言是"],
        "ja": ["{s}が国籍を持つ国の公用語は", "{s}の母国の公用語は"],
        "th": ["ภาษาราชการของประเทศที่{s}ถือสัญชาติคือ", "ประเทศที่{s}เป็นพลเมืองใช้ภาษาราชการคือ"],
    },
}

# ----------------------------------------------------------------------------------------------------------------
# University names from a transliterated root ("{}" is the root).
# French uses "Université {}" (as in "Université Laval") so that no elision of "de" is ever needed.
# ----------------------------------------------------------------------------------------------------------------

UNIVERSITY_FORMAT: dict[str, str] = {
    "en": "{} University",
    "de": "Universität {}",
    "fr": "Université {}",
    "es": "Universidad de {}",
    "ru": "Университет {}",
    "zh": "{}大学",
    "ja": "{}大学",
    "th": "มหาวิทยาลัย{}",
}
