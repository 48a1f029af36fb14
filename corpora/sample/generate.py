#!/usr/bin/env python3
"""Generate the sample English-German parallel corpus: the files beside this script.

The sentence pairs come from a small bilingual grammar: every English sentence
is built together with its one German translation from the same abstract
clause, so the mapping English -> German is deterministic. The grammar covers
German word order (verb-second main clauses, verb-final subordinate clauses,
separable verbs, participles and infinitives at the end), case, gender and
number agreement of articles and adjectives, verb conjugation, compounds,
negation with "nicht"/"kein", questions, numbers and proper names.

Usage:
    python3 corpora/sample/generate.py            # regenerate corpora/sample/
    python3 corpora/sample/generate.py --stats    # ... and print statistics
    python3 corpora/sample/generate.py --out DIR  # write somewhere else

Python 3 standard library only. The output depends only on SEED: running the
script twice gives byte-identical files.
"""

import argparse
import os
import random
import re
import sys

SEED = 20240607
SPLITS = (("train", 8000), ("valid", 500), ("test", 500))
MAX_WORDS = 25

PERSONS = ("1sg", "2sg", "3sg", "1pl", "3pl")

# --------------------------------------------------------------------------
# German inflection tables
# --------------------------------------------------------------------------

DEF_ART = {
    "nom": {"m": "der", "f": "die", "n": "das", "p": "die"},
    "acc": {"m": "den", "f": "die", "n": "das", "p": "die"},
    "dat": {"m": "dem", "f": "der", "n": "dem", "p": "den"},
}
DIES_ART = {
    "nom": {"m": "dieser", "f": "diese", "n": "dieses", "p": "diese"},
    "acc": {"m": "diesen", "f": "diese", "n": "dieses", "p": "diese"},
    "dat": {"m": "diesem", "f": "dieser", "n": "diesem", "p": "diesen"},
}
# endings of ein, kein, mein, dein, sein, ihr, unser
EIN_END = {
    "nom": {"m": "", "f": "e", "n": "", "p": "e"},
    "acc": {"m": "en", "f": "e", "n": "", "p": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "p": "en"},
}
# adjective endings after der/dieser
ADJ_WEAK = {
    "nom": {"m": "e", "f": "e", "n": "e", "p": "en"},
    "acc": {"m": "en", "f": "e", "n": "e", "p": "en"},
    "dat": {"m": "en", "f": "en", "n": "en", "p": "en"},
}
# adjective endings after ein/kein/mein...
ADJ_MIXED = {
    "nom": {"m": "er", "f": "e", "n": "es", "p": "en"},
    "acc": {"m": "en", "f": "e", "n": "es", "p": "en"},
    "dat": {"m": "en", "f": "en", "n": "en", "p": "en"},
}
# adjective endings without a determiner (numbers, mass nouns)
ADJ_STRONG = {
    "nom": {"m": "er", "f": "e", "n": "es", "p": "e"},
    "acc": {"m": "en", "f": "e", "n": "es", "p": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "p": "en"},
}
# preposition + definite article contractions
CONTRACT = {("in", "dem"): "im", ("in", "das"): "ins", ("zu", "dem"): "zum",
            ("zu", "der"): "zur", ("an", "dem"): "am", ("an", "das"): "ans"}


def conj_table(inf, d1=None, d2=None, d3=None):
    """Present tense of a German verb for the five persons used here."""
    stem = inf[:-2] if inf.endswith("en") else inf[:-1]
    e = stem.endswith(("t", "d", "ffn"))
    return {
        "1sg": d1 or stem + "e",
        "2sg": d2 or stem + ("est" if e else "st"),
        "3sg": d3 or stem + ("et" if e else "t"),
        "1pl": inf,
        "3pl": inf,
    }


HABEN = conj_table("haben", d2="hast", d3="hat")
SEIN = {"1sg": "bin", "2sg": "bist", "3sg": "ist", "1pl": "sind", "3pl": "sind"}
WAR = {"1sg": "war", "2sg": "warst", "3sg": "war", "1pl": "waren", "3pl": "waren"}
WERDEN = conj_table("werden", d2="wirst", d3="wird")
MODALS = {
    "can": conj_table("können", d1="kann", d2="kannst", d3="kann"),
    "want": conj_table("wollen", d1="will", d2="willst", d3="will"),
    "must": conj_table("müssen", d1="muss", d2="musst", d3="muss"),
}

# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------


class Noun:
    def __init__(self, en, en_pl, gender, de, de_pl, tags, adjs="", plural=True, mass=False,
                 goal=None, natural=None, poss=True):
        self.en, self.en_pl = en, en_pl
        self.gender, self.de, self.de_pl = gender, de, de_pl
        self.de_dat_pl = de_pl if (de_pl is None or de_pl.endswith(("n", "s"))) else de_pl + "n"
        self.tags = tags.split()
        self.adjs = adjs.split()
        self.plural = plural and en_pl is not None
        self.mass = mass
        self.goal = goal          # German preposition for "to the X": "zu" (dat) or "in" (acc)
        self.natural = natural    # natural gender of a person noun, if known
        self.poss = poss          # may take "my", "Anna's", ...


N = {}


def noun(key, *args, **kw):
    N[key] = Noun(*args, **kw)


# persons (man/woman take no possessive: "my woman" is not "meine Frau")
noun("man", "man", "men", "m", "Mann", "Männer", "person", "old young tired hungry", natural="m", goal="zu",
     poss=False)
noun("woman", "woman", "women", "f", "Frau", "Frauen", "person", "old young tired hungry", natural="f", goal="zu",
     poss=False)
noun("child", "child", "children", "n", "Kind", "Kinder", "person", "small tired hungry", goal="zu")
noun("teacher", "teacher", "teachers", "m", "Lehrer", "Lehrer", "person", "old young", natural="m", goal="zu")
noun("doctor", "doctor", "doctors", "m", "Arzt", "Ärzte", "person", "old young", natural="m", goal="zu")
noun("friend", "friend", "friends", "m", "Freund", "Freunde", "person", "old", natural="m", goal="zu")
noun("sister", "sister", "sisters", "f", "Schwester", "Schwestern", "person", "small", natural="f", goal="zu")
noun("brother", "brother", "brothers", "m", "Bruder", "Brüder", "person", "small", natural="m", goal="zu")
# animals
noun("dog", "dog", "dogs", "m", "Hund", "Hunde", "animal", "big small old young hungry tired")
noun("cat", "cat", "cats", "f", "Katze", "Katzen", "animal", "big small old young hungry tired")
# things
noun("book", "book", "books", "n", "Buch", "Bücher", "doc thing small", "old new red big small")
noun("letter", "letter", "letters", "m", "Brief", "Briefe", "doc thing small open", "old new")
noun("newspaper", "newspaper", "newspapers", "f", "Zeitung", "Zeitungen", "doc thing small", "old new")
noun("car", "car", "cars", "n", "Auto", "Autos", "vehicle thing", "old new red big small")
noun("bike", "bike", "bikes", "n", "Fahrrad", "Fahrräder", "vehicle thing", "old new red")
noun("bag", "bag", "bags", "f", "Tasche", "Taschen", "thing small open container", "old new red big small")
noun("key", "key", "keys", "m", "Schlüssel", "Schlüssel", "thing small", "old new small")
noun("car key", "car key", "car keys", "m", "Autoschlüssel", "Autoschlüssel", "thing small", "old new")
noun("cup", "cup", "cups", "f", "Tasse", "Tassen", "thing small", "red big small")
noun("table", "table", "tables", "m", "Tisch", "Tische", "furniture", "old new big small")
noun("door", "door", "doors", "f", "Tür", "Türen", "open", "red old new", plural=False, poss=False)
# food and drink
noun("apple", "apple", "apples", "m", "Apfel", "Äpfel", "food", "red big small")
noun("cake", "cake", "cakes", "m", "Kuchen", "Kuchen", "food", "big small")
noun("birthday cake", "birthday cake", None, "m", "Geburtstagskuchen", None, "food", "big small")
noun("bread", "bread", None, "n", "Brot", None, "food", "old", mass=True)
noun("coffee", "coffee", None, "m", "Kaffee", None, "drink", "cold", mass=True)
noun("milk", "milk", None, "f", "Milch", None, "drink", "cold", mass=True)
# transport
noun("bus", "bus", "buses", "m", "Bus", "Busse", "transport", "red new old", poss=False)
# places (singular only); public places take no possessive
noun("house", "house", None, "n", "Haus", None, "place building home", "big small old new", goal="zu")
noun("garden", "garden", None, "m", "Garten", None, "place outdoor home", "big small", goal="in")
noun("park", "park", None, "m", "Park", None, "place outdoor", "big small", goal="in", poss=False)
noun("kitchen", "kitchen", None, "f", "Küche", None, "place room home", "big small new", goal="in")
noun("living room", "living room", None, "n", "Wohnzimmer", None, "place room home", "big small", goal="in")
noun("school", "school", None, "f", "Schule", None, "place building work", "big small old new", goal="zu",
     poss=False)
noun("office", "office", None, "n", "Büro", None, "place room work", "big small new", goal="in")
noun("city", "city", None, "f", "Stadt", None, "place", "big small old", goal="in", poss=False)
noun("swimming pool", "swimming pool", None, "n", "Schwimmbad", None, "place outdoor", "big small new",
     goal="in", poss=False)
noun("train station", "train station", None, "m", "Bahnhof", None, "place station", "big small old new",
     goal="zu", poss=False)
noun("bus stop", "bus stop", None, "f", "Bushaltestelle", None, "place station", "new", goal="zu", poss=False)

ADJ = {  # English -> German (predicative form)
    "big": "groß", "small": "klein", "old": "alt", "new": "neu", "young": "jung",
    "red": "rot", "cold": "kalt", "tired": "müde", "hungry": "hungrig",
}
MOOD_ADJS = ["tired", "hungry"]
VERY_ADJS = ["big", "small", "old", "young", "cold", "tired", "hungry"]   # may follow "very"   # what a person or an animal is at some time
PRED_ADJS = {  # adjectives that make sense as a predicate, per kind of subject
    "person": "tired hungry old young",
    "animal": "tired hungry old young big small",
}

NAMES = [("Anna", "f"), ("Maria", "f"), ("Lisa", "f"), ("Peter", "m"), ("Paul", "m"), ("David", "m")]
CITIES = [("Berlin", "Berlin"), ("Hamburg", "Hamburg"), ("Munich", "München"),
          ("Vienna", "Wien"), ("Cologne", "Köln")]
PROFESSIONS = [("teacher", "Lehrer", "Lehrerin"), ("doctor", "Arzt", "Ärztin"),
               ("student", "Student", "Studentin")]
DAYS = [("Monday", "Montag"), ("Friday", "Freitag"), ("Sunday", "Sonntag")]

PRONOUNS = {  # person: (en subj, en obj, de nom, de acc, de dat)
    "I": ("1sg", "I", "me", "ich", "mich", "mir"),
    "you": ("2sg", "you", "you", "du", "dich", "dir"),
    "he": ("3sg", "he", "him", "er", "ihn", "ihm"),
    "she": ("3sg", "she", "her", "sie", "sie", "ihr"),
    "we": ("1pl", "we", "us", "wir", "uns", "uns"),
    "they": ("3pl", "they", "them", "sie", "sie", "ihnen"),
}
POSSESSIVES = [("my", "mein"), ("your", "dein"), ("his", "sein"), ("her", "ihr"), ("their", "ihr")]


class Verb:
    def __init__(self, en, de, pp, frame, objs="", aux="haben", d2=None, d3=None, sep=None,
                 particle=None, tenses="pres past perf fut can want must"):
        self.en = en.split("|")          # base, 3sg, past, participle
        self.particle = particle          # English particle that follows a pronoun object
        self.sep = sep                    # German separable prefix
        base = de[len(sep):] if sep else de
        self.de_inf = de
        self.forms = conj_table(base, d2=d2, d3=d3)
        self.pp = pp
        self.aux = aux
        self.frame = frame
        self.objs = objs.split()
        self.tenses = tenses.split()


V = {}


def verb(key, *args, **kw):
    V[key] = Verb(*args, **kw)


# accusative object
verb("see", "see|sees|saw|seen", "sehen", "gesehen", "acc", "person animal vehicle building", d2="siehst", d3="sieht")
verb("read", "read|reads|read|read", "lesen", "gelesen", "acc", "doc", d2="liest", d3="liest")
verb("buy", "buy|buys|bought|bought", "kaufen", "gekauft", "acc", "doc vehicle container cup food drink")
verb("like", "like|likes|liked|liked", "mögen", "gemocht", "acc", "person animal food drink",
     tenses="pres")
V["like"].forms = conj_table("mögen", d1="mag", d2="magst", d3="mag")
verb("have", "have|has|had|had", "haben", "gehabt", "acc", "animal vehicle container key book sibling",
     tenses="pres")
V["have"].forms = HABEN
verb("eat", "eat|eats|ate|eaten", "essen", "gegessen", "acc", "food", d2="isst", d3="isst")
verb("drink", "drink|drinks|drank|drunk", "trinken", "getrunken", "acc", "drink")
verb("open", "open|opens|opened|opened", "öffnen", "geöffnet", "acc", "open")
verb("visit", "visit|visits|visited|visited", "besuchen", "besucht", "acc", "person city")
verb("look for", "look for|looks for|looked for|looked for", "suchen", "gesucht", "acc", "small animal person")
# separable verbs
verb("call", "call|calls|called|called", "anrufen", "angerufen", "acc", "person", sep="an")
verb("pick up", "pick|picks|picked|picked", "abholen", "abgeholt", "acc", "person", sep="ab", particle="up")
verb("tidy up", "tidy|tidies|tidied|tidied", "aufräumen", "aufgeräumt", "acc", "room", sep="auf", particle="up")
# dative object
verb("help", "help|helps|helped|helped", "helfen", "geholfen", "dat", "person", d2="hilfst", d3="hilft")
# dative + accusative
verb("give", "give|gives|gave|given", "geben", "gegeben", "ditr", "doc small food", d2="gibst", d3="gibt")
verb("bring", "bring|brings|brought|brought", "bringen", "gebracht", "ditr", "doc small food drink")
# prepositional object
verb("wait for", "wait for|waits for|waited for|waited for", "warten", "gewartet", "auf", "person transport")
# motion (perfect with "sein")
verb("go", "go|goes|went|gone", "gehen", "gegangen", "motion", "", aux="sein")
verb("drive", "drive|drives|drove|driven", "fahren", "gefahren", "motion", "", aux="sein", d2="fährst", d3="fährt")
# place
verb("live", "live|lives|lived|lived", "wohnen", "gewohnt", "loc", "", tenses="pres perf want")
verb("work", "work|works|worked|worked", "arbeiten", "gearbeitet", "loc", "")
verb("sleep", "sleep|sleeps|slept|slept", "schlafen", "geschlafen", "loc", "", d2="schläfst", d3="schläft")
verb("play", "play|plays|played|played", "spielen", "gespielt", "loc", "")

# verbs that take a "that" clause
THAT_VERBS = [("think", "thinks", conj_table("glauben")),
              ("know", "knows", conj_table("wissen", d1="weiß", d2="weißt", d3="weiß")),
              ("say", "says", conj_table("sagen"))]

GOAL_VERBS = {
    "go": "garden park kitchen living room school office city swimming pool train station bus stop",
    "drive": "school office city swimming pool train station",
}
LOC_VERBS = {  # verb: list of (English prep, German prep, landmark keys)
    "live": [("in", "in", "house city")],
    "work": [("in", "in", "office school garden kitchen city"), ("at", "an", "train station")],
    "sleep": [("in", "in", "house living room garden")],
    "play": [("in", "in", "garden park living room")],
}
BE_LOCS = {  # kind of subject -> list of (English prep, German prep, landmark keys)
    "person": [("in", "in", "house garden park kitchen school office city living room swimming pool"),
               ("at", "an", "train station bus stop"),
               ("in front of", "vor", "house school train station"),
               ("behind", "hinter", "house school")],
    "animal": [("in", "in", "house garden park kitchen living room"),
               ("on", "auf", "table"),
               ("under", "unter", "table car"),
               ("behind", "hinter", "door house"),
               ("next to", "neben", "door car")],
    "thing": [("in", "in", "bag kitchen living room office car"),
              ("on", "auf", "table"),
              ("under", "unter", "table"),
              ("next to", "neben", "door")],
    "vehicle": [("in front of", "vor", "house school train station"),
                ("behind", "hinter", "house school"),
                ("next to", "neben", "house school")],
}

# --------------------------------------------------------------------------
# Noun phrases
# --------------------------------------------------------------------------


def adj_form(de_adj, ending):
    base = de_adj[:-1] if de_adj.endswith("e") else de_adj
    return base + ending


class NP:
    """A noun phrase with its English forms and its German form in each case."""

    def __init__(self, en_subj, en_obj, de, person, definite=True, pronoun=False, kind=None,
                 noun=None, neg=None, gender=None, number="sg"):
        self.en_subj, self.en_obj = en_subj, en_obj
        self.de = de                  # case -> German string
        self.neg = neg                # case -> German string with "kein", if negatable that way
        self.person = person
        self.definite = definite
        self.pronoun = pronoun
        self.kind = kind
        self.noun = noun
        self.gender = gender          # natural gender of a person, when known
        self.number = number


def de_noun_phrase(n, det, number, case, adj=None, very=False, count=None, possessor=None):
    g = "p" if number == "pl" else n.gender
    if number == "pl":
        word = n.de_dat_pl if case == "dat" else n.de_pl
    else:
        word = n.de
    if det == "the":
        art, table = DEF_ART[case][g], ADJ_WEAK
    elif det == "this":
        art, table = DIES_ART[case][g], ADJ_WEAK
    elif det in ("ein", "kein", "mein", "dein", "sein", "ihr", "unser"):
        art, table = det + EIN_END[case][g], ADJ_MIXED
    elif det == "num":
        art, table = str(count), ADJ_STRONG
    elif det == "zero":
        art, table = "", ADJ_STRONG
    elif det == "gen":
        art, table = possessor + "s", ADJ_STRONG
    else:
        raise ValueError(det)
    words = [art] if art else []
    if adj:
        if very:
            words.append("sehr")
        words.append(adj_form(ADJ[adj], table[case][g]))
    words.append(word)
    return " ".join(words)


def make_np(rng, n, number="sg", allow_adj=True, dets=None, adj_p=0.3):
    """A random noun phrase headed by noun n."""
    if n.mass:
        number = "sg"
    if dets is None:
        if n.mass:
            dets = ["the", "zero", "zero", "poss"]
        elif number == "pl":
            dets = ["the", "the", "this", "poss", "num", "num", "gen"]
        else:
            dets = ["the", "the", "the", "a", "a", "this", "poss", "poss", "gen"]
    if not n.poss:
        dets = [d for d in dets if d not in ("poss", "gen")] or ["the"]
    det = rng.choice(dets)
    if det == "a" and number == "pl":
        det = "num"
    adj = very = None
    if allow_adj and n.adjs and det != "gen" and rng.random() < adj_p:
        adj = rng.choice(n.adjs)
        very = adj in VERY_ADJS and rng.random() < 0.15
    count = possessor = None
    en_noun = n.en_pl if number == "pl" else n.en
    en_mod = (["very"] if very else []) + ([adj] if adj else []) + [en_noun]
    if det == "the":
        en_det, de_det = "the", "the"
    elif det == "this":
        en_det, de_det = ("these" if number == "pl" else "this"), "this"
    elif det == "a":
        en_det, de_det = ("an" if en_mod[0][0] in "aeiou" else "a"), "ein"
    elif det == "poss":
        en_det, de_det = rng.choice(POSSESSIVES)
    elif det == "num":
        count = rng.randint(2, 12)
        en_det, de_det = str(count), "num"
    elif det == "zero":
        en_det, de_det = None, "zero"
    elif det == "gen":
        possessor = rng.choice(NAMES)[0]
        en_det, de_det = possessor + "'s", "gen"
    en = " ".join(([en_det] if en_det else []) + en_mod)
    de = {c: de_noun_phrase(n, de_det, number, c, adj, very, count, possessor) for c in ("nom", "acc", "dat")}
    neg = None
    if de_det in ("ein", "zero"):
        neg = {c: de_noun_phrase(n, "kein", number, c, adj, very) for c in ("nom", "acc", "dat")}
    definite = de_det not in ("ein", "num", "zero")
    person = "3pl" if number == "pl" else "3sg"
    return NP(en, en, de, person, definite=definite, kind=n.tags[0], noun=n, neg=neg,
              gender=n.natural if number == "sg" else None, number=number)


def pronoun_np(key):
    person, en_s, en_o, nom, acc, dat = PRONOUNS[key]
    gender = {"he": "m", "she": "f"}.get(key)
    return NP(en_s, en_o, {"nom": nom, "acc": acc, "dat": dat}, person, pronoun=True, kind="person",
              gender=gender, number="pl" if person.endswith("pl") else "sg")


def name_np(name, gender):
    return NP(name, name, {"nom": name, "acc": name, "dat": name}, "3sg", kind="person", gender=gender)


def nouns_with(tag):
    return [n for k, n in N.items() if tag in n.tags or tag == k]


def person_np(rng, allow_pronoun=True, plural_p=0.2, adj_p=0.25):
    r = rng.random()
    if allow_pronoun and r < 0.45:
        return pronoun_np(rng.choice(list(PRONOUNS)))
    if r < 0.7:
        return name_np(*rng.choice(NAMES))
    n = rng.choice(nouns_with("person"))
    number = "pl" if rng.random() < plural_p else "sg"
    return make_np(rng, n, number, adj_p=adj_p)


def object_np(rng, tags, plural_p=0.2, allow_pronoun=True, subj=None):
    """A random object for a verb whose objects are tagged `tags`."""
    cands = []
    for t in tags:
        if t == "city":
            continue
        for n in nouns_with(t):
            if n not in cands:
                cands.append(n)
    if "city" in tags and rng.random() < 0.2:
        en, de = rng.choice(CITIES)
        return NP(en, en, {"nom": de, "acc": de, "dat": de}, "3sg", kind="city")
    if "person" in tags:
        r = rng.random()
        if allow_pronoun and r < 0.25:
            keys = [k for k in PRONOUNS if subj is None or PRONOUNS[k][0] != subj.person
                    or k in ("he", "she", "they")]
            return pronoun_np(rng.choice(keys))
        if r < 0.45:
            names = [x for x in NAMES if subj is None or x[0] != subj.en_subj]
            return name_np(*rng.choice(names))
    if "sibling" in tags and rng.random() < 0.2:
        return make_np(rng, rng.choice([N["sister"], N["brother"], N["friend"]]), "sg", dets=["a"])
    n = rng.choice(cands)
    number = "pl" if (n.plural and rng.random() < plural_p) else "sg"
    return make_np(rng, n, number)


def landmark_pp(rng, en_prep, de_prep, keys):
    """A locative prepositional phrase (German dative)."""
    key = rng.choice(keys_of(keys))
    n = N[key]
    np_ = make_np(rng, n, "sg", dets=["the", "the", "the", "a", "poss", "this"], adj_p=0.25)
    de = de_prep + " " + np_.de["dat"]
    first = np_.de["dat"].split(" ", 1)
    if (de_prep, first[0]) in CONTRACT:
        de = CONTRACT[(de_prep, first[0])] + " " + first[1]
    return en_prep + " " + np_.en_obj, de


def keys_of(s):
    """Split a space-separated list of lexicon keys, keeping two-word keys."""
    words = s.split()
    out, i = [], 0
    while i < len(words):
        if i + 1 < len(words) and words[i] + " " + words[i + 1] in N:
            out.append(words[i] + " " + words[i + 1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


def goal_pp(rng, verb_key):
    """A directional phrase: to the park, home, to Berlin, to the doctor."""
    r = rng.random()
    if r < 0.12:
        return "home", "nach Hause"
    if r < 0.25 and verb_key == "drive":
        en, de = rng.choice(CITIES)
        return "to " + en, "nach " + de
    if r < 0.35 and verb_key in ("go", "drive"):
        n = rng.choice([N["doctor"], N["teacher"], N["friend"], N["sister"], N["brother"]])
    else:
        n = N[rng.choice(keys_of(GOAL_VERBS[verb_key]))]
    np_ = make_np(rng, n, "sg", dets=["the", "the", "the", "poss"], adj_p=0.2)
    if n.goal == "zu":
        de = "zu " + np_.de["dat"]
        prep = "zu"
    else:
        de = "in " + np_.de["acc"]
        prep = "in"
    first = de.split(" ", 2)
    if (prep, first[1]) in CONTRACT:
        de = CONTRACT[(prep, first[1])] + " " + first[2]
    return "to " + np_.en_obj, de


# --------------------------------------------------------------------------
# Time adverbs, by tense
# --------------------------------------------------------------------------


def time_adverb(rng, tense):
    """(English, German, may be fronted). None if the tense takes none."""
    day = rng.choice(DAYS)
    h = rng.randint(1, 12)
    d = rng.randint(2, 9)
    opts = {
        "pres": [("today", "heute"), ("every day", "jeden Tag"), ("in the morning", "am Morgen"),
                 ("in the evening", "am Abend"), ("on " + day[0], "am " + day[1]),
                 ("at %d o'clock" % h, "um %d Uhr" % h)],
        "past": [("yesterday", "gestern"), ("last week", "letzte Woche"), ("on " + day[0], "am " + day[1]),
                 ("%d days ago" % d, "vor %d Tagen" % d)],
        "perf": [("already", "schon")],
        "fut": [("tomorrow", "morgen"), ("next week", "nächste Woche"), ("on " + day[0], "am " + day[1]),
                ("at %d o'clock" % h, "um %d Uhr" % h), ("in %d days" % d, "in %d Tagen" % d)],
        "can": [("today", "heute"), ("tomorrow", "morgen"), ("now", "jetzt")],
        "want": [("today", "heute"), ("tomorrow", "morgen"), ("now", "jetzt")],
        "must": [("today", "heute"), ("tomorrow", "morgen"), ("now", "jetzt")],
    }[tense]
    en, de = rng.choice(opts)
    frontable = en != "already" and not en[0].isdigit()
    return en, de, frontable


# --------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------


class Clause:
    def __init__(self):
        self.subj = None
        self.verb = None          # Verb, or "be"
        self.tense = "pres"
        self.neg = False
        self.acc = None           # NP
        self.dat = None           # NP
        self.pobj = None          # NP of "wait for" / "warten auf"
        self.pp = None            # (en, de) locative or directional phrase
        self.pp_kind = None       # "loc" or "goal"
        self.with_ = None         # NP of a "with" phrase
        self.time = None          # (en, de, frontable)
        self.pred = None          # copula predicate: (kind, en, de, de_neg)


def choose_tense(rng, allowed, weights=None):
    return rng.choices(allowed, weights=weights)[0] if weights else rng.choice(allowed)


def gen_clause(rng, tenses=None, allow_time=True, allow_neg=True, frame=None, subj=None, episodic=False):
    """A random clause. tenses: tenses allowed; frame: force a kind of clause;
    episodic: a copula clause must describe a passing state (tired, in the garden)."""
    c = Clause()
    if frame is None:
        frame = rng.choices(["acc", "sep", "dat", "ditr", "auf", "motion", "loc", "be"],
                            weights=[30, 9, 6, 9, 4, 16, 10, 16])[0]
    if frame == "be":
        return gen_copula(rng, tenses, allow_time, allow_neg, subj, episodic)
    if frame == "sep":
        key = rng.choice(["call", "pick up", "tidy up"])
    else:
        key = rng.choice([k for k, v in V.items() if v.frame == frame and not v.sep])
    v = V[key]
    c.verb = v
    allowed = [t for t in (tenses or ["pres", "past", "perf", "fut", "can", "want", "must"]) if t in v.tenses]
    if not allowed:
        return None
    c.tense = choose_tense(rng, allowed, [{"pres": 5, "past": 3, "perf": 2, "fut": 2, "can": 1,
                                           "want": 1, "must": 1}[t] for t in allowed])
    # subject
    if subj is not None:
        c.subj = subj
    elif key in ("sleep", "play") and rng.random() < 0.3:
        c.subj = make_np(rng, rng.choice(nouns_with("animal")), "pl" if rng.random() < 0.2 else "sg")
    else:
        c.subj = person_np(rng)
    # objects
    if v.frame == "acc":
        if key == "have" and rng.random() < 0.25:
            n = rng.choice([n for n in nouns_with("animal") + nouns_with("vehicle") + [N["sister"], N["brother"]]])
            c.acc = make_np(rng, n, "pl", dets=["num"])
        else:
            c.acc = object_np(rng, v.objs, subj=c.subj)
        if key == "like" and not c.acc.definite and c.acc.neg is None:   # "likes 11 apples"
            return None
        if key == "tidy up":
            c.acc = make_np(rng, N[rng.choice(["kitchen", "living room", "office", "house"])], "sg",
                            dets=["the", "the", "poss"])
    elif v.frame == "dat":
        c.dat = object_np(rng, v.objs, subj=c.subj)
    elif v.frame == "ditr":
        c.acc = object_np(rng, v.objs, plural_p=0.15)
        c.dat = object_np(rng, ["person"], subj=c.subj)
        while not c.dat.definite:
            c.dat = object_np(rng, ["person"], subj=c.subj)
    elif v.frame == "auf":
        c.pobj = object_np(rng, v.objs, subj=c.subj)
    elif v.frame == "motion":
        c.pp = goal_pp(rng, key)
        c.pp_kind = "goal"
        if rng.random() < 0.15:
            c.with_ = make_np(rng, rng.choice([N["dog"], N["friend"], N["sister"], N["brother"], N["child"]]),
                              "sg", dets=["poss"], allow_adj=False)
    elif v.frame == "loc":
        if rng.random() < 0.15 and key in ("work", "sleep", "play"):
            c.pp = ("at home", "zu Hause")
        elif rng.random() < 0.2 and key in ("live", "work"):
            en, de = rng.choice(CITIES)
            c.pp = ("in " + en, "in " + de)
        elif not (key in ("sleep", "play") and rng.random() < 0.3):
            c.pp = landmark_pp(rng, *rng.choice(LOC_VERBS[key]))
        if c.pp:
            c.pp_kind = "loc"
        if key == "play" and rng.random() < 0.3:
            c.with_ = make_np(rng, rng.choice([N["dog"], N["cat"], N["child"], N["friend"]]), "sg",
                              dets=["the", "poss"], allow_adj=False)
        if key == "live" and c.pp is None:
            return None
    # an optional place for some transitive clauses
    if v.frame == "acc" and key in ("read", "eat", "drink") and rng.random() < 0.15:
        c.pp = landmark_pp(rng, "in", "in", "garden kitchen living room park office")
        c.pp_kind = "loc"
    # negation
    if allow_neg and c.tense != "must" and rng.random() < 0.2:
        ok = True
        for np_, case in ((c.acc, "acc"), (c.dat, "dat"), (c.pobj, "acc")):
            if np_ is not None and np_.de[case].split()[0].isdigit():
                ok = False
        if c.acc is not None and c.pp is not None:
            ok = False
        if c.tense == "perf" and c.time is not None:
            ok = False
        c.neg = ok
    # time
    if allow_time and rng.random() < (1.0 if c.tense == "past" else 0.3):
        if not (c.tense == "perf" and c.neg) and key not in ("have", "like"):
            c.time = time_adverb(rng, c.tense)
    if c.tense == "past" and c.time is None:
        return None
    return c


def gen_copula(rng, tenses, allow_time, allow_neg, subj=None, episodic=False):
    c = Clause()
    c.verb = "be"
    allowed = [t for t in (tenses or ["pres", "past", "fut"]) if t in ("pres", "past", "fut")]
    if not allowed:
        return None
    c.tense = choose_tense(rng, allowed, [{"pres": 6, "past": 3, "fut": 1}[t] for t in allowed])
    kind = rng.choices(["adj", "prof", "age", "loc"], weights=[40, 15, 10, 35])[0]
    if episodic or c.tense == "fut":
        kind = rng.choice(["adj", "loc"])
        episodic = True
    if subj is not None:
        kind = rng.choice(["adj", "loc"]) if subj.kind in ("person", "animal") else "loc"
        if subj.kind == "city":
            return None
    if kind == "prof":
        r = rng.random()
        if subj is not None and subj.gender and subj.number == "sg":
            c.subj = subj
        elif r < 0.3:
            c.subj = pronoun_np(rng.choice(["he", "she"]))
        elif r < 0.7:
            c.subj = name_np(*rng.choice(NAMES))
        else:
            c.subj = make_np(rng, rng.choice([N["man"], N["woman"], N["sister"], N["brother"], N["friend"]]),
                             "sg", dets=["the", "poss", "gen"])
        if not c.subj.gender:
            return None
        en, de_m, de_f = rng.choice(PROFESSIONS)
        de = de_m if c.subj.gender == "m" else de_f
        kein = ("kein " if c.subj.gender == "m" else "keine ") + de
        c.pred = ("prof", ("an " if en[0] in "aeiou" else "a ") + en, de, kein)
        c.tense = "pres"
        c.neg = allow_neg and rng.random() < 0.25
        return c
    if kind == "age":
        c.subj = subj or (name_np(*rng.choice(NAMES)) if rng.random() < 0.5 else
                          (pronoun_np(rng.choice(list(PRONOUNS))) if rng.random() < 0.4 else
                           make_np(rng, rng.choice([N["child"], N["sister"], N["brother"], N["dog"], N["cat"]]),
                                   "sg", dets=["the", "poss", "gen"], allow_adj=False)))
        age = rng.randint(2, 12)
        c.pred = ("age", "%d years old" % age, "%d Jahre alt" % age, None)
        c.tense = "pres"
        return c
    # subject for adjective and location predicates
    if subj is not None:
        c.subj = subj
    else:
        r = rng.random()
        if r < 0.45 or (episodic and kind == "adj" and r < 0.75):
            c.subj = person_np(rng)
        elif r < 0.65 or (episodic and kind == "adj"):
            c.subj = make_np(rng, rng.choice(nouns_with("animal")), "pl" if rng.random() < 0.2 else "sg",
                             allow_adj=False)
        else:
            pool = nouns_with("thing") + nouns_with("place") + nouns_with("food") + nouns_with("drink")
            if kind == "loc":
                pool = nouns_with("thing")
            n = rng.choice(pool)
            c.subj = make_np(rng, n, "pl" if (n.plural and rng.random() < 0.2) else "sg",
                             dets=["the", "the", "this", "poss", "gen"] if not n.mass else ["the", "poss"],
                             allow_adj=False)
    k = c.subj.kind
    if k in ("doc", "container", "small", "open", "food", "drink"):
        k = "thing"
    if kind == "adj":
        if episodic:
            if k not in ("person", "animal"):
                return None
            adjs = MOOD_ADJS
        elif k in PRED_ADJS:
            adjs = PRED_ADJS[k].split()
        elif c.subj.noun is not None and c.subj.noun.adjs:
            adjs = c.subj.noun.adjs
        else:
            return None
        a = rng.choice(adjs)
        very = a in VERY_ADJS and rng.random() < 0.2
        en = ("very " if very else "") + a
        de = ("sehr " if very else "") + ADJ[a]
        c.pred = ("adj", en, de, None)
    else:
        if k not in BE_LOCS:
            return None
        r = rng.random()
        if k == "person" and r < 0.15:
            c.pred = ("loc", "at home", "zu Hause", None)
        elif k == "person" and r < 0.3:
            en, de = rng.choice(CITIES)
            c.pred = ("loc", "in " + en, "in " + de, None)
        else:
            en, de = landmark_pp(rng, *rng.choice(BE_LOCS[k]))
            c.pred = ("loc", en, de, None)
        if c.subj.noun is not None and c.pred[1].endswith(" " + c.subj.noun.en):  # "the bag is in my bag"
            return None
    passing = kind == "loc" or c.pred[1].split()[-1] in MOOD_ADJS
    if passing and k in ("person", "animal") and allow_time and rng.random() < (0.6 if c.tense == "past" else 0.25):
        c.time = time_adverb(rng, c.tense)
    c.neg = allow_neg and not c.pred[1].startswith("very") and rng.random() < 0.2
    return c


# --------------------------------------------------------------------------
# English realisation
# --------------------------------------------------------------------------


def en_present(v, person):
    return v.en[1] if person == "3sg" else v.en[0]


def en_verb_group(c, person, inverted):
    """(fronted auxiliary or None, the rest of the verb group) for clause c."""
    neg = ["not"] if c.neg else []
    already = ["already"] if (c.time and c.time[0] == "already") else []
    if c.verb == "be":
        if c.tense == "pres":
            form = {"1sg": "am", "3sg": "is"}.get(person, "are")
            return (form, neg) if inverted else (None, [form] + neg)
        if c.tense == "past":
            form = "was" if person in ("1sg", "3sg") else "were"
            return (form, neg) if inverted else (None, [form] + neg)
        if c.tense == "fut":
            return ("will", neg + ["be"]) if inverted else (None, ["will"] + neg + ["be"])
    v = c.verb
    does = "does" if person == "3sg" else "do"
    if c.tense == "pres":
        if inverted:
            return does, neg + [v.en[0]]
        return (None, [does, "not", v.en[0]]) if c.neg else (None, [en_present(v, person)])
    if c.tense == "past":
        if inverted:
            return "did", neg + [v.en[0]]
        return (None, ["did", "not", v.en[0]]) if c.neg else (None, [v.en[2]])
    if c.tense == "perf":
        has = "has" if person == "3sg" else "have"
        return (has, neg + already + [v.en[3]]) if inverted else (None, [has] + neg + already + [v.en[3]])
    if c.tense == "fut":
        return ("will", neg + [v.en[0]]) if inverted else (None, ["will"] + neg + [v.en[0]])
    if c.tense == "can":
        if inverted:
            return "can", neg + [v.en[0]]
        return None, (["cannot"] if c.neg else ["can"]) + [v.en[0]]
    if c.tense == "want":
        if inverted:
            return does, neg + ["want", "to", v.en[0]]
        if c.neg:
            return None, [does, "not", "want", "to", v.en[0]]
        return None, ["wants" if person == "3sg" else "want", "to", v.en[0]]
    if c.tense == "must":
        return ("must", [v.en[0]]) if inverted else (None, ["must", v.en[0]])
    raise ValueError(c.tense)


def en_tail(c, drop=()):
    """Objects and adjuncts after the verb group, in English order."""
    out = []
    v = c.verb
    if c.verb == "be":
        if "pred" not in drop:
            out.append(c.pred[1])
    else:
        if c.acc is not None and "acc" not in drop:
            if v.particle:
                out += [c.acc.en_obj, v.particle] if c.acc.pronoun else [v.particle, c.acc.en_obj]
            else:
                out.append(c.acc.en_obj)
        elif v.particle:
            out.append(v.particle)
        if c.dat is not None:
            out.append(("to " if v.frame == "ditr" else "") + c.dat.en_obj)
        if c.pobj is not None:
            out.append(c.pobj.en_obj)
    if c.pp is not None and "pp" not in drop:
        out.append(c.pp[0])
    if c.with_ is not None:
        out.append("with " + c.with_.en_obj)
    if c.time is not None and c.time[0] != "already" and "time" not in drop:
        out.append(c.time[0])
    return out


def en_decl(c, front_time=False):
    aux, vg = en_verb_group(c, c.subj.person, False)
    words = [c.subj.en_subj] + vg + en_tail(c, drop=("time",) if front_time else ())
    if front_time:
        words = [c.time[0]] + words
    return " ".join(words)


def en_question(c, wh=None, wh_words=None):
    """Yes/no question (wh None) or a wh-question."""
    if wh == "who":
        aux, vg = en_verb_group(c, "3sg", False)
        return " ".join(["who"] + vg + en_tail(c))
    aux, vg = en_verb_group(c, c.subj.person, True)
    drop = {"what": ("acc",), "howmany": ("acc",), "where": ("pp",), "whither": ("pp",),
            "howold": ("pred",), "whereis": ("pred",)}.get(wh, ())
    words = [aux, c.subj.en_subj] + vg + en_tail(c, drop)
    if wh:
        words = wh_words + words
    return " ".join(words)


# --------------------------------------------------------------------------
# German realisation
# --------------------------------------------------------------------------


def de_verb_parts(c, person):
    """(finite verb, right bracket words, finite verb of a verb-final clause with its prefix)."""
    if c.verb == "be":
        if c.tense == "pres":
            return SEIN[person], [], SEIN[person]
        if c.tense == "past":
            return WAR[person], [], WAR[person]
        if c.tense == "fut":
            return WERDEN[person], ["sein"], WERDEN[person]
    v = c.verb
    if c.tense == "pres":
        fin = v.forms[person]
        if v.sep:
            return fin, [v.sep], v.sep + fin
        return fin, [], fin
    if c.tense in ("past", "perf"):
        aux = HABEN if v.aux == "haben" else SEIN
        return aux[person], [v.pp], aux[person]
    if c.tense == "fut":
        return WERDEN[person], [v.de_inf], WERDEN[person]
    return MODALS[c.tense][person], [v.de_inf], MODALS[c.tense][person]


def de_middle(c, drop=(), split=False):
    """The middle field (without the subject) in German order. With split, return
    (unstressed pronoun objects, the rest) so that the caller can put the pronouns
    before a noun subject."""
    slots = []   # (rank, text)
    nicht_used = False
    if c.verb == "be":
        if "time" not in drop and c.time is not None:
            slots.append((3, c.time[1]))
        if "pred" not in drop:
            kind, en, de, de_neg = c.pred
            if c.neg and de_neg:
                slots.append((10, de_neg))
            else:
                if c.neg:
                    slots.append((4, "nicht"))
                slots.append((10, de))
        elif c.neg:
            slots.append((4, "nicht"))
        out = [t for _, t in sorted(slots, key=lambda x: x[0])]
        return ([], out) if split else out
    for np_, case in ((c.dat, "dat"), (c.acc, "acc")):
        if np_ is None or case in drop:
            continue
        if np_.pronoun:
            slots.append((0 if case == "acc" else 0.5, np_.de[case]))
        elif np_.definite:
            slots.append((1 if case == "dat" else 2, np_.de[case]))
        elif c.neg and np_.neg is not None and not nicht_used:
            slots.append((5 if case == "dat" else 6, np_.neg[case]))
            nicht_used = True
        else:
            slots.append((5 if case == "dat" else 6, np_.de[case]))
    if c.time is not None and "time" not in drop:
        slots.append((3, c.time[1]))
    if c.neg and not nicht_used:
        slots.append((4, "nicht"))
    if c.with_ is not None:
        slots.append((7, "mit " + c.with_.de["dat"]))
    if c.pp is not None and "pp" not in drop:
        # a place adjunct of a transitive verb precedes an indefinite object:
        # "weil sie im Garten Milch trinkt"; other places and goals come last
        slots.append((3.5 if c.acc is not None else 8, c.pp[1]))
    if c.pobj is not None:
        slots.append((9, "auf " + c.pobj.de["acc"]))
    slots.sort(key=lambda x: x[0])
    if split:
        return [t for r, t in slots if r < 1], [t for r, t in slots if r >= 1]
    return [t for _, t in slots]


def de_after_finite(c, drop=()):
    """Subject and middle field after a fronted finite verb: a pronoun object goes
    before a noun subject ("Heute sieht ihn der Mann")."""
    pron, rest = de_middle(c, drop, split=True)
    if c.subj.pronoun:
        return [c.subj.de["nom"]] + pron + rest
    return pron + [c.subj.de["nom"]] + rest


def de_main(c, front_time=False):
    fin, right, _ = de_verb_parts(c, c.subj.person)
    if front_time:
        return " ".join([c.time[1], fin] + de_after_finite(c, drop=("time",)) + right)
    return " ".join([c.subj.de["nom"], fin] + de_middle(c) + right)


def de_inverted(c):
    """Verb-first order: yes/no questions and main clauses after a fronted 'wenn' clause."""
    fin, right, _ = de_verb_parts(c, c.subj.person)
    return " ".join([fin] + de_after_finite(c) + right)


def de_wh(c, wh, wh_de):
    if wh == "who":
        fin, right, _ = de_verb_parts(c, "3sg")
        return " ".join(["wer", fin] + de_middle(c) + right)
    fin, right, _ = de_verb_parts(c, c.subj.person)
    drop = {"what": ("acc",), "howmany": ("acc",), "where": ("pp",), "whither": ("pp",),
            "howold": ("pred",), "whereis": ("pred",)}.get(wh, ())
    return " ".join([wh_de, fin] + de_after_finite(c, drop) + right)


def de_sub(c):
    """Verb-final order for a subordinate clause (without the conjunction)."""
    _, right, fin_sub = de_verb_parts(c, c.subj.person)
    if c.tense == "pres" and c.verb != "be" and c.verb.sep:
        right = []
    return " ".join([c.subj.de["nom"]] + de_middle(c) + right + [fin_sub])


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------


def cap(s):
    return s[0].upper() + s[1:]


def same_name(a, b):
    """Both subjects are the same proper name ("David thinks that David ...")."""
    return a.en_subj == b.en_subj and a.en_subj in [n for n, _ in NAMES]


def sentence(rng):
    kind = rng.choices(["decl", "yn", "wh", "because", "that", "when1", "when2"],
                       weights=[36, 10, 12, 15, 11, 9, 7])[0]
    if kind == "decl":
        c = gen_clause(rng)
        if c is None:
            return None
        front = c.time is not None and c.time[2] and rng.random() < 0.35
        return cap(en_decl(c, front)) + ".", cap(de_main(c, front)) + "."
    if kind == "yn":
        c = gen_clause(rng, allow_neg=False, subj=question_subject(rng),
                       tenses=["pres", "pres", "perf", "fut", "can", "want"])
        if c is None or (c.verb != "be" and c.tense == "past"):
            return None
        return cap(en_question(c)) + "?", cap(de_inverted(c)) + "?"
    if kind == "wh":
        return wh_question(rng)
    if kind == "because":
        main = gen_clause(rng, allow_time=rng.random() < 0.5)
        sub = gen_clause(rng, allow_time=rng.random() < 0.5)
        if main is None or sub is None or same_name(main.subj, sub.subj):
            return None
        front = main.time is not None and main.time[2] and rng.random() < 0.3
        en = en_decl(main, front) + " because " + en_decl(sub)
        de = de_main(main, front) + ", weil " + de_sub(sub)
        return cap(en) + ".", cap(de) + "."
    if kind == "that":
        subj = person_np(rng, plural_p=0.1, adj_p=0.1)
        en_v, en_v3, de_forms = rng.choice(THAT_VERBS)
        sub = gen_clause(rng, allow_time=rng.random() < 0.5)
        if sub is None or same_name(subj, sub.subj):
            return None
        p = subj.person
        r = rng.random()
        if r < 0.15 and en_v == "think":
            en = subj.en_subj + " " + ("does" if p == "3sg" else "do") + " not think that " + en_decl(sub)
            de = subj.de["nom"] + " " + de_forms[p] + " nicht, dass " + de_sub(sub)
            return cap(en) + ".", cap(de) + "."
        if r < 0.3 and en_v in ("think", "know") and p in ("2sg", "3sg"):
            en = ("Does " if p == "3sg" else "Do ") + subj.en_subj + " " + en_v + " that " + en_decl(sub)
            de = de_forms[p] + " " + subj.de["nom"] + ", dass " + de_sub(sub)
            return cap(en) + "?", cap(de) + "?"
        en = subj.en_subj + " " + (en_v3 if p == "3sg" else en_v) + " that " + en_decl(sub)
        de = subj.de["nom"] + " " + de_forms[p] + ", dass " + de_sub(sub)
        return cap(en) + ".", cap(de) + "."
    # "when" clauses: present tense in the subordinate clause
    sub = gen_clause(rng, tenses=["pres"], allow_time=False, allow_neg=rng.random() < 0.3, episodic=True)
    main = gen_clause(rng, tenses=["pres", "fut", "can", "must"], allow_time=False, episodic=True)
    if sub is None or main is None or same_name(main.subj, sub.subj):
        return None
    if kind == "when1":
        en = "when " + en_decl(sub) + ", " + en_decl(main)
        de = "wenn " + de_sub(sub) + ", " + de_inverted(main)
    else:
        en = en_decl(main) + " when " + en_decl(sub)
        de = de_main(main) + ", wenn " + de_sub(sub)
    return cap(en) + ".", cap(de) + "."


def question_subject(rng):
    """Questions ask "you" more often than statements speak of "you"."""
    return pronoun_np("you") if rng.random() < 0.3 else None


def wh_question(rng):
    kind = rng.choices(["what", "who", "where", "whither", "when", "why", "howmany", "howold", "whereis"],
                       weights=[20, 12, 10, 10, 10, 12, 6, 5, 8])[0]
    tenses = ["pres", "pres", "perf", "fut", "can"]
    if kind == "what":
        frame = "acc"
        c = gen_clause(rng, tenses=tenses, allow_neg=False, allow_time=False, frame="acc",
                       subj=question_subject(rng))
        if c is None or c.acc is None or c.acc.kind == "person" or c.acc.noun is None:
            return None
        if c.verb.particle:
            return None
        return (cap(en_question(c, "what", ["what"])) + "?", cap(de_wh(c, "what", "was")) + "?")
    if kind == "who":
        c = gen_clause(rng, tenses=tenses, allow_neg=False, allow_time=False,
                       frame=rng.choice(["acc", "acc", "ditr", "dat", "motion", "loc"]))
        if c is None:
            return None
        return (cap(en_question(c, "who")) + "?", cap(de_wh(c, "who", "wer")) + "?")
    if kind in ("where", "whither"):
        c = gen_clause(rng, tenses=tenses, allow_neg=False, allow_time=False,
                       frame="loc" if kind == "where" else "motion", subj=question_subject(rng))
        if c is None or c.pp is None or c.with_ is not None:
            return None
        return (cap(en_question(c, kind, ["where"])) + "?",
                cap(de_wh(c, kind, "wo" if kind == "where" else "wohin")) + "?")
    if kind in ("when", "why"):
        c = gen_clause(rng, tenses=["pres", "pres", "fut", "can"] + (["perf"] if kind == "why" else []),
                       allow_neg=kind == "why", allow_time=False, subj=question_subject(rng))
        if c is None or c.verb == "be":
            return None
        if c.neg and kind == "why" and c.tense == "can":
            return None
        wh_en, wh_de = ("when", "wann") if kind == "when" else ("why", "warum")
        return (cap(en_question(c, kind, [wh_en])) + "?", cap(de_wh(c, kind, wh_de)) + "?")
    if kind == "howmany":
        c = gen_clause(rng, tenses=["pres"], allow_neg=False, allow_time=False, frame="acc",
                       subj=question_subject(rng))
        if c is None or c.verb.en[0] not in ("have", "buy", "see"):
            return None
        pool = {"have": nouns_with("animal") + [N["sister"], N["brother"], N["car"], N["bike"]],
                "buy": [N["apple"], N["book"], N["cake"], N["cup"], N["bag"]],
                "see": nouns_with("animal") + [N["car"], N["bus"]]}[c.verb.en[0]]
        n = rng.choice(pool)
        c.acc = None
        return (cap(en_question(c, "howmany", ["how", "many", n.en_pl])) + "?",
                cap(de_wh(c, "howmany", "wie viele " + n.de_pl)) + "?")
    if kind == "howold":
        c = gen_copula(rng, ["pres"], False, False)
        if c is None or c.pred[0] != "age":
            return None
        return (cap(en_question(c, "howold", ["how", "old"])) + "?", cap(de_wh(c, "howold", "wie alt")) + "?")
    if kind == "whereis":
        c = gen_copula(rng, ["pres", "past"], False, False)
        if c is None or c.pred[0] != "loc" or c.time is not None:
            return None
        return (cap(en_question(c, "whereis", ["where"])) + "?", cap(de_wh(c, "whereis", "wo")) + "?")
    return None


# --------------------------------------------------------------------------
# Generation, checks, output
# --------------------------------------------------------------------------

SUB_CONJ = ("weil", "dass", "wenn")


def finite_forms():
    forms = set()
    for t in (HABEN, SEIN, WAR, WERDEN) + tuple(MODALS.values()):
        forms.update(t.values())
    for v in V.values():
        for f in v.forms.values():
            forms.add((v.sep or "") + f)
    for _, _, t in THAT_VERBS:
        forms.update(t.values())
    return forms


def check_pair(en, de, finite):
    for s in (en, de):
        assert s and s == s.strip() and "  " not in s, (en, de)
        assert s[0].isupper() and s[-1] in ".?", (en, de)
        assert not re.search(r"None|\{|\}|_|\[|\]", s), (en, de)
        assert len(s.split()) <= MAX_WORDS, (en, de)
    assert en[-1] == de[-1], (en, de)
    en_words = en[:-1].split()
    assert all(x != y for x, y in zip(en_words, en_words[1:])), en   # "David will pick up David"
    # a comma before every German subordinate clause, and its finite verb at the end
    words = de[:-1].split()
    for i, w in enumerate(words):
        if w in SUB_CONJ:
            assert i == 0 or words[i - 1].endswith(","), de
            j = i + 1
            while j < len(words) and not words[j].endswith(","):
                j += 1
            last = words[min(j, len(words) - 1)].rstrip(",")
            assert last in finite, (de, last)
    # English subordinators map to German ones
    for en_c, de_c in (("because", "weil"), ("that", "dass")):
        assert (en_c in en.split()) == (de_c in words), (en, de)
    sub_when = (en.startswith("When ") and en.endswith(".")) or " when " in en
    assert sub_when == ("Wenn" in words or "wenn" in words), (en, de)


def generate():
    rng = random.Random(SEED)
    total = sum(n for _, n in SPLITS)
    finite = finite_forms()
    pairs, seen_en, seen_de = [], {}, set()
    attempts = 0
    while len(pairs) < total:
        attempts += 1
        assert attempts < 200 * total, "grammar too small for the requested sizes"
        p = sentence(rng)
        if p is None:
            continue
        en, de = p
        if en.endswith("?") and "I" in en.split():   # "Do I live in Berlin?"
            continue
        if not (en[0].isupper() and de[0].isupper()):   # e.g. a number as the first word
            continue
        if len(en.split()) > MAX_WORDS or len(de.split()) > MAX_WORDS:
            continue
        check_pair(en, de, finite)
        if en in seen_en:
            assert seen_en[en] == de, ("two translations", en, seen_en[en], de)
            continue
        if de in seen_de:
            continue
        seen_en[en] = de
        seen_de.add(de)
        pairs.append((en, de))
    rng.shuffle(pairs)
    out, i = {}, 0
    for name, n in SPLITS:
        out[name] = pairs[i:i + n]
        i += n
    # held-out sentences never occur in train, on either side
    train_en = {e for e, _ in out["train"]}
    train_de = {d for _, d in out["train"]}
    for name in ("valid", "test"):
        assert not any(e in train_en or d in train_de for e, d in out[name]), name
    assert not ({e for e, _ in out["valid"]} & {e for e, _ in out["test"]})
    return out


def tokens(s):
    return re.findall(r"\w+(?:'\w+)?|[^\w\s]", s)


def print_stats(out):
    for lang, idx in (("en", 0), ("de", 1)):
        all_types = set()
        for name, pairs in out.items():
            lens = [len(tokens(p[idx])) for p in pairs]
            words = [len(p[idx].split()) for p in pairs]
            types = {t for p in pairs for t in tokens(p[idx])}
            all_types |= types
            print("%-5s %s: %5d lines, words/line mean %.1f min %d max %d, tokens/line mean %.1f max %d, "
                  "%d types" % (name, lang, len(pairs), sum(words) / len(words), min(words), max(words),
                                sum(lens) / len(lens), max(lens), len(types)))
        word_types = {t for pairs in out.values() for p in pairs for t in tokens(p[idx]) if t[0].isalpha()}
        folded = {t.lower() for t in word_types}
        short = sum(1 for pairs in out.values() for p in pairs if len(p[idx].split()) < 4)
        print("all   %s: %d token types, %d word types (%d ignoring case), %d lines under 4 words"
              % (lang, len(all_types), len(word_types), len(folded), short))
    train_types = {t for p in out["train"] for t in tokens(p[1])}
    unseen = [t for p in out["test"] for t in tokens(p[1]) if t not in train_types]
    print("test de tokens not seen in train.de: %d" % len(unseen))


def write(out, outdir):
    os.makedirs(outdir, exist_ok=True)
    for name, pairs in out.items():
        for lang, idx in (("en", 0), ("de", 1)):
            path = os.path.join(outdir, "%s.%s" % (name, lang))
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write("".join(p[idx] + "\n" for p in pairs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=here, help="output directory (default: the script's own)")
    ap.add_argument("--stats", action="store_true", help="print corpus statistics")
    args = ap.parse_args()
    out = generate()
    write(out, args.out)
    print("wrote %s: %s" % (args.out, ", ".join("%s %d" % (k, len(v)) for k, v in out.items())))
    if args.stats:
        print_stats(out)


if __name__ == "__main__":
    sys.exit(main())
