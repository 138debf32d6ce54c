#!/usr/bin/env python3
"""Deterministic synthetic mail corpus for the Mailroom benchmark (issue 7).

    python3 scripts/gen_corpus.py --messages N --format mbox|maildir --out PATH [--seed S] [--contacts-out FILE]

Writes N messages (duplicate copies included) of one mailbox owned by dana.reyes@northwind.example (own domain
northwind.example and its subdomain eu.northwind.example), dated over the year before 2026-11-20:

- header sets as Thunderbird, Outlook, Gmail and Apple Mail write them, with Received chains, DKIM-Signature and
  Authentication-Results on received mail; RFC 2047 encoded subjects and display names (UTF-8 Q/B, ISO-8859-1,
  ISO-2022-JP); some raw UTF-8 IDN domains in contacts;
- threads of 1-30 messages linked by Message-ID / In-Reply-To / References (Outlook trims long chains), about 15%
  of conversations internal-only; about 10% of messages are newsletters (List-Id, List-Unsubscribe, Precedence);
- text bodies with a median around 4 KB (quoted replies, some quoted-printable or base64, some with an HTML
  alternative), and about 1% of messages carrying a 200 KB base64 attachment;
- about 2% of messages written twice (byte-identical copies: later in the mbox, or in Archive/ in the Maildir).

`--format mbox` writes one mboxrd file at PATH; `--format maildir` writes a Maildir tree at PATH (root = INBOX for
received mail, Sent/ for the owner's mail, Archive/ for the duplicate copies). `--contacts-out` writes a contacts
CSV (`id,name,emails`, emails separated by `;`) of 20,000 contacts of which about 3% duplicate another contact;
`--contacts N` writes N rows instead, those past the people the mail knows being CRM-only contacts who never write
in this mailbox (as most of a CRM's), so that a small window can be run against a CRM-sized contacts file. Given
`--contacts-out` without `--messages`, `--format` and `--out`, only the contacts file is written (the same rows).

Knobs that move cost (defaults reproduce the corpus above byte for byte; `--mix` names a preset of them):
`--recipients N` adds N Cc recipients to each conversation (colleagues and people of other companies, chosen per
thread), `--thread-scale F` multiplies thread lengths (so deeper References chains), `--references-keep N` trims
every client's References to its first and last N-1 ids (0: as each client does, Outlook 10), `--encoded-share F`
is the share of customer threads with an RFC 2047 international subject (0.08), `--nonascii-names F` the share of
external people with a non-ASCII display name (as drawn: about 0.3), `--attachment-share F` the share of
conversation messages with a 200 KB attachment (0.0105). Presets: `--mix default`, `--mix heavy` (4 more
recipients, threads x2.5, untrimmed References, 30% encoded subjects, 60% non-ASCII names, 4% attachments),
`--mix light` (no Cc, short threads, ASCII only, no attachments).

Output streams to disk (nothing but small per-thread plans is kept in memory) and is byte-identical for the same
arguments: no clock reads, one seeded random generator. A one-line summary goes to stderr.
Python 3.11, standard library only.
"""
import argparse
import base64
import binascii
import hashlib
import os
import random
import re
import sys
import unicodedata
import zlib
from datetime import datetime, timezone

UTC = timezone.utc
END = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())
START = END - 365 * 86400
OWNER = "dana.reyes@northwind.example"
OWN_DOMAINS = ("northwind.example", "eu.northwind.example")
CONTACTS = 20000

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

FIRST_NAMES = [
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Mateo", "Amara", "Kwame", "Chidi",
    "Ngozi", "Aisha", "Omar", "Fatima", "Yusuf", "Priya", "Arjun", "Ananya", "Rahul", "Wei", "Li", "Hui", "Jun",
    "Min-jun", "Seo-yeon", "Hiroshi", "Yuki", "Haruto", "Sakura", "Lars", "Ingrid", "Björn", "Astrid", "Jürgen",
    "Anna", "Lukas", "Léa", "Chloé", "Jean-Luc", "François", "Zoë", "Inês", "João", "Tomás", "Lucía", "José",
    "Marta", "Paweł", "Zofia", "Łukasz", "Ольга", "Дмитрий", "Elena", "Marek", "Eszter", "Ömer", "Ayşe", "Mehmet",
    "Nguyễn", "Thảo", "Kofi", "Abena", "Tariq", "Leila", "David", "Sarah", "Michael", "Laura", "Daniel", "Grace",
    "Samuel", "Hannah", "Oren", "Noa", "Carlos", "Valentina", "Diego", "Camila", "Sven", "Freya", "Raj", "Dana",
]
LAST_NAMES = [
    "Smith", "Johnson", "Brown", "García", "Martínez", "Rodríguez", "Müller", "Schäfer", "Schmidt", "Fischer",
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Patel", "Sharma", "Natarajan", "Iyer", "Chen", "Wang", "Zhang",
    "Liu", "Kim", "Park", "Lee", "Tanaka", "Suzuki", "Watanabe", "Yamamoto", "Larsen", "Johansson", "Lindqvist",
    "Nielsen", "Dubois", "Moreau", "Lefèvre", "Rossi", "Bianchi", "Costa", "Silva", "Pereira", "Nowak",
    "Wiśniewski", "Kowalczyk", "Иванова", "Петров", "Novák", "Horváth", "Yılmaz", "Demir", "Nguyen", "Tran",
    "Haddad", "Khan", "Rahman", "Levi", "Cohen", "O'Brien", "Murphy", "Kelly", "Reyes", "Alvarez", "Fernández",
    "Hernández", "Andersson", "Svensson", "Bakker", "de Vries", "Janssen", "Kowalski", "Popescu", "Papadopoulos",
]
ORG_WORDS = [
    "Contoso", "Fabrikam", "Northwind", "Tailspin", "Litware", "Adatum", "Proseware", "Lucerne", "Woodgrove",
    "Fourth", "Coffee", "Wide", "World", "Blue", "Yonder", "Alpine", "Margie", "Trey", "Wingtip", "Relecloud",
    "Humongous", "Graphic", "Design", "Southridge", "Datum", "Consolidated", "Globex", "Initech", "Umbrella",
    "Stark", "Vandelay", "Pied", "Piper", "Hooli", "Soylent", "Acme", "Cyberdyne", "Tyrell", "Wonka", "Oscorp",
]
ORG_SUFFIX = ["logistics", "retail", "analytics", "group", "labs", "systems", "foods", "energy", "health",
              "bank", "media", "mobility", "trading", "partners", "works"]
IDN_ORGS = ["bücher", "müller-bau", "café-lumière", "søndergaard", "łódź-logistyka", "żabka-dane", "straße-24",
            "élan-conseil", "niño-textil", "göteborg-data"]
FREEMAIL = ["gmail.com", "googlemail.com", "outlook.com", "yahoo.example", "proton.example"]
TOPICS = [
    "Q{q} forecast review", "Renewal quote for {y}", "Dashboard refresh failing", "Invoice {n} discrepancy",
    "Onboarding new analysts", "Data feed outage", "Security questionnaire", "Migration timeline",
    "Workshop follow-up", "Access to the shared dataset", "Pricing model update", "Weekly status: {org}",
    "Contract amendment", "API rate limits", "Model drift alerts", "Holiday season forecast", "PO {n}",
    "Call notes", "Training budget", "Store-level export", "SLA report for {m}", "Demo request",
    "Data retention question", "Integration proposal", "Pilot results", "Quarterly business review",
    "Schema change in the POS export", "Login issues", "Budget planning {y}", "Kick-off agenda",
]
INTL_SUBJECTS = [
    ("Angebot für Lagerprognose", "UTF-8", "Q"), ("Rückfrage zur Rechnung {n}", "ISO-8859-1", "Q"),
    ("Réunion de lancement – ordre du jour", "UTF-8", "Q"), ("Presupuesto para {y}: revisión", "ISO-8859-1", "Q"),
    ("需要予測ワークショップの件", "ISO-2022-JP", "B"), ("Статус проекта", "UTF-8", "B"),
    ("Współpraca – propozycja", "UTF-8", "B"), ("Toplantı notları ✅", "UTF-8", "B"),
]
INTERNAL_TOPICS = ["Offsite agenda", "Hiring: senior data engineer", "Expense report approval", "Q{q} pipeline review",
                   "Laptop refresh", "Board deck numbers", "EU data residency checklist", "On-call rota",
                   "Team lunch on Friday", "Customer health scores", "OKR draft", "Release notes v{n}"]
WORDS = ("the forecast data team numbers report pipeline export model accuracy store region weekly monthly invoice "
         "contract renewal workshop meeting call schedule update review issue fix deploy dashboard metric customer "
         "account budget quarter timeline migration warehouse feed schema column table query latency error job "
         "backfill pilot scope proposal price seats licence support ticket owner access security audit deadline "
         "draft figures variance trend season demand supply shipment carrier route delay estimate plan").split()
SENTENCES = [
    "Thanks for the quick turnaround on this.", "I shared your notes with the team.",
    "Could you send over the updated numbers before Thursday's call?",
    "We ran the numbers again and they now match within a percent.",
    "Our finance team needs the revised figures by the end of the month.",
    "Can we loop in someone from your data team for the next session?",
    "The export from last night looks complete.", "The weekly report still shows the old region names.",
    "Let me check with IT whether the service account can be extended.",
    "I have sent a calendar invite for Tuesday at 10:00.", "Apologies for the slow reply, it has been a busy week.",
    "I checked with our engineers and we can have a fix in place by Wednesday.",
    "Happy to set up a short call to walk through the details.", "We can extend the pilot by two weeks.",
    "Could you confirm the list of stores that should be included?", "The refreshed dashboard is live.",
    "Let's keep the scope as agreed and revisit the extra regions next quarter.",
    "We have reprocessed the affected days and the gaps are closed now.",
]
INTL_SENTENCES = {
    "de": ["Vielen Dank für Ihre schnelle Rückmeldung.", "Anbei die überarbeiteten Zahlen für das Quartal.",
           "Könnten wir den Termin auf nächste Woche verschieben?", "Grundsätzlich sind wir einverstanden."],
    "fr": ["Merci pour votre retour rapide.", "Vous trouverez ci-joint les chiffres révisés.",
           "Pourrions-nous décaler la réunion à jeudi prochain ?", "Nous sommes d'accord sur le périmètre."],
    "es": ["Gracias por la información.", "Revisaré los datos del almacén y le responderé mañana.",
           "¿Podemos mover la reunión al jueves?", "Estamos de acuerdo con la propuesta."],
    "ja": ["いつもお世話になっております。", "資料を拝見しました。ありがとうございます。",
           "来週の打ち合わせでご説明いただけますと幸いです。", "引き続きよろしくお願いいたします。"],
    "ru": ["Спасибо за быстрый ответ.", "Высылаю обновлённые цифры за квартал.",
           "Можем ли мы перенести встречу на четверг?", "В целом мы согласны с предложением."],
}
LOCAL_NAMES = {
    "ja": ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健", "伊藤 直子", "渡辺 翔太", "中村 由美"],
    "ru": ["Ольга Иванова", "Дмитрий Петров", "Елена Смирнова", "Алексей Кузнецов", "Наталья Попова"],
    "de": ["Jürgen Müller", "Anna Schäfer", "Lukas Weiß", "Sophie Groß", "Jörg Köhler"],
    "fr": ["Léa Lefèvre", "François Gérard", "Chloé Bénard", "Hélène Rivière", "Zoë Fabre"],
    "es": ["Lucía Fernández", "José Núñez", "Marta García", "Sofía Hernández", "Íñigo Peña"],
}
CLIENTS = ["thunderbird", "outlook", "outlook", "gmail", "gmail", "apple"]
CHARSET_CODEC = {"UTF-8": "utf-8", "ISO-8859-1": "iso-8859-1", "ISO-2022-JP": "iso2022_jp"}


# ------------------------------------------------------------------------------------------------ encoding helpers

def encoded_words(text: str, charset: str = "UTF-8", mode: str = "Q") -> str:
    """RFC 2047 encoded words of at most 75 characters, joined by folding white space."""
    codec = CHARSET_CODEC[charset]

    def word(s: str) -> str:
        data = s.encode(codec)
        if mode == "B":
            return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
        q = "".join("_" if b == 32 else chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122)
                    else f"={b:02X}" for b in data)
        return f"=?{charset}?Q?{q}?="

    out, cur = [], ""
    for ch in text:
        if cur and len(word(cur + ch)) > 75:
            out.append(word(cur))
            cur = ch
        else:
            cur += ch
    if cur:
        out.append(word(cur))
    return "\n ".join(out)


def rfc5322(ts: int, off: int) -> str:
    d = datetime.fromtimestamp(ts + off * 60, UTC)
    sign = "+" if off >= 0 else "-"
    return (f"{DAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year} {d.hour:02d}:{d.minute:02d}:"
            f"{d.second:02d} {sign}{abs(off) // 60:02d}{abs(off) % 60:02d}")


def asctime(ts: int) -> str:
    d = datetime.fromtimestamp(ts, UTC)
    return f"{DAYS[d.weekday()]} {MONTHS[d.month - 1]} {d.day:2d} {d.hour:02d}:{d.minute:02d}:{d.second:02d} {d.year}"


def encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def folded(addr: str) -> str:
    """The match key with provider folding (as AddressNormalizer.foldedKey): lower case, ASCII domain, no `+tag`,
    Gmail dots removed and googlemail.com read as gmail.com."""
    local, dom = addr.rsplit("@", 1)
    local, dom = local.lower(), idna(dom).lower()
    if "+" in local[1:]:
        local = local[:local.index("+", 1)]
    if dom in ("gmail.com", "googlemail.com"):
        local, dom = local.replace(".", ""), "gmail.com"
    return f"{local}@{dom}"


def idna(domain: str) -> str:
    return domain.encode("idna").decode("ascii")


# ------------------------------------------------------------------------------------------------ population

class Person:
    __slots__ = ("name", "local", "domain", "udomain", "addr", "client", "lang", "tz", "internal", "header",
                 "first", "charset")

    def __init__(self, name, local, udomain, client, lang, tz, name_charset):
        self.name = name
        self.local = local
        self.udomain = udomain
        self.domain = idna(udomain) if not udomain.isascii() else udomain
        self.addr = f"{local}@{self.domain}"
        self.client = client
        self.lang = lang
        self.tz = tz
        self.internal = self.domain in OWN_DOMAINS
        self.first = name.split(" ")[0]
        self.charset = name_charset
        if name.isascii():
            self.header = f'"{name}" <{self.addr}>' if any(c in name for c in ",.'") else f"{name} <{self.addr}>"
        else:
            cs, mode = name_charset
            self.header = f"{encoded_words(name, cs, mode)} <{self.addr}>"


CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                     "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def ascii_word(word: str) -> str:
    w = unicodedata.normalize("NFKD", word.lower().replace("ß", "ss").replace("ł", "l").replace("ø", "o")
                              .replace("ı", "i"))
    w = "".join(CYRILLIC.get(c, c) for c in w)
    w = "".join(c for c in w if c.isascii() and (c.isalnum() or c == "-"))
    return w or f"u{zlib.crc32(word.encode()) % 10000}"


def ascii_local(name: str, style: int) -> str:
    parts = [ascii_word(p) for p in name.replace(",", "").split(" ")]
    first, last = parts[0], parts[-1]
    return [f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last[0]}", f"{first}_{last}"][style % 4]


class Population:
    def __init__(self, rng: random.Random):
        r = rng
        self.internal: list[Person] = []
        used = set()
        for i in range(200):
            name = self.person_name(r)
            dom = "eu.northwind.example" if i % 5 == 0 else "northwind.example"
            local = ascii_local(name, 0)
            while f"{local}@{dom}" in used:
                local += str(r.randint(2, 9))
            used.add(f"{local}@{dom}")
            self.internal.append(Person(name, local, dom, r.choice(CLIENTS), "en",
                                        -300 if dom == "northwind.example" else 60, ("UTF-8", "Q")))
        self.owner = Person("Dana Reyes", "dana.reyes", "northwind.example", "thunderbird", "en", -300,
                            ("UTF-8", "Q"))
        self.internal[0] = self.owner
        self.external: list[Person] = []
        self.companies: list[list[int]] = []
        langs = ["en"] * 14 + ["de", "fr", "es", "ja", "ru"]
        for c in range(2400):
            if c % 240 == 7:
                udom = f"{IDN_ORGS[(c // 240) % len(IDN_ORGS)]}{c}.example"
            else:
                udom = f"{r.choice(ORG_WORDS).lower()}-{r.choice(ORG_SUFFIX)}{c}.example"
            client = r.choice(CLIENTS)
            lang = r.choice(langs)
            members = []
            for _ in range(r.randint(4, 16)):
                members.append(self.add_external(r, udom, client if r.random() < 0.7 else r.choice(CLIENTS),
                                                 lang, used))
            self.companies.append(members)
        self.freemail = []
        for i in range(2500):
            dom = FREEMAIL[i % len(FREEMAIL)]
            self.freemail.append(self.add_external(r, dom, "gmail" if "gmail" in dom else r.choice(CLIENTS),
                                                   r.choice(langs), used))
        self.newsletters = []
        for i in range(40):
            org = f"{ORG_WORDS[i % len(ORG_WORDS)]} {['Weekly', 'Digest', 'News', 'Update'][i % 4]}"
            dom = f"{ORG_WORDS[i % len(ORG_WORDS)].lower()}-news{i}.example"
            self.newsletters.append(Person(org, ["newsletter", "digest", "noreply", "news"][i % 4], dom, "list",
                                           "en", 0, ("UTF-8", "Q")))

    @staticmethod
    def person_name(r: random.Random) -> str:
        return f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"

    def add_external(self, r, udom, client, lang, used) -> int:
        name = r.choice(LOCAL_NAMES[lang]) if lang in LOCAL_NAMES and r.random() < 0.6 else self.person_name(r)
        local = ascii_local(name, r.randrange(4))
        while folded(f"{local}@{udom}") in used:     # distinct people never share an address, even folded
            local += str(r.randint(0, 9))
        used.add(folded(f"{local}@{udom}"))
        cs = ("ISO-2022-JP", "B") if lang == "ja" and client == "outlook" and encodable(name, "iso2022_jp") else \
            ("ISO-8859-1", "Q") if all(ord(c) < 256 for c in name) and r.random() < 0.3 else \
            ("UTF-8", r.choice("QB"))
        if name.isascii() and r.random() < 0.05:
            name = f"{name.split(' ')[-1]}, {name.split(' ')[0]}"
        self.external.append(Person(name, local, udom, client, lang, r.choice([-480, -300, 0, 60, 120, 330, 540]),
                                    cs))
        return len(self.external) - 1


# ------------------------------------------------------------------------------------------------ text pools

class Pools:
    def __init__(self, r: random.Random):
        self.paragraphs = []
        for _ in range(600):
            sent = []
            for _ in range(r.randint(2, 6)):
                if r.random() < 0.5:
                    sent.append(r.choice(SENTENCES))
                else:
                    w = [r.choice(WORDS) for _ in range(r.randint(8, 22))]
                    sent.append(" ".join(w).capitalize() + r.choice([".", ".", "?", "."]))
            self.paragraphs.append(wrap(" ".join(sent)))
        self.quoted = ["\n".join("> " + ln for ln in p.split("\n")) for p in self.paragraphs]
        self.intl = {k: [wrap(" ".join(r.sample(v, 3))) for _ in range(20)] for k, v in INTL_SENTENCES.items()}
        self.dkim = [base64.b64encode(r.randbytes(256)).decode() for _ in range(64)]
        self.bh = [base64.b64encode(r.randbytes(32)).decode() for _ in range(64)]
        self.attachments = []
        for i in range(3):
            blob = b"%PDF-1.5\n" + r.randbytes(146000)       # 200 KB once base64-encoded
            self.attachments.append((f"report-{i + 1}.pdf", base64.encodebytes(blob)))
        self.html_blocks = []
        for i in range(120):
            p = self.paragraphs[i].replace("\n", " ")
            self.html_blocks.append(
                f'<tr><td style="padding:12px 24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;'
                f'line-height:22px;color:#333333"><h2 style="margin:0 0 8px">{p[:40]}</h2><p>{p}</p>'
                f'<a href="https://news.example/r/{i:04d}?utm_source=newsletter&amp;utm_medium=email" '
                f'style="color:#0a66c2">Read more</a></td></tr>\n')


def wrap(text: str, width: int = 72) -> str:
    out, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ plan

SIZES = [1] * 35 + [2] * 20 + [3] * 12 + [4, 5, 6] * 5 + [7, 8, 9, 10, 11, 12] * 2 + list(range(13, 31, 3)) + [30]


class Thread:
    __slots__ = ("kind", "subject", "encoded", "people", "senders", "parents", "times", "org")


class Plan:
    """Threads and the time-ordered list of (time, thread, index) for every message."""

    def __init__(self, rng: random.Random, pop: Population, n: int, knobs: "Knobs"):
        r = rng
        extra = random.Random(knobs.seed + 3)   # the knobs' own draws: the default corpus keeps its bytes
        self.dups = round(n * 0.02)
        originals = n - self.dups
        newsletters = round(originals * 0.10)
        conv_target = originals - newsletters
        self.threads: list[Thread] = []
        stubs = []
        total = 0
        while total < conv_target:
            size = min(max(1, round(r.choice(SIZES) * knobs.thread_scale)), conv_target - total)
            t = Thread()
            internal = r.random() < 0.15
            t.kind = "internal" if internal else "customer"
            if internal:
                people = [0] + r.sample(range(1, len(pop.internal)), r.randint(1, 4))
                t.people = [("i", x) for x in people]
                subj, cs = fill(r, r.choice(INTERNAL_TOPICS)), None
            else:
                if r.random() < 0.12:
                    ext = [r.choice(pop.freemail)]
                else:
                    comp = pop.companies[min(int(r.paretovariate(1.2)) - 1, len(pop.companies) - 1)
                                         if r.random() < 0.3 else r.randrange(len(pop.companies))]
                    ext = r.sample(comp, min(len(comp), r.choice([1, 1, 1, 2, 2, 3, 4])))
                cols = r.sample(range(1, len(pop.internal)), r.choice([0, 0, 1, 1, 2]))
                t.people = [("i", 0)] + [("i", x) for x in cols] + [("e", x) for x in ext]
                if r.random() < knobs.encoded_share:
                    subj, cs, mode = r.choice(INTL_SUBJECTS)
                    subj, cs = fill(r, subj), (cs, mode)
                else:
                    subj, cs = fill(r, r.choice(TOPICS)), None
            if knobs.recipients and not internal:
                more = [("i", x) for x in extra.sample(range(1, len(pop.internal)), knobs.recipients // 2)]
                more += [("e", extra.randrange(len(pop.external))) for _ in range(knobs.recipients - len(more))]
                t.people += [x for x in more if x not in t.people]
            t.subject = subj
            t.encoded = encoded_words(subj, *cs) if cs else subj
            # alternate between the owner's side and the other side, first sender either
            own_side = [p for p in t.people if p[0] == "i"]
            other = [p for p in t.people if p[0] == "e"] or own_side[1:] or own_side
            side = r.random() < 0.4
            senders, parents = [], []
            for i in range(size):
                group = own_side if side else other
                if group is own_side and not internal:
                    senders.append(own_side[0] if r.random() < 0.75 else r.choice(own_side))
                else:
                    senders.append(r.choice(group))
                parents.append(-1 if i == 0 else (i - 1 if r.random() < 0.85 else r.randrange(i)))
                side = not side
            t.senders, t.parents = senders, parents
            start = START + r.randrange(365 * 86400 - 3600)
            ts = start
            tid = len(self.threads)
            for i in range(size):
                stubs.append((min(ts, END - 1), tid, i))
                ts += r.randint(600, 3 * 86400)
            total += size
            self.threads.append(t)
        for k in range(newsletters):
            t = Thread()
            t.kind = "newsletter"
            t.people = [("n", r.randrange(len(pop.newsletters))), ("i", 0)]
            t.senders, t.parents = [t.people[0]], [-1]
            t.subject = fill(r, r.choice(["{org} #{n}: what's new", "Your {m} digest", "This week in data: {org}"]))
            t.encoded = t.subject
            stubs.append((START + r.randrange(365 * 86400), len(self.threads), 0))
            self.threads.append(t)
        stubs.sort()
        self.stubs = stubs
        dup_positions = r.sample(range(len(stubs)), self.dups)
        self.dup_at = set(dup_positions)


def fill(r: random.Random, template: str) -> str:
    return template.format(q=r.randint(1, 4), y=r.choice([2026, 2027]), n=r.randint(1000, 99999),
                           org=r.choice(ORG_WORDS), m=r.choice(["January", "March", "June", "September",
                                                                 "October", "November"]))


class Knobs:
    """What `--mix` and the knob options set (defaults: the corpus as it always was)."""
    MIXES = {
        "default": {},
        "heavy": {"recipients": 4, "thread_scale": 2.5, "references_keep": 1000, "encoded_share": 0.30,
                  "nonascii_names": 0.60, "attachment_share": 0.04},
        "light": {"recipients": 0, "thread_scale": 0.5, "encoded_share": 0.0, "nonascii_names": 0.0,
                  "attachment_share": 0.0},
    }

    def __init__(self, args):
        self.seed = args.seed
        preset = self.MIXES[args.mix]
        def pick(name, default):
            v = getattr(args, name)
            return v if v is not None else preset.get(name, default)
        self.recipients = pick("recipients", 0)
        self.thread_scale = pick("thread_scale", 1.0)
        self.references_keep = pick("references_keep", 0)
        self.encoded_share = pick("encoded_share", 0.08)
        self.nonascii_names = pick("nonascii_names", None)
        self.attachment_share = pick("attachment_share", 0.0105)
        if self.recipients < 0 or self.thread_scale <= 0 or self.references_keep < 0:
            raise ValueError("--recipients and --references-keep must be >= 0, --thread-scale > 0")

    def label(self) -> str:
        return (f"recipients +{self.recipients}, threads x{self.thread_scale:g}, References "
                f"{'as clients write them' if not self.references_keep else f'kept to {self.references_keep}'}, "
                f"encoded subjects {self.encoded_share:g}, non-ASCII names "
                f"{'as drawn' if self.nonascii_names is None else f'{self.nonascii_names:g}'}, "
                f"attachments {self.attachment_share:g}")


NONASCII_FIRST = [n for n in FIRST_NAMES if not n.isascii()]
NONASCII_LAST = [n for n in LAST_NAMES if not n.isascii()]


def reshape_names(pop: "Population", share: float, seed: int) -> None:
    """Makes about `share` of the external people's display names non-ASCII (and the rest ASCII), keeping their
    addresses: a name drawn non-ASCII stays, an ASCII one gets non-ASCII first and last names; a non-ASCII name
    beyond the share is transliterated."""
    r = random.Random(seed + 4)
    for k, p in enumerate(pop.external):
        want = r.random() < share
        name = p.name
        if want and name.isascii():
            name = f"{r.choice(NONASCII_FIRST)} {r.choice(NONASCII_LAST)}"
        elif not want and not name.isascii():
            name = " ".join(ascii_word(w).capitalize() for w in name.split(" ")) or "Customer"
        if name != p.name:
            codec = {"UTF-8": "utf-8", "ISO-8859-1": "latin-1", "ISO-2022-JP": "iso2022_jp"}[p.charset[0]]
            cs = p.charset if encodable(name, codec) else ("UTF-8", p.charset[1])
            q = Person(name, p.local, p.udomain, p.client, p.lang, p.tz, cs)
            q.internal = p.internal
            pop.external[k] = q


# ------------------------------------------------------------------------------------------------ rendering

class Writer:
    def __init__(self, args, rng, pop, pools, plan):
        self.r = rng
        self.pop = pop
        self.pools = pools
        self.plan = plan
        self.seed = args.seed
        self.knobs = args.knobs
        self.bytes = 0
        self.attachments = 0
        self.html = 0

    def person(self, ref) -> Person:
        kind, i = ref
        return self.pop.internal[i] if kind == "i" else self.pop.external[i] if kind == "e" \
            else self.pop.newsletters[i]

    def msgid(self, tid: int, i: int) -> str:
        t = self.plan.threads[tid]
        p = self.person(t.senders[i])
        h = hashlib.blake2b(f"{self.seed}:{tid}:{i}".encode(), digest_size=16).hexdigest()
        c = p.client
        if c == "outlook":
            box = ["AM9PR07MB7142", "DB8PR10MB3721", "BN6PR11MB4049", "SJ0PR13MB5628"][int(h[0], 16) % 4]
            region = {"A": "eurprd07", "D": "eurprd10", "B": "namprd11", "S": "namprd13"}[box[0]]
            return f"<{box}{h[:24].upper()}@{box}.{region}.prod.outlook.com>"
        if c == "gmail":
            return f"<CA{base64.b64encode(bytes.fromhex(h + h[:10])).decode().rstrip('=')}@mail.gmail.com>"
        if c == "apple":
            return f"<{h[:8].upper()}-{h[8:12].upper()}-{h[12:16].upper()}-{h[16:20].upper()}-{h[20:].upper()}" \
                   f"@{p.domain}>"
        if c == "list":
            return f"<{h[:20]}.{tid}@mail.{p.domain}>"
        return f"<{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}@{p.domain}>"

    def references(self, tid: int, i: int, client: str) -> list[str]:
        t = self.plan.threads[tid]
        chain = []
        j = t.parents[i]
        while j >= 0:
            chain.append(j)
            j = t.parents[j]
        refs = [self.msgid(tid, j) for j in reversed(chain)]
        keep = self.knobs.references_keep
        if keep and len(refs) > keep:
            refs = refs[:1] + refs[-(keep - 1):] if keep > 1 else refs[-1:]
        elif not keep and client == "outlook" and len(refs) > 10:
            refs = refs[:1] + refs[-9:]
        return refs

    def received(self, p: Person, ts: int) -> str:
        r = self.r
        ip = f"{r.choice(('192.0.2', '198.51.100', '203.0.113'))}.{r.randint(2, 250)}"
        mta = {"outlook": f"mail-{r.choice(('am6', 'db5', 'bn7'))}eur0{r.randint(1, 9)}on2{r.randint(600, 730)}"
                          f".outbound.protection.outlook.com",
               "gmail": f"mail-wr1-f{r.randint(41, 199)}.google.com"}.get(p.client, f"mail.{p.domain}")
        qid = f"{r.getrandbits(44):011X}"
        lmtp = base64.b64encode(r.randbytes(12)).decode()
        hops = [f"Return-Path: <{p.addr}>", f"Delivered-To: {OWNER}",
                f"Received: from mx.northwind.example ([127.0.0.1])\n\tby imap.northwind.example (Dovecot) with "
                f"LMTP id {lmtp}\n\tfor <{OWNER}>; {rfc5322(ts + 3, 0)}",
                f"Received: from {mta} ({mta} [{ip}])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
                f"(256/256 bits))\n\tby mx.northwind.example (Postfix) with ESMTPS id {qid}\n\tfor <{OWNER}>; "
                f"{rfc5322(ts + 2, 0)}"]
        if p.client in ("outlook", "gmail"):
            hops.append(f"Received: from {p.domain.split('.')[0][:12]}-app{r.randint(1, 9)} ({ip}) by {mta} "
                        f"with HTTP; {rfc5322(ts, 0)}")
        k = r.randrange(64)
        hops += [f"Authentication-Results: mx.northwind.example;\n\tdkim=pass header.d={p.domain};\n\t"
                 f"spf=pass smtp.mailfrom={p.domain};\n\tdmarc=pass header.from={p.domain}",
                 f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={p.domain};\n\ts=selector{k % 2 + 1}; "
                 f"t={ts}; h=From:To:Subject:Date:Message-ID:References:In-Reply-To;\n\tbh={self.pools.bh[k]};\n\t"
                 f"b={self.pools.dkim[k][:76]}\n\t {self.pools.dkim[k][76:152]}\n\t {self.pools.dkim[k][152:228]}"]
        return "\n".join(hops)

    def body_text(self, t: Thread, i: int, sender: Person, to: Person, ts: int) -> str:
        r = self.r
        pools = self.pools
        target = min(60000, max(300, int(r.lognormvariate(8.2, 0.35))))   # median ~3.8 KB of text
        lang = sender.lang
        lines = [f"Hi {to.first}," if to.first.isascii() else f"{to.first},", ""]
        if lang != "en" and lang in pools.intl:
            lines.append(r.choice(pools.intl[lang]))
        for _ in range(r.randint(1, 3)):
            lines.append(pools.paragraphs[r.randrange(len(pools.paragraphs))])
            lines.append("")
        lines += ["Best regards,", sender.name, ""]
        size = sum(len(x) + 1 for x in lines)
        if i > 0:
            lines.append(f"On {rfc5322(ts - 5400, sender.tz)[:22]}, {to.name} <{to.addr}> wrote:")
            q = pools.quoted
            while size < target:
                s = q[r.randrange(len(q))]
                lines.append(s)
                lines.append(">")
                size += len(s) + 2
        else:
            while size < target:
                s = pools.paragraphs[r.randrange(len(pools.paragraphs))]
                lines.append(s)
                lines.append("")
                size += len(s) + 1
        return "\n".join(lines) + "\n"

    def content(self, t: Thread, sender: Person, text: str) -> tuple[str, bytes]:
        """Content headers and body bytes as the sender's client encodes them."""
        r = self.r
        c = sender.client
        ascii_text = text.isascii()
        if ascii_text:
            data = text.encode()
            if c == "gmail" and r.random() < 0.3:
                return self.alternative(text)
            cs = {"outlook": '"us-ascii"', "gmail": '"UTF-8"', "apple": "us-ascii"}.get(c, "UTF-8; format=flowed")
            return f"Content-Type: text/plain; charset={cs}\nContent-Transfer-Encoding: 7bit", data
        if sender.lang == "ja" and c == "outlook":
            try:
                data = text.encode("iso2022_jp")
                return "Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit", data
            except UnicodeEncodeError:
                pass
        data = text.encode()
        if c == "thunderbird":
            return "Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit", data
        if c == "outlook":
            return ('Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64',
                    base64.encodebytes(data))
        if c == "gmail" and r.random() < 0.3:
            return self.alternative(text)
        return ("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
                binascii.b2a_qp(data))

    def alternative(self, text: str) -> tuple[str, bytes]:
        self.html += 1
        b = f"000000000000{self.r.getrandbits(48):012x}"
        html = '<div dir="ltr">' + text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>\n") + \
               "</div>\n"
        body = (f"--{b}\nContent-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable"
                f"\n\n").encode() + binascii.b2a_qp(text.encode()) + \
            (f"\n--{b}\nContent-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable"
             f"\n\n").encode() + binascii.b2a_qp(html.encode()) + f"\n--{b}--\n".encode()
        return f'Content-Type: multipart/alternative; boundary="{b}"', body

    def with_attachment(self, ctype: str, body: bytes) -> tuple[str, bytes]:
        self.attachments += 1
        name, blob = self.pools.attachments[self.r.randrange(len(self.pools.attachments))]
        b = f"----=_NextPart_{self.r.getrandbits(64):016X}"
        return (f'Content-Type: multipart/mixed;\n\tboundary="{b}"',
                f"--{b}\n{ctype}\n\n".encode() + body +
                f"\n--{b}\nContent-Type: application/pdf; name=\"{name}\"\nContent-Disposition: attachment; "
                f"filename=\"{name}\"\nContent-Transfer-Encoding: base64\n\n".encode() + blob + f"--{b}--\n".encode())

    def newsletter(self, t: Thread, tid: int, ts: int) -> bytes:
        r = self.r
        p = self.person(t.senders[0])
        n = r.randint(3, 7)
        blocks = "".join(self.pools.html_blocks[r.randrange(120)] for _ in range(n))
        html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t.subject}</title></head><body>'
                f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">\n{blocks}</table>'
                f'<p style="font-size:11px;color:#888">You receive this because you subscribed. '
                f'<a href="https://{p.domain}/u/{tid:x}">Unsubscribe</a></p></body></html>\n')
        text = f"{t.subject}\n\n" + "\n\n".join(self.pools.paragraphs[r.randrange(600)] for _ in range(n)) + \
               f"\n\nUnsubscribe: https://{p.domain}/u/{tid:x}\n"
        b = f"----=_Part_{tid}_{r.getrandbits(30)}.{ts}"
        body = (f"--{b}\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n{text}\n"
                f"--{b}\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                ).encode() + binascii.b2a_qp(html.encode()) + f"\n--{b}--\n".encode()
        head = [self.received(p, ts),
                f"From: {p.header}", f"To: {self.pop.owner.header}", f"Subject: {t.encoded}",
                f"Date: {rfc5322(ts, 0)}", f"Message-ID: {self.msgid(tid, 0)}", "MIME-Version: 1.0",
                f"List-Id: {p.name} <{p.local}.{p.domain}>",
                f"List-Unsubscribe: <https://{p.domain}/u/{tid:x}>,\n <mailto:unsubscribe@{p.domain}?subject=u{tid}>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Precedence: bulk",
                f"Feedback-ID: {tid}:{p.local}:newsletter",
                f'Content-Type: multipart/alternative; boundary="{b}"']
        return "\n".join(head).encode() + b"\n\n" + body

    def message(self, tid: int, i: int, ts: int) -> tuple[bytes, Person]:
        t = self.plan.threads[tid]
        if t.kind == "newsletter":
            return self.newsletter(t, tid, ts), self.person(t.senders[0])
        r = self.r
        sender = self.person(t.senders[i])
        parent = t.parents[i]
        if parent >= 0:
            to = [self.person(t.senders[parent])]
            if to[0] is sender:
                to = [self.person(x) for x in t.people if self.person(x) is not sender][:1]
        else:
            to = [self.person(x) for x in t.people if self.person(x) is not sender][:1]
        cc = [self.person(x) for x in t.people if self.person(x) is not sender and self.person(x) not in to]
        c = sender.client
        subj = t.encoded
        if i > 0:
            subj = (("AW: " if sender.lang == "de" else "RE: ") if c == "outlook" else "Re: ") + subj
        refs = self.references(tid, i, c) if parent >= 0 else []
        ref_h = "References: " + "\n ".join(refs) if refs else None
        irt = f"In-Reply-To: {refs[-1]}" if refs else None
        mid = f"Message-ID: {self.msgid(tid, i)}"
        off = 0 if c == "outlook" else sender.tz
        date = f"Date: {rfc5322(ts, off)}"
        frm = f"From: {sender.header}"
        to_h = "To: " + ",\n ".join(p.header for p in to)
        cc_h = ("CC: " if c == "outlook" else "Cc: ") + ",\n ".join(p.header for p in cc) if cc else None
        text = self.body_text(t, i, sender, to[0], ts)
        ctype, body = self.content(t, sender, text)
        if r.random() < self.knobs.attachment_share:
            ctype, body = self.with_attachment(ctype, body)
        h = [] if sender is self.pop.owner else [self.received(sender, ts)]   # the owner's copy is in Sent
        if c == "outlook":
            h += [frm, to_h, cc_h, f"Subject: {subj}", f"Thread-Topic: {t.encoded}",
                  f"Thread-Index: {base64.b64encode(r.randbytes(22 + 5 * min(i, 8))).decode()}", date, mid,
                  ref_h, irt, "Accept-Language: en-US", "Content-Language: en-US",
                  "X-MS-Has-Attach: yes" if "mixed" in ctype else "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:",
                  ctype, "MIME-Version: 1.0"]
        elif c == "gmail":
            h += ["MIME-Version: 1.0", ref_h, irt, frm, date, mid, f"Subject: {subj}", to_h, cc_h, ctype]
        elif c == "apple":
            h += [frm, ctype, "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))", f"Subject: {subj}",
                  date, ref_h, to_h, cc_h, irt, f"Message-Id: {self.msgid(tid, i)}",
                  "X-Mailer: Apple Mail (2.3826.200.121)"]
        else:
            h += [mid, date, "MIME-Version: 1.0",
                  "User-Agent: Mozilla Thunderbird", f"Subject: {subj}", "Content-Language: en-US", to_h, cc_h,
                  ref_h, frm, irt, ctype]
        return "\n".join(x for x in h if x).encode() + b"\n\n" + body, sender


# ------------------------------------------------------------------------------------------------ output

MBOXRD_FROM = re.compile(rb"(?m)^(>*From )")


class MboxSink:
    def __init__(self, path: str):
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        self.f = open(path, "wb", buffering=1 << 20)

    def write(self, data: bytes, sender: Person, ts: int, folder: str, seq: int, flags: str) -> None:
        if b"From " in data:   # mboxrd: quote every line that starts with >*"From "
            data = MBOXRD_FROM.sub(rb">\1", data)
        self.f.write(f"From {sender.addr} {asctime(ts)}\n".encode())
        self.f.write(data)
        if not data.endswith(b"\n"):
            self.f.write(b"\n")
        self.f.write(b"\n")

    def close(self) -> None:
        self.f.close()


class MaildirSink:
    def __init__(self, path: str):
        self.root = path
        for sub in ("", "Sent", "Archive"):
            for d in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(path, sub, d), exist_ok=True)

    def write(self, data: bytes, sender: Person, ts: int, folder: str, seq: int, flags: str) -> None:
        name = f"{ts}.{4000 + seq % 60000}_{seq}.bench:2,{flags}"
        with open(os.path.join(self.root, folder, "cur", name), "wb") as f:
            f.write(data)

    def close(self) -> None:
        pass


def write_contacts(path: str, rng: random.Random, pop: Population, count: int = CONTACTS, seed: int = 0) -> int:
    """`count` rows: external people plus ~3% rows that duplicate another contact. Returns the duplicate count.
    Past the people the mail knows, CRM-only contacts who never write in this mailbox (as most of a CRM's), drawn
    from their own generator so that the default 20,000 rows stay as they always were."""
    r = rng
    dups = round(count * 0.03)
    people = list(range(len(pop.external)))
    r.shuffle(people)
    base = people[:count - dups]
    rows = []
    crm_only = random.Random(seed + 2)
    for k in range(count - dups - len(base)):
        first, last = crm_only.choice(FIRST_NAMES), crm_only.choice(LAST_NAMES)
        dom = f"{crm_only.choice(ORG_WORDS)}-{crm_only.choice(ORG_SUFFIX)}{k % 997}.example"
        rows.append([f"{first} {last}", [f"{ascii_local(first + ' ' + last, k % 4)}.c{k}@{dom}"]])
    for pid in base:
        p = pop.external[pid]
        # IDN domains are written in Unicode on about half of the contacts, as punycode on the rest.
        emails = [f"{p.local}@{p.udomain}" if p.udomain != p.domain and r.random() < 0.5 else p.addr]
        if r.random() < 0.08:                     # a private secondary address, unique to this person
            emails.append(f"{p.local}-{pid}@{r.choice(FREEMAIL)}")
        rows.append([p.name, emails])
    for k in range(dups):
        name, emails = rows[r.randrange(len(rows))]
        local, dom = emails[0].rsplit("@", 1)
        if dom in ("gmail.com", "googlemail.com"):                                         # dots, googlemail
            variant = f"{local.replace('.', '')}@{'googlemail.com' if dom == 'gmail.com' else 'gmail.com'}"
        elif not dom.isascii():                                                            # IDN variant
            variant = f"{local}@{idna(dom)}"
        elif dom.startswith("xn--") or ".xn--" in dom:
            variant = f"{local}@{dom.encode('ascii').decode('idna')}"
        else:
            variant = [f"{local[:1].upper()}{local[1:]}@{dom}",                            # case variant
                       f"{local}+{r.choice(['crm', 'news', 'work'])}@{dom}",              # plus tag
                       emails[0]][k % 3]                                                  # same address
        rows.append([name, [variant]])
    r.shuffle(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,name,emails\n")
        for i, (name, emails) in enumerate(rows, start=1):
            n = f'"{name}"' if any(c in name for c in ',"') else name
            f.write(f"K{i:05d},{n},{';'.join(emails)}\n")
    return dups


def main() -> int:
    ap = argparse.ArgumentParser(description="Deterministic synthetic mail corpus for the Mailroom benchmark.")
    ap.add_argument("--messages", type=int, help="messages to write, duplicate copies included")
    ap.add_argument("--format", choices=("mbox", "maildir"))
    ap.add_argument("--out", help="mbox file or Maildir root to create")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--contacts-out", help="also write a contacts CSV of 20,000 contacts here")
    ap.add_argument("--contacts", type=int, default=CONTACTS,
                    help="rows of that contacts CSV (default 20,000); past the people the mail knows, contacts "
                         "who never write in this mailbox, as most of a CRM's")
    ap.add_argument("--mix", choices=sorted(Knobs.MIXES), default="default",
                    help="a preset of the knobs below (default: the corpus as it always was)")
    ap.add_argument("--recipients", type=int, help="extra Cc recipients per conversation (default 0)")
    ap.add_argument("--thread-scale", type=float, help="multiplies thread lengths (default 1)")
    ap.add_argument("--references-keep", type=int, help="References kept per message, all clients (0: as each client)")
    ap.add_argument("--encoded-share", type=float, help="share of customer threads with RFC 2047 subjects (0.08)")
    ap.add_argument("--nonascii-names", type=float, help="share of external people with non-ASCII names (as drawn)")
    ap.add_argument("--attachment-share", type=float, help="share of messages with a 200 KB attachment (0.0105)")
    args = ap.parse_args()
    try:
        args.knobs = Knobs(args)
    except ValueError as e:
        ap.error(str(e))
    if args.contacts < 1:
        ap.error("--contacts must be at least 1")
    if args.messages is None and args.format is None and args.out is None:
        # The contacts file alone: its rows depend on the people and the seed, not on the mail.
        if not args.contacts_out:
            ap.error("--messages, --format and --out are required (or --contacts-out alone, for the contacts file)")
        rng = random.Random(args.seed)
        pop = Population(rng)
        if args.knobs.nonascii_names is not None:
            reshape_names(pop, args.knobs.nonascii_names, args.seed)
        cd = write_contacts(args.contacts_out, random.Random(args.seed + 1), pop, args.contacts, args.seed)
        print(f"gen_corpus: {args.contacts:,} contacts ({cd} duplicates) at {args.contacts_out}", file=sys.stderr)
        return 0
    if args.messages is None or args.format is None or args.out is None:
        ap.error("--messages, --format and --out are required (or --contacts-out alone, for the contacts file)")
    if args.messages < 1:
        ap.error("--messages must be at least 1")
    if args.format == "maildir" and os.path.isdir(args.out) and os.listdir(args.out):
        ap.error(f"--out {args.out} already exists and is not empty; remove it or choose another path")
    rng = random.Random(args.seed)
    pop = Population(rng)
    pools = Pools(rng)
    if args.knobs.nonascii_names is not None:
        reshape_names(pop, args.knobs.nonascii_names, args.seed)
    plan = Plan(rng, pop, args.messages, args.knobs)
    w = Writer(args, rng, pop, pools, plan)
    sink = MboxSink(args.out) if args.format == "mbox" else MaildirSink(args.out)
    pending: list[tuple[int, bytes, Person, int]] = []   # duplicate copies waiting for their place in the mbox
    later = random.Random(args.seed + 2)   # its own generator, so mbox and Maildir hold the same message bytes
    written = dups = 0
    internal_threads = sum(1 for t in plan.threads if t.kind == "internal")
    conversations = sum(1 for t in plan.threads if t.kind != "newsletter")
    newsletters = len(plan.threads) - conversations
    for pos, (ts, tid, i) in enumerate(plan.stubs):
        data, sender = w.message(tid, i, ts)
        folder = "Sent" if sender is pop.owner else ""
        sink.write(data, sender, ts, folder, written, "S")
        written += 1
        w.bytes += len(data)
        if pos in plan.dup_at:
            if args.format == "maildir":
                sink.write(data, sender, ts + 86400, "Archive", written, "S")
                written += 1
                w.bytes += len(data)
                dups += 1
            else:
                pending.append((pos + later.randint(20, 400), data, sender, ts))
        while pending and pending[0][0] <= pos:
            _, d, s, t0 = pending.pop(0)
            sink.write(d, s, t0, "", written, "S")
            written += 1
            w.bytes += len(d)
            dups += 1
        pending.sort(key=lambda x: x[0])
    for _, d, s, t0 in pending:
        sink.write(d, s, t0, "", written, "S")
        written += 1
        w.bytes += len(d)
        dups += 1
    sink.close()
    summary = (f"gen_corpus: {written} messages ({conversations} conversation threads, {internal_threads} "
               f"internal-only; {newsletters} newsletters; {dups} duplicate copies; {w.attachments} with a 200 KB "
               f"attachment; {w.html} with HTML) = {w.bytes / 1e6:.1f} MB of mail as {args.format} at {args.out}")
    if args.mix != "default" or any(getattr(args, k) is not None for k in ("recipients", "thread_scale",
                                    "references_keep", "encoded_share", "nonascii_names", "attachment_share")):
        summary += f" [mix {args.mix}: {args.knobs.label()}]"
    if args.contacts_out:
        cd = write_contacts(args.contacts_out, random.Random(args.seed + 1), pop, args.contacts, args.seed)
        summary += f"; {args.contacts:,} contacts ({cd} duplicates) at {args.contacts_out}"
    print(summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
