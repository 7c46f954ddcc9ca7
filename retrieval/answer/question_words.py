"""The question words of each language: interrogatives, and the words that name the kind of
answer ("what year", "which country"), with the kind each asks for.

A closed class of each language, like its stopwords, written out here for the languages
whose questions we know (XQuAD's twelve and a few more); answer_type.py reads them. Words
are matched after case folding (Greek keeps its accents there, so "πού" "where" is not
"που" "that"); kind words also by their stem, so "yılında" is "yıl" (year). Chinese and
Thai, written without spaces, list strings found in the question's text instead of words
(`phrases`), each with the kind it asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["number", "date", "name", "place"]


@dataclass(frozen=True)
class QuestionWords:
    """What one language asks with.

    asks: interrogatives (a phrase of several words separated by spaces), each with the
    kind of answer it asks for (None: no telling); determiners: those that take the next
    content word as the kind of answer ("which country"); after: those that take the word
    before ("năm nào", Vietnamese "year which"); fillers: words between a determiner and
    that word ("how many", "what kind of"); kinds: words that name a kind of answer;
    phrases: for scripts written without spaces, interrogative strings and their kinds.
    """

    asks: dict[str, Kind | None] = field(default_factory=dict)
    determiners: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()
    fillers: frozenset[str] = frozenset()
    kinds: dict[str, Kind] = field(default_factory=dict)
    phrases: dict[str, Kind | None] = field(default_factory=dict)
    # Interrogatives only as a question's first word (Arabic "من" "who", else "from").
    initial: dict[str, Kind | None] = field(default_factory=dict)
    # "what is the name of X": a naming noun after the copulas and before a link word
    # names the kind of answer (not "the population of X", whose answer says population).
    copulas: frozenset[str] = frozenset()
    naming: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


def _kinds(date: str = "", place: str = "", number: str = "", name: str = "") -> dict[str, Kind]:
    kinds: tuple[tuple[Kind, str], ...] = (
        ("date", date),
        ("place", place),
        ("number", number),
        ("name", name),
    )
    return {word: kind for kind, words in kinds for word in words.split()}


def _asks(
    none: str = "", name: str = "", date: str = "", place: str = "", number: str = ""
) -> dict[str, Kind | None]:
    """Return interrogatives by kind: words separated by spaces, "_" joining the words of
    a phrase ("ne_zaman")."""
    kinds: tuple[tuple[Kind | None, str], ...] = (
        (None, none),
        ("name", name),
        ("date", date),
        ("place", place),
        ("number", number),
    )
    return {word.replace("_", " "): kind for kind, words in kinds for word in words.split()}


QUESTION_WORDS: dict[str, QuestionWords] = {
    "en": QuestionWords(
        _asks("what which why how", "whose who whom", "when", "where"),
        frozenset("what which whose how".split()),
        fillers=frozenset("many much of kind kinds type types sort sorts form forms".split()),
        kinds=_kinds(
            date="year years date dates century centuries decade decades month months day "
            "days time era period age ages",
            place="country countries city cities town towns state states region regions "
            "place places location locations continent island islands river rivers "
            "province county street",
            number="many much number numbers percentage percent amount amounts population "
            "size long old tall high far large big wide deep heavy often cost price "
            "temperature distance length weight",
            name="person people man woman king queen president leader author name names "
            "company organization organisation group team band university",
        ),
        copulas=frozenset("is was are were the a an".split()),
        naming=frozenset(
            "name names term terms word words title titles nickname type types kind kinds "
            "sort form category".split()
        ),
        links=frozenset("of for called".split()),
    ),
    "de": QuestionWords(
        _asks(
            "was welche welcher welches welchen welchem warum wieso weshalb wie wozu wofür "
            "womit wodurch worauf woraus worin worüber wovon woran wonach wogegen",
            "wer wen wem wessen",
            "wann",
            "wo woher wohin",
            "wie_viele wie_viel wie_lange wie_alt wie_hoch wie_groß wie_weit wie_oft",
        ),
        frozenset("welche welcher welches welchen welchem was wie_viele wie_viel".split()),
        fillers=frozenset("viele viel für".split()),
        kinds=_kinds(
            date="jahr jahrhundert jahrzehnt datum monat tag zeit",
            place="land stadt ort region staat",
            number="viele viel anzahl zahl prozent lang alt hoch groß weit",
        ),
    ),
    "es": QuestionWords(
        _asks(
            "qué cuál cuáles por cómo",
            "quién quiénes",
            "cuándo",
            "dónde adónde",
            "cuánto cuánta cuántos cuántas",
        ),
        frozenset("qué cuál cuáles cuánto cuánta cuántos cuántas".split()),
        fillers=frozenset("tipo tipos clase de".split()),
        kinds=_kinds(
            date="año siglo década fecha mes día",
            place="país ciudad región lugar estado",
            number="número porcentaje cantidad",
        ),
    ),
    "fr": QuestionWords(
        _asks(
            "que qu quoi quel quelle quels quelles pourquoi comment",
            "qui",
            "quand",
            "où",
            "combien",
        ),
        frozenset("quel quelle quels quelles combien".split()),
        fillers=frozenset("de d type sorte".split()),
        kinds=_kinds(
            date="année an siècle date mois jour",
            place="pays ville région lieu",
            number="nombre pourcentage",
        ),
    ),
    "it": QuestionWords(
        _asks(
            "che cosa quale quali perché come",
            "chi",
            "quando",
            "dove",
            "quanto quanta quanti quante",
        ),
        frozenset("che quale quali quanto quanta quanti quante".split()),
        fillers=frozenset("tipo di".split()),
        kinds=_kinds(date="anno secolo data", place="paese città regione", number="numero"),
    ),
    "pt": QuestionWords(
        _asks(
            "que qual quais porque como", "quem", "quando", "onde", "quanto quanta quantos quantas"
        ),
        frozenset("que qual quais quanto quanta quantos quantas".split()),
        fillers=frozenset("tipo de".split()),
        kinds=_kinds(date="ano século data", place="país cidade região", number="número"),
    ),
    "ro": QuestionWords(
        _asks("ce care cum cărei cărui căror", "cine cui", "când", "unde", "cât câtă câți câte"),
        frozenset("ce care cât câtă câți câte".split()),
        fillers=frozenset("tip fel de".split()),
        kinds=_kinds(
            date="an anul secol dată perioadă",
            place="țară oraș regiune loc",
            number="număr procent",
        ),
    ),
    "ru": QuestionWords(
        _asks(
            "что чем чему чего какой какая какое какие каком какую каких какого каким "
            "какими какому каков какова каково каковы который которая которое которые "
            "которого которой котором почему зачем как ли",
            "кто кого кому кем чей чья чьё чьи чьей чьего чьим чьих чью",
            "когда",
            "где куда откуда",
            "сколько скольких как_долго",
        ),
        frozenset(
            "какой какая какое какие каком какую каких какого каким какими какому который "
            "которая которое которые которого которой котором сколько скольких".split()
        ),
        kinds=_kinds(
            date="год году года века век десятилетие дата месяц день",
            place="страна страны город города регион место",
            number="число количество процент",
        ),
    ),
    "tr": QuestionWords(
        _asks(
            "ne neyi neye neyin nedir neydi neler nelerdir neyle neden niçin niye nasıl "
            "nasıldır hangi hangisi hangisidir hangileri hangisinde hangisine hangisini "
            "hangilerinin neyden nelerin nelere neleri mı mi mu mü mıdır midir",
            "kim kimdir kimdi kimin kime kimi kimler kimlerdir kimden kimlere kimlerin",
            "ne_zaman",
            "nerede nereye nereden neresi neresidir nerededir neresinde",
            "kaç kaçı kaçta kaçtır kaçıdır kaçının kaçıncı ne_kadar",
        ),
        frozenset("hangi kaç ne".split()),
        kinds=_kinds(
            date="yıl yüzyıl tarih zaman dönem ay gün",
            place="ülke şehir kent bölge yer",
            number="sayı yüzde miktar oran",
        ),
    ),
    "el": QuestionWords(
        _asks(
            "τι ποιος ποια ποιο ποιοι ποιες ποιου ποιον ποιας ποιων ποιους γιατί πώς πως",
            "ποιανού ποιανής ποιανών τίνος τίνων",
            "πότε",
            "πού",
            "πόσος πόση πόσο πόσοι πόσες πόσα πόσων πόσους",
        ),
        frozenset(
            "τι ποιος ποια ποιο ποιοι ποιες ποιου ποιον ποιας ποιων ποιους πόσος πόση πόσο "
            "πόσοι πόσες πόσα πόσων πόσους".split()
        ),
        kinds=_kinds(
            date="έτος έτη χρονιά χρόνια χρόνο αιώνα αιώνας ημερομηνία",
            place="χώρα πόλη περιοχή",
            number="αριθμός ποσοστό",
        ),
    ),
    "ar": QuestionWords(
        _asks("ما ماذا بماذا لماذا كيف اي أي هل", "لمن ممن", "متى", "أين اين", "كم"),
        frozenset("ما اي أي كم".split()),
        kinds=_kinds(
            date="عام سنة العام السنة قرن القرن تاريخ",
            place="بلد دولة مدينة البلد الدولة المدينة منطقة",
            number="عدد نسبة",
        ),
        initial=_asks("", "من"),
    ),
    "hi": QuestionWords(
        _asks(
            "क्या किस किन क्यों कैसे कैसा कैसी",
            "कौन किसने किसको किसका किसकी किसके किसे किससे किन्होंने किन्हें",
            "कब",
            "कहाँ कहां",
            "कितना कितने कितनी",
        ),
        frozenset("क्या कौन किस किन कितना कितने कितनी".split()),
        fillers=frozenset("सा सी से".split()),
        kinds=_kinds(
            date="वर्ष साल सदी शताब्दी तारीख",
            place="देश शहर नगर राज्य क्षेत्र",
            number="संख्या प्रतिशत",
        ),
    ),
    "vi": QuestionWords(
        _asks(
            "gì nào sao tại_sao vì_sao thế_nào như_thế_nào làm_sao",
            "ai",
            "khi_nào bao_giờ lúc_nào",
            "đâu ở_đâu",
            "bao_nhiêu mấy bao_lâu",
        ),
        frozenset({"bao nhiêu", "mấy"}),
        after=frozenset("nào gì".split()),
        kinds=_kinds(date="năm kỷ", place="nước phố", number="số"),
        copulas=frozenset({"là"}),
    ),
    "zh": QuestionWords(
        phrases=_asks(
            "什么 哪些 哪个 哪 为什么 为何 怎么 怎样 如何 是否 吗",
            "谁",
            "什么时候 何时 哪一年 哪年 哪个世纪",
            "哪里 哪儿 何处 在哪 哪个国家 哪座城市 哪个城市",
            "多少 几个 几次 几年 几种 几位 几名 多久 多长 多大 多高 多远 多老 多古老 多重 "
            "多宽 多深 多快",
        ),
    ),
    "th": QuestionWords(
        phrases=_asks(
            "อะไร อย่างไร ยังไง ทำไม ใด ไหน หรือไม่ ไหม",
            "ใคร",
            "เมื่อไร เมื่อไหร่ เมื่อใด ปีใด ปีไหน ปีอะไร",
            "ที่ไหน ที่ใด ประเทศใด เมืองใด",
            "เท่าไร เท่าไหร่ กี่",
        ),
    ),
}
