"""Which rights a letter invokes, in English, German, French, Spanish, Italian and Dutch, and why.

A lexicon of trigger phrases per language and right (regular expressions over the lower-cased text). The result
names the language and, per right, the phrases that matched, so the DPO sees the evidence and confirms or corrects
it; nothing is logged on a guess. Precision and recall on the labelled letters in data/intake-samples/ are printed
by benchmarks/intake_detector.py and held above a floor by tests/intake/test_detector.py.

CCPA rights are reported as `ccpa_*` keys when the letter invokes Californian law; `CASE_RIGHT` maps them to the
case's right keys (know -> access, delete -> erasure, correct -> rectification, opt-out -> objection,
limit -> restriction), since a case stores one vocabulary and its regime says which law applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGES = ("en", "de", "fr", "es", "it", "nl")
GDPR_RIGHTS = (
    "access", "rectification", "erasure", "restriction", "portability", "objection", "withdraw_consent", "automated_decision",
)
CCPA_RIGHTS = ("ccpa_know", "ccpa_delete", "ccpa_correct", "ccpa_opt_out", "ccpa_limit")
CASE_RIGHT = {
    "ccpa_know": "access", "ccpa_delete": "erasure", "ccpa_correct": "rectification",
    "ccpa_opt_out": "objection", "ccpa_limit": "restriction",
}

_STOPWORDS = {
    "en": "the and you my of to is that for please i me your this with have data under would what about all from we it are any",
    "de": "und die der ich sie mein meine meiner meinen ihre ihr nicht das mit zu von bitte den ist ein eine daten gemäß "
          "über mich mir auch sind wurde habe haben ihnen diese dem",
    "fr": "je vous le la les de des mes mon et est pour que une un données avec au dans ma merci votre vos sur ne pas moi "
          "suis mais été ce cette aux",
    "es": "el la los las de que y mis mi por para con una un datos les solicito usted su del mí sus está han este esta "
          "como pero más ustedes fue muy todos quiero pido favor se lo al en me",
    "it": "il la i gli di che e mi miei per con una un dati vi chiedo sono del della non è mia mio stata stato nel nella "
          "alla anche questo questa dei delle vostra vostri su",
    "nl": "de het een en ik mijn u van dat voor met niet is zijn graag gegevens uw ook mij heb wilt jullie wat hebben "
          "naar deze wordt",
}
# A word common to k of these languages counts 1/k: "la" says little, "gli" says Italian.
_SHARE: dict[str, int] = {}
for _words in _STOPWORDS.values():
    for _w in set(_words.split()):
        _SHARE[_w] = _SHARE.get(_w, 0) + 1
_STOP = {lang: {w: 1 / _SHARE[w] for w in words.split()} for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[a-zà-ÿß']+")

_ART = r"(?:art\.?|article|artikel|artículo|articolo)\s*"
_P: dict[str, dict[str, list[str]]] = {
    "en": {
        "access": [r"subject access request", r"\bd?sar\b", r"right of access", r"access to (?:all )?(?:my|the) (?:personal )?(?:data|information)",
                   r"cop(?:y|ies) of (?:all )?(?:the |my )?(?:personal )?(?:data|information)", r"what (?:personal )?(?:data|information) (?:you|your \w+) (?:hold|have|store|keep|process)",
                   r"(?:data|information|everything) (?:that )?(?:you|your \w+) (?:hold|have|keep|store) (?:about|on) me", _ART + r"15\b", r'(?:information|data|details) (?:that )?(?:your \\w+|you) (?:process|holds?|have|keeps?|stores?)', r'what (?:do you|does your \\w+) (?:know|hold|have|keep) (?:about|on) me', r'see (?:the|my|all(?: the)?) (?:personal )?(?:data|information)'],
        "rectification": [r"rectif", r"correct (?:my|the|this|it)\b", r"inaccurate", r"(?:is|are) (?:wrong|incorrect|out of date)", r"update my (?:address|name|details|record|surname|date of birth)", _ART + r"16\b", r'\\bamend\\b', r'\\bfix (?:my|the|it)\\b', r'(?:change|update) my (?:\\w+ )?(?:address|name|email|details|phone|number)', r'out of date', r'spelled wrong|misspelt|misspelled'],
        "erasure": [r"\berase\b", r"erasure", r"delete (?:all )?(?:of )?(?:my|me|the personal)", r"deletion of", r"right to be forgotten", r"remove (?:all )?(?:of )?my (?:personal )?(?:data|details|information)", _ART + r"17\b", r'\\bwipe\\b', r'\\bpurge\\b', r'get rid of (?:my|all)', r'destroy (?:my|all|any)'],
        "restriction": [r"restrict(?:ion of)? (?:the )?(?:processing|use)", r"restrict (?:how|your)", _ART + r"18\b", r"(?:suspend|pause) (?:the )?(?:processing|use) of"],
        "portability": [r"portab", r"machine[- ]readable", r"transfer (?:my (?:personal )?data |it )?(?:directly )?to (?:another|a new)", r"structured, commonly used", _ART + r"20\b"],
        "objection": [r"object to", r"\bobjection\b", _ART + r"21\b", r"stop (?:sending|processing|using|contacting)", r"unsubscribe", r"no (?:more|further) (?:marketing|newsletters|promotional)", r"(?:never|don't|do not) (?:contact|call|email|text) me", r'stop (?:calling|emailing|texting|messaging|phoning)'],
        "withdraw_consent": [r"(?:withdraw|revoke|retract)(?:ing)? (?:my |any |all )?(?:previously given )?consent", r"no longer (?:give my )?consent", r"consent (?:is|be) (?:hereby )?withdrawn", r'(?:withdraw|revoke|retract)(?:ing)? the consent', r'no longer agree to'],
        "automated_decision": [r"automated decision", r"automat(?:ed|ically) (?:processing|rejected|declined|refused|assessed)", r"human (?:review|intervention|being|reviewer)", _ART + r"22\b", r"\balgorithm"],
    },
    "de": {
        "access": [r"auskunft", _ART + r"15\b", r"kopie (?:meiner|der|aller) (?:gespeicherten |personenbezogenen )*daten", r"welche (?:personenbezogenen )?daten", r'übersicht (?:aller|über) (?:\\w+ )?(?:informationen|daten)', r'welche informationen', r'(?:informationen|daten),? die sie (?:über|zu) mir'],
        "rectification": [r"berichtig", r"korrigier", r"unrichtig", r"\bfalsch", r"aktualisier", _ART + r"16\b", r'ändern sie', r'korrektur', r'\\banpassen', r'veraltet'],
        "erasure": [r"lösch", r"loesch", r"vergessenwerden", r"vergessen zu werden", r"entfernen sie (?:alle )?meine", _ART + r"17\b", r'\\bentfernen sie', r'vernichten'],
        "restriction": [r"einschränkung der verarbeitung", r"verarbeitung (?:\w+ )?einschränk", r"einschränken", _ART + r"18\b"],
        "portability": [r"übertragbarkeit", r"uebertragbarkeit", r"maschinenlesbar", r"an (?:einen )?(?:anderen|neuen) anbieter (?:zu )?übermitteln", _ART + r"20\b"],
        "objection": [r"widerspruch", r"widerspreche", _ART + r"21\b", r"keine (?:weitere )?werbung", r"newsletter abbestellen", r'widersprech', r'keine (?:anrufe|e-mails|post|werbung|sms) mehr'],
        "withdraw_consent": [r"widerrufe?n? (?:ich )?(?:hiermit )?(?:meine |die |jede )?(?:erteilte )?einwilligung", r"einwilligung\w* (?:\w+ ){0,4}widerruf", r"widerruf meiner einwilligung"],
        "automated_decision": [r"automatisierte\w* (?:einzel)?entscheidung", r"automatisch (?:abgelehnt|entschieden)", r"menschliche\w* (?:überprüfung|eingreifen|prüfung)", r"eingreifens einer person", _ART + r"22\b", r"algorithm"],
    },
    "fr": {
        "access": [r"droit d'accès", r"accès à (?:l'ensemble de |toutes )?(?:mes|les) données", r"copie de (?:l'ensemble de |toutes )?(?:mes|les) données", r"quelles données", _ART + r"15\b", r"communication de (?:l'ensemble des|toutes les|mes) (?:informations|données)", r'(?:informations|données) (?:me concernant|que vous détenez|à mon sujet)', r'quelles informations'],
        "rectification": [r"rectifi", r"corriger", r"inexact", r"erron", _ART + r"16\b", r'mettre à jour', r'modifier (?:mon|ma|mes)'],
        "erasure": [r"effac", r"suppression de", r"supprimer (?:l'ensemble de |toutes )?(?:mes|les)", r"droit à l'oubli", _ART + r"17\b", r'détrui', r'supprim\\w* (?:toutes )?(?:les|mes) (?:informations|données)'],
        "restriction": [r"limitation du traitement", r"limiter (?:le traitement|l'utilisation)", _ART + r"18\b"],
        "portability": [r"portabilité", r"lisible par (?:machine|ordinateur)", r"format structuré", _ART + r"20\b"],
        "objection": [r"m'oppose", r"\bopposition\b", _ART + r"21\b", r"ne plus recevoir", r"désinscri", r'ne (?:veux|souhaite) plus (?:être|recevoir)', r"arrêtez de m'envoyer"],
        "withdraw_consent": [r"retir\w* (?:mon |le )consentement", r"retrait de (?:mon )?consentement", r"révoqu\w* (?:mon |le )consentement"],
        "automated_decision": [r"décision (?:individuelle )?automatisée", r"intervention humaine", _ART + r"22\b", r"algorithm"],
    },
    "es": {
        "access": [r"derecho de acceso", r"acceso a (?:todos )?(?:mis|los) datos", r"copia de (?:todos )?(?:mis|los) datos", r"qué datos", _ART + r"15\b", r'(?:información|datos) (?:personales )?(?:que )?(?:tienen|guardan|tratan|conservan) (?:sobre|de) mí', r'qué información', r'me informen de (?:todos )?(?:los|mis) datos'],
        "rectification": [r"rectific", r"corregir", r"inexact", r"erróne", _ART + r"16\b", r'actualic\\w*', r'\\bactualizar', r'modifi(?:quen|car)', r'mal escrit'],
        "erasure": [r"supresión", r"suprimir", r"suprimid", r"borr[ae]", r"elimin\w* (?:todos )?(?:mis|los)", r"derecho al olvido", r"cancelación de (?:mis )?datos", _ART + r"17\b", r'destru\\w+ (?:todos )?(?:mis|los)'],
        "restriction": [r"limitación del tratamiento", r"limit(?:ar|en) el (?:tratamiento|uso)", _ART + r"18\b"],
        "portability": [r"portabilidad", r"formato estructurado", r"lectura mecánica", _ART + r"20\b"],
        "objection": [r"me opongo", r"\boposición\b", r"oponerme", _ART + r"21\b", r"dejen de enviar", r'no (?:deseo|quiero) recibir más'],
        "withdraw_consent": [r"retir\w* (?:mi |el )consentimiento", r"revoc\w* (?:mi |el )consentimiento", r"retirada del consentimiento"],
        "automated_decision": [r"decisi(?:ón|ones) (?:individual(?:es)? )?automatizada", r"intervención humana", _ART + r"22\b", r"algoritmo"],
    },
    "it": {
        "access": [r"diritto di accesso", r"accesso ai (?:miei )?dati", r"copia (?:di tutti )?(?:dei|i) (?:miei )?dati", r"quali dati", _ART + r"15\b", r'(?:conoscere|sapere|ricevere) (?:tutte )?(?:le|quali) informazioni', r'informazioni (?:personali )?che (?:avete|conservate|trattate)'],
        "rectification": [r"rettific", r"correggere", r"inesatt", r"\berrat[oi]", _ART + r"16\b", r'aggiorn(?:are|arlo|atelo|ate)'],
        "erasure": [r"cancell(?:azione|are|ate|iate|arli|atelo)\b", r"diritto all'oblio", r"eliminare (?:tutti )?i (?:miei )?dati", _ART + r"17\b", r'elimin\\w* (?:il mio|i miei|tutt)', r'distrugg'],
        "restriction": [r"limitazione del trattamento", r"limit(?:are|iate) il trattamento", _ART + r"18\b"],
        "portability": [r"portabilità", r"formato strutturato", r"leggibile da (?:dispositivo|macchina)", _ART + r"20\b"],
        "objection": [r"mi oppongo", r"\bopposizione\b", r"oppormi", _ART + r"21\b", r"non (?:voglio|desidero) più ricevere", r'smettete di (?:chiamarmi|inviarmi|contattarmi)'],
        "withdraw_consent": [r"revoc\w* (?:il )?(?:mio )?consenso", r"ritir\w* (?:il )?(?:mio )?consenso", r"revoca del consenso"],
        "automated_decision": [r"decisione (?:\w+ ){0,5}automatizzat", r"intervento umano", _ART + r"22\b", r"algoritm"],
    },
    "nl": {
        "access": [r"inzage", r"kopie van (?:al )?(?:mijn|de) (?:persoons)?gegevens", r"welke (?:persoons)?gegevens", _ART + r"15\b", r'welke informatie', r'wat (?:u|jullie) (?:\\w+ )?over mij'],
        "rectification": [r"rectific", r"correctie", r"corrigeren", r"onjuist", r"aan te passen", r"verbeter", _ART + r"16\b", r'klopt niet', r'aanpassen', r'wijzigen', r'bijwerken'],
        "erasure": [r"verwijder", r"\bwissen\b", r"vergetelheid", r"gegevenswissing", _ART + r"17\b", r'vernietig'],
        "restriction": [r"beperking van (?:de )?verwerking", r"verwerking (?:\w+ )?(?:te )?beperken", _ART + r"18\b"],
        "portability": [r"overdraagbaarheid", r"dataportabiliteit", r"machineleesbaar", r"gestructureerde", _ART + r"20\b"],
        "objection": [r"bezwaar", _ART + r"21\b", r"afmelden voor", r'stop met het (?:sturen|bellen|mailen)', r'niet (?:meer )?gebeld'],
        "withdraw_consent": [r"trek (?:ik )?(?:hierbij )?(?:mijn )?toestemming in", r"toestemming (?:\w+ ){0,3}in te trekken", r"intrekk\w* (?:van )?(?:mijn )?toestemming", r"toestemming (?:\w+ ){0,3}intrek"],
        "automated_decision": [r"geautomatiseerde (?:besluit|beslissing|besluitvorming)", r"menselijke (?:tussenkomst|beoordeling)", _ART + r"22\b", r"algoritme"],
    },
}
_MARKETING = re.compile(
    r"marketing|newsletter|nieuwsbrief|werbung|werbe|reclame|publicit|pubblicit|prospection|promotional|mailing|boletín|commerci",
)
_CCPA = re.compile(r"\bccpa\b|\bcpra\b|california|californie|\b1798\.\d+|do not sell|no vend[ae]n")
_CCPA_OWN = {
    "ccpa_know": [r"right to know", r"categories of (?:personal )?information", r"specific pieces", r"derecho a saber"],
    "ccpa_opt_out": [r"do not sell", r"(?:don't|not to|stop) (?:sell|shar)", r"opt(?:-| )?out of (?:the )?(?:sale|sharing|selling)", r"sell (?:or|and|/) share", r"no vend[ae]n", r"venta de mis datos"],
    "ccpa_limit": [r"limit (?:the )?(?:use|disclosure) of (?:my )?sensitive", r"sensitive personal information", r"información personal sensible"],
}
_COMPILED = {lang: {right: [re.compile(p) for p in pats] for right, pats in rights.items()} for lang, rights in _P.items()}
_CCPA_COMPILED = {right: [re.compile(p) for p in pats] for right, pats in _CCPA_OWN.items()}


@dataclass(frozen=True)
class Detection:
    language: str | None
    rights: dict[str, tuple[str, ...]]  # right key -> trigger phrases found
    regime_hint: str | None = None  # "ccpa" when the letter invokes Californian law
    direct_marketing: bool = False
    language_scores: dict[str, float] = field(default_factory=dict)

    @property
    def confident(self) -> bool:
        return self.language is not None and bool(self.rights)

    @property
    def case_rights(self) -> tuple[str, ...]:
        """The case's right keys, in a stable order, CCPA rights mapped."""
        out: list[str] = []
        for key in self.rights:
            mapped = CASE_RIGHT.get(key, key)
            if mapped not in out:
                out.append(mapped)
        return tuple(out)


def guess_language(text: str) -> tuple[str | None, dict[str, float]]:
    words = _WORD.findall(text)
    scores = {lang: round(sum(stop.get(w, 0.0) for w in words), 2) for lang, stop in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return (best if scores[best] >= 1.5 else None), scores


def detect(text: str, subject: str = "") -> Detection:
    body = f"{subject}\n{text}".lower()
    language, scores = guess_language(body)
    # The detected language's phrases, and English ones (an English subject line on a German letter is common).
    # Not every language's: a word in one is another right's trigger in the next (German "wissen", to know, is
    # Dutch for "erase"). With no language recognised, every language is tried.
    order = [language, "en"] if language and language != "en" else ["en"] if language else list(LANGUAGES)
    found: dict[str, list[str]] = {}
    for lang in order:
        for right, patterns in _COMPILED[lang].items():
            for pat in patterns:
                m = pat.search(body)
                if m:
                    hits = found.setdefault(right, [])
                    phrase = _phrase(body, m)
                    if phrase not in hits:
                        hits.append(phrase)
    marketing = "objection" in found and bool(_MARKETING.search(body))
    regime = None
    if _CCPA.search(body):
        regime = "ccpa"
        ccpa: dict[str, list[str]] = {}
        for right, patterns in _CCPA_COMPILED.items():
            for pat in patterns:
                m = pat.search(body)
                if m:
                    ccpa.setdefault(right, []).append(_phrase(body, m))
        for gdpr, key in (("access", "ccpa_know"), ("erasure", "ccpa_delete"), ("rectification", "ccpa_correct")):
            if gdpr in found:
                ccpa.setdefault(key, []).extend(found[gdpr])
        if "restriction" in found and "ccpa_limit" in ccpa:
            ccpa["ccpa_limit"].extend(found["restriction"])
        found = ccpa
    ordered = {k: tuple(found[k]) for k in (*GDPR_RIGHTS, *CCPA_RIGHTS) if k in found}
    return Detection(language, ordered, regime, marketing, scores)


def _phrase(text: str, m: re.Match[str]) -> str:
    """The matched words, widened to whole words, as the DPO will see them."""
    start, end = m.start(), m.end()
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return " ".join(text[start:end].split())
