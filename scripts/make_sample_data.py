#!/usr/bin/env python3
"""Regenerates sample-data/: the Northwind Analytics sample mailbox, its contacts and EXPECTED.md.

    python3 scripts/make_sample_data.py [--out DIR]

The mailbox belongs to dana.reyes@northwind.example (alias dana@northwind.example) and is a Maildir tree as mbsync
writes it: the root is INBOX, `Sent/` and `Archive/2026/` are sub-folders, `.Newsletters/` is a Maildir++ folder.
Everything is built from a fixed seed and fixed dates (no clock reads), and the raw message bytes are written by
this script, so two runs give byte-identical files. EXPECTED.md states the facts of the sample as the generator
built them (folder counts, duplicates, threads, contact duplicate groups): tests compare against it.

Python 3.11, standard library only.
"""
import argparse
import base64
import csv
import io
import quopri
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20261120
UTC = timezone.utc
FIRST = datetime(2026, 8, 20, 7, 0, tzinfo=UTC)
LAST = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
# No message is dated within these spans, so a 60- or 90-day window counts the same whichever time zone or
# day boundary convention the reader uses.
WINDOW_GAPS = [(AS_OF - timedelta(days=60, hours=14), AS_OF - timedelta(days=60) + timedelta(hours=14)),
               (AS_OF - timedelta(days=90, hours=14), AS_OF - timedelta(days=90) + timedelta(hours=14))]
ARCHIVE_BEFORE = datetime(2026, 10, 20, tzinfo=UTC)
OWN_DOMAINS = ("northwind.example", "eu.northwind.example")
OWNER = "dana.reyes@northwind.example"
ALIAS = "dana@northwind.example"

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
LONG_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]

# --------------------------------------------------------------------------------------------------- time zones

US_DST_END = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
EU_DST_END = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def utc_offset_minutes(tz: str, t: datetime) -> int:
    if tz == "us-east":
        return -240 if t < US_DST_END else -300
    if tz == "us-west":
        return -420 if t < US_DST_END else -480
    if tz == "eu":
        return 120 if t < EU_DST_END else 60
    if tz == "uk":
        return 60 if t < EU_DST_END else 0
    if tz == "jp":
        return 540
    if tz == "in":
        return 330
    return 0


def rfc5322_date(t: datetime, tz: str) -> str:
    off = utc_offset_minutes(tz, t)
    local = t + timedelta(minutes=off)
    sign = "+" if off >= 0 else "-"
    return (f"{DAYS[local.weekday()]}, {local.day:02d} {MONTHS[local.month - 1]} {local.year} "
            f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{abs(off) // 60:02d}{abs(off) % 60:02d}")


def local_time(t: datetime, tz: str) -> datetime:
    return t + timedelta(minutes=utc_offset_minutes(tz, t))


# --------------------------------------------------------------------------------------------------- encodings

CHARSET_CODEC = {"UTF-8": "utf-8", "ISO-8859-1": "iso-8859-1", "ISO-2022-JP": "iso2022_jp",
                 "Shift_JIS": "shift_jis"}


def encoded_words(text: str, charset: str = "UTF-8", mode: str = "Q") -> str:
    """RFC 2047 encoded words for `text`, each at most 75 characters, joined by folding white space."""
    codec = CHARSET_CODEC[charset]

    def word(s: str) -> str:
        data = s.encode(codec)
        if mode == "B":
            payload = base64.b64encode(data).decode("ascii")
        else:
            payload = "".join(
                "_" if b == 0x20 else chr(b) if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
                else f"={b:02X}" for b in data)
        return f"=?{charset}?{mode}?{payload}?="

    words, cur = [], ""
    for ch in text:
        if cur and len(word(cur + ch)) > 75:
            words.append(word(cur))
            cur = ch
        else:
            cur += ch
    if cur:
        words.append(word(cur))
    return "\r\n ".join(words)


def is_ascii(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


def fold(name: str, value: str) -> str:
    """`Name: value` folded at spaces to lines of at most 78 characters where possible (CRLF placeholders)."""
    line = f"{name}: {value}"
    if len(line) <= 78 or "\r\n" in value:
        return line
    out, cur = [], f"{name}:"
    for tok in value.split(" "):
        if len(cur) + 1 + len(tok) > 78 and cur.strip() and not cur.endswith(":"):
            out.append(cur)
            cur = " " + tok
        else:
            cur = f"{cur} {tok}"
    out.append(cur)
    return "\r\n".join(out)


# --------------------------------------------------------------------------------------------------- people


@dataclass
class Person:
    key: str
    name: str
    addr: str                     # ASCII (punycode) form
    tz: str
    client: str                   # thunderbird | outlook | gmail | apple | exchange-jp | system
    name_enc: tuple = ("UTF-8", "Q")
    addr_utf8: str | None = None  # IDN form, written raw in some messages
    lang: str = "en"
    charset: str = "UTF-8"        # body charset for non-ASCII text

    @property
    def domain(self) -> str:
        return self.addr.split("@", 1)[1]

    @property
    def internal(self) -> bool:
        return is_own(self.domain)

    @property
    def role(self) -> bool:
        """A shared or system mailbox rather than a person: greetings and sign-offs use no first name."""
        return self.key in ("purchasing", "procurement", "events")


def is_own(domain: str) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in OWN_DOMAINS)


SPECIALS = set('()<>[]:;@\\,."')


def format_address(p: Person, raw_utf8: bool = False) -> str:
    a = p.addr_utf8 if raw_utf8 and p.addr_utf8 else p.addr
    if not p.name:
        return a
    if raw_utf8 or is_ascii(p.name):
        if any(c in SPECIALS for c in p.name):
            return f'"{p.name}" <{a}>'
        return f"{p.name} <{a}>"
    return f"{encoded_words(p.name, *p.name_enc)} <{a}>"


P: dict[str, Person] = {}


def person(key, name, addr, tz, client, **kw):
    P[key] = Person(key, name, addr, tz, client, **kw)


# Northwind Analytics (own domains)
person("dana", "Dana Reyes", OWNER, "us-east", "thunderbird")
person("tomas", "Tomás Álvarez", "tomas.alvarez@northwind.example", "us-east", "apple")
person("priya", "Priya Natarajan", "priya.natarajan@northwind.example", "us-east", "outlook")
person("kwame", "Kwame Mensah", "kwame.mensah@northwind.example", "us-west", "apple")
person("ingrid", "Ingrid Larsen", "ingrid.larsen@eu.northwind.example", "eu", "outlook")
person("jeanluc", "Jean-Luc Moreau", "jl.moreau@eu.northwind.example", "eu", "thunderbird")
person("helpdesk", "Northwind Helpdesk", "helpdesk@northwind.example", "utc", "system")
person("scanner", "", "scanner@northwind.example", "us-east", "system")
person("cron", "Cron Daemon", "root@build.eu.northwind.example", "eu", "system")
# Customers and correspondents
person("mia", "Mia Chen", "Mia.Chen@contoso.example", "us-west", "outlook")
person("samuel", "Samuel Okonkwo", "samuel.okonkwo@contoso.example", "us-west", "outlook")
person("laura", "Laura Bianchi", "laura.bianchi@contoso.example", "eu", "gmail")
person("raj", "Raj Patel", "raj.patel@fabrikam.example", "uk", "outlook")
person("sofia", "Sofía Hernández", "sofia.hernandez@fabrikam.example", "eu", "thunderbird",
       name_enc=("ISO-8859-1", "Q"), charset="ISO-8859-1")
person("procurement", "Fabrikam Procurement", "procurement@fabrikam.example", "uk", "system")
person("anna", "Anna Schäfer", "anna@xn--bcher-kva.example", "eu", "outlook", addr_utf8="anna@bücher.example",
       lang="de")
person("lukas", "Lukas Brandt", "lukas.brandt@xn--bcher-kva.example", "eu", "thunderbird",
       addr_utf8="lukas.brandt@bücher.example", lang="de")
person("yamada", "山田 太郎", "t.yamada@sakura-trading.example", "jp", "exchange-jp",
       name_enc=("ISO-2022-JP", "B"), lang="ja", charset="ISO-2022-JP")
person("nakamura", "Hiroshi Nakamura", "h.nakamura@sakura-trading.example", "jp", "outlook")
person("john", "John Smith", "j.smith@gmail.com", "uk", "gmail")
person("purchasing", "Tailspin Purchasing", "purchasing@tailspin.example", "us-east", "outlook")
person("oren", "Oren Levi", "oren.levi@tailspin.example", "us-east", "outlook")
person("sara", "Sara Lindqvist", "sara.lindqvist@tailspin.example", "us-east", "apple")
person("chidi", "Chidi Okafor", "chidi@okafor-consulting.example", "uk", "gmail")
person("ines", "Inês Duarte", "ines.duarte@litware.example", "eu", "apple", name_enc=("UTF-8", "B"))
person("mateus", "Mateus Costa", "mateus.costa@litware.example", "eu", "gmail")
person("aisha", "Aisha Rahman", "aisha.rahman@adatum.example", "in", "outlook")
person("noah", "Noah Fischer", "noah.fischer@adatum.example", "eu", "thunderbird")
person("elena", "Елена Петрова", "elena.petrova@proseware.example", "eu", "gmail", name_enc=("UTF-8", "B"))
person("marek", "Marek Nowak", "marek.nowak@proseware.example", "eu", "thunderbird")
person("zofia", "Zofia Wiśniewska", "zofia.wisniewska@proseware.example", "eu", "apple")
person("marta", "Marta García", "m.garcia@bluefin.example", "eu", "gmail")
person("alex", "Alex Turner", "alex@cloudbench.example", "us-west", "gmail")
person("events", "DataConf Events", "events@dataconf.example", "eu", "gmail")
person("wei", "Wei Zhang", "wei.zhang@contoso.example", "us-west", "outlook")
person("carlos", "Carlos Mendoza", "carlos.mendoza@fabrikam.example", "eu", "outlook")
person("ravi", "Ravi Shankar", "ravi.shankar@adatum.example", "in", "outlook")
person("kofi", "Kofi Boateng", "kofi.boateng@wideworld.example", "uk", "apple")
person("ayodele", "Ayodele Bankole", "ayodele.bankole@wideworld.example", "uk", "outlook")

DANA = P["dana"]

# --------------------------------------------------------------------------------------------------- contacts

# (id, name, emails). Duplicates by construction are listed in CONTACT_DUPLICATES below.
CONTACTS = [
    ("C001", "Mia Chen", ["Mia.Chen@contoso.example"]),
    ("C002", "Samuel Okonkwo", ["samuel.okonkwo@contoso.example"]),
    ("C003", "Raj Patel", ["raj.patel+crm@fabrikam.example"]),
    ("C004", "Sofía Hernández", ["sofia.hernandez@fabrikam.example"]),
    ("C005", "Anna Schäfer", ["anna@bücher.example"]),
    ("C006", "Hiroshi Nakamura", ["h.nakamura@sakura-trading.example"]),
    ("C007", "山田 太郎", ["t.yamada@sakura-trading.example"]),
    ("C008", "Smith, John", ["j.smith@gmail.com"]),
    ("C009", "Oren Levi", ["oren.levi@tailspin.example", "purchasing@tailspin.example"]),
    ("C010", "Sara Lindqvist", ["sara.lindqvist@tailspin.example", "purchasing@tailspin.example"]),
    ("C011", "Chidi Okafor", ["chidi.okafor@wideworld.example", "chidi@okafor-consulting.example"]),
    ("C012", "Inês Duarte", ["ines.duarte@litware.example"]),
    ("C013", "Aisha Rahman", ["aisha.rahman@adatum.example"]),
    ("C014", "Noah Fischer", ["noah.fischer@adatum.example"]),
    ("C015", "Elena Petrova", ["elena.petrova@proseware.example"]),
    ("C016", "Marek Nowak", ["marek.nowak@proseware.example"]),
    ("C017", "Mia Chen (Contoso)", ["mia.chen@contoso.example"]),
    ("C018", "John Smith", ["jsmith@googlemail.com"]),
    ("C019", "Raj Patel", ["raj.patel@fabrikam.example"]),
    ("C020", "Anna Schaefer", ["anna@xn--bcher-kva.example"]),
    ("C021", "Grace Kim", ["grace.kim@lucerne.example"]),
    ("C022", "Tomasz Zieliński", ["tomasz.zielinski@lucerne.example"]),
    ("C023", "Amara Nwosu", ["amara.nwosu@lucerne.example"]),
    ("C024", "Lars Johansson", ["lars.johansson@woodgrove.example"]),
    ("C025", "Fatima Al-Sayed", ["fatima.alsayed@woodgrove.example", "f.alsayed@gmail.com"]),
    ("C026", "Wei Zhang", ["wei.zhang@contoso.example"]),
    ("C027", "Carlos Mendoza", ["carlos.mendoza@fabrikam.example"]),
    ("C028", "Hannah Becker", ["hannah.becker@xn--bcher-kva.example"]),
    ("C029", "Yuki Tanaka", ["y.tanaka@sakura-trading.example"]),
    ("C030", "Olga Ivanova", ["olga.ivanova@proseware.example"]),
    ("C031", "Ravi Shankar", ["ravi.shankar@adatum.example"]),
    ("C032", "Emily O'Brien", ["emily.obrien@litware.example"]),
    ("C033", "Kofi Boateng", ["kofi.boateng@wideworld.example"]),
    ("C034", "Sophie Dubois", ["sophie.dubois@tailspin.example"]),
    ("C035", "Mehmet Yılmaz", ["mehmet.yilmaz@woodgrove.example"]),
    ("C036", "Isabella Rossi", ["isabella.rossi@lucerne.example"]),
    ("C037", "Nguyen Van An", ["an.nguyen@contoso.example"]),
    ("C038", "Priyanka Desai", ["priyanka.desai@adatum.example"]),
    ("C039", "Björn Svensson", ["bjorn.svensson@woodgrove.example"]),
    ("C040", "Ayodele Bankole", ["Ayodele.Bankole@wideworld.example"]),
    ("C041", "Lucía Fernández", ["lucia.fernandez@litware.example"]),
]


def ascii_domain(addr: str) -> str:
    local, dom = addr.rsplit("@", 1)
    return f"{local}@{dom.encode('idna').decode('ascii').lower()}"


def match_key(addr: str) -> str:
    """Lower-cased local part, ASCII domain: AddressNormalizer's plain match key."""
    a = ascii_domain(addr)
    local, dom = a.rsplit("@", 1)
    return f"{local.lower()}@{dom}"


def folded_key(addr: str) -> str:
    """AddressNormalizer.foldedKey: `+tag` removed; gmail.com/googlemail.com dots removed, domain gmail.com."""
    local, dom = match_key(addr).rsplit("@", 1)
    if "+" in local[1:]:
        local = local[:local.index("+", 1)]
    if dom in ("gmail.com", "googlemail.com"):
        local, dom = local.replace(".", ""), "gmail.com"
    return f"{local}@{dom}"


def duplicate_reasons(a: str, b: str) -> list[str]:
    """Why two written addresses name the same mailbox (the reason words of dedupe/contact-groups)."""
    if a == b:
        return ["same-address"]
    reasons = []
    la, da = a.rsplit("@", 1)
    lb, db = b.rsplit("@", 1)
    if da != db and ascii_domain(a).split("@")[1] == ascii_domain(b).split("@")[1]:
        reasons.append("idn-variant")
    if la != lb and la.lower() == lb.lower():
        reasons.append("case-variant")
    if {da.lower(), db.lower()} == {"gmail.com", "googlemail.com"}:
        reasons.append("googlemail-domain")
    gmail = {da.lower(), db.lower()} <= {"gmail.com", "googlemail.com"}
    if gmail and la.lower().replace(".", "") == lb.lower().replace(".", "") and la.lower() != lb.lower():
        reasons.append("gmail-dots")
    if la.split("+")[0].lower() == lb.split("+")[0].lower() and la.lower() != lb.lower() and "+" in la + lb:
        reasons.append("plus-tag")
    return reasons


# --------------------------------------------------------------------------------------------------- text

SIGNATURES = {
    "dana": "Dana Reyes\nCustomer Success Lead | Northwind Analytics\n+1 617 555 0134",
    "priya": "Priya Natarajan\nHead of Delivery, Northwind Analytics",
    "ingrid": "Ingrid Larsen\nNorthwind Analytics Europe GmbH | Hamburg",
    "raj": "Raj Patel\nHead of Planning | Fabrikam Logistics\nT +44 20 7946 0321",
    "mia": "Mia Chen\nDirector, BI & Reporting\nContoso Retail",
    "anna": "Anna Schäfer\nLeitung Einkauf | Bücher & Co. KG\nTel. +49 40 555 2231",
    "aisha": "Aisha Rahman | Programme Manager | Adatum Corporation",
    "nakamura": "Hiroshi Nakamura\nSakura Trading Co., Ltd. | Supply Chain Planning",
}

GENERIC_CUSTOMER = [
    "Thanks for the quick turnaround on this.",
    "I shared your notes with the team and we have a few follow-up questions.",
    "Could you send over the updated numbers before Thursday's call?",
    "We ran the numbers again on our side and they now match within a percent.",
    "Our finance team needs the revised figures by the end of the month.",
    "I'm out on Friday, so Monday would work better for us.",
    "Can we loop in someone from your data team for the next session?",
    "The export from last night looks complete, thank you.",
    "One more thing: the weekly report still shows the old region names.",
    "We are aligned internally now, so please go ahead.",
    "Let me check with IT whether the service account can be extended.",
    "That works for us. I have sent a calendar invite for Tuesday at 10:00.",
    "Apologies for the slow reply, it has been a busy week with the quarter close.",
    "I attached our comments in the shared document.",
]
GENERIC_DANA = [
    "Thanks, that helps a lot.",
    "I checked with our engineers and we can have a fix in place by Wednesday.",
    "Attached notes are in the shared folder; let me know if anything is missing.",
    "Happy to set up a short call to walk through the details.",
    "I've updated the ticket and will keep you posted on progress.",
    "Good catch. The numbers in the appendix were from the previous run.",
    "We can extend the pilot by two weeks at no extra cost.",
    "I'll bring Priya in, she leads the delivery team for your account.",
    "Could you confirm the list of stores that should be included?",
    "The refreshed dashboard is live; please give it a try and tell me what you see.",
    "Let's keep the scope as agreed and revisit the extra regions in Q1.",
    "Understood. I'll send the revised proposal tomorrow morning.",
    "We have reprocessed the affected days and the gaps are closed now.",
    "Thanks for your patience while we sorted this out.",
]
GENERIC_INTERNAL = [
    "Sounds good to me.",
    "I added my comments to the doc.",
    "Can we discuss this in the Monday stand-up?",
    "I'll take the first pass and share it by EOD.",
    "Agreed, let's go with option B.",
    "Adding Kwame for visibility.",
    "Let me check the numbers again, something looks off in the October column.",
    "Done, the folder is shared with everyone on the list.",
    "No objections from my side.",
    "Please keep the customer names out of the public channel.",
]
GERMAN = [
    "vielen Dank für Ihre schnelle Rückmeldung.",
    "anbei die überarbeiteten Zahlen für das vierte Quartal.",
    "könnten wir den Termin auf nächste Woche Donnerstag verschieben?",
    "die Lieferung der Schnittstellendaten klappt jetzt zuverlässig.",
    "wir benötigen noch eine Bestätigung für die Rechnungsanschrift.",
    "die Prognose für die Filialen im Süden weicht stärker ab als erwartet.",
    "ich habe die Fragen an unsere IT weitergeleitet.",
    "grundsätzlich sind wir mit dem Angebot einverstanden.",
]
JAPANESE = [
    "いつもお世話になっております。",
    "ワークショップの日程についてご連絡いたします。",
    "資料を拝見しました。ありがとうございます。",
    "来週の打ち合わせでご説明いただけますと幸いです。",
    "引き続きよろしくお願いいたします。",
]

LOREM_SPANISH = "Gracias por la información. Revisaré los datos del almacén de Zaragoza y le responderé mañana."

# --------------------------------------------------------------------------------------------------- model


@dataclass
class Msg:
    id: int
    thread: str
    kind: str                     # customer | internal | newsletter | automated
    sender: Person
    to: list
    cc: list
    subject: str
    when: datetime
    msgid: str | None
    parent: "Msg | None" = None
    refs: list = field(default_factory=list)
    body: str = ""
    ghost: bool = False           # written by someone, never delivered to this mailbox
    raw_utf8_addrs: bool = False
    folder: str = ""
    subdir: str = "cur"
    flags: str = ""
    raw: bytes = b""
    date_header: str | None = None
    replied: bool = False
    files: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    subject_enc: tuple | None = None
    extra: list = field(default_factory=list)       # headers a system sender adds
    extra_top: list = field(default_factory=list)
    content: tuple | None = None                    # (content headers, encoded body) when not plain text


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.msgs: list[Msg] = []
        self.threads: dict[str, dict] = {}
        self.next_id = 0

    # ------------------------------------------------------------------ ids

    def hexid(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789ABCDEF") for _ in range(n))

    def uuid(self) -> str:
        h = "".join(self.rng.choice("0123456789abcdef") for _ in range(32))
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def message_id(self, p: Person) -> str:
        r = self.rng
        if p.client == "outlook":
            box = r.choice(["AM9PR07MB7142", "DB8PR10MB3721", "BN6PR11MB4049", "SJ0PR13MB5628", "PAXPR04MB8910"])
            region = {"AM9": "eurprd07", "DB8": "eurprd10", "BN6": "namprd11", "SJ0": "namprd13",
                      "PAX": "eurprd04"}[box[:3]]
            return f"<{box}{self.hexid(24)}@{box}.{region}.prod.outlook.com>"
        if p.client == "gmail":
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+="
            return "<CA" + "".join(r.choice(alphabet) for _ in range(44)) + "@mail.gmail.com>"
        if p.client == "apple":
            return f"<{self.uuid().upper()}@{p.domain}>"
        if p.client == "exchange-jp":
            return f"<{self.hexid(16).lower()}.{self.hexid(8).lower()}@mail.{p.domain}>"
        if p.client == "system":
            return f"<{r.randrange(10**9, 10**10)}.{self.hexid(6).lower()}@{p.domain}>"
        return f"<{self.uuid()}@{p.domain}>"

    # ------------------------------------------------------------------ threads

    def schedule(self, n: int, span_days: float, start: datetime | None = None) -> list[datetime]:
        r = self.rng
        gaps = [timedelta(minutes=r.randint(12, 60 * 26)) for _ in range(n - 1)]
        scale = min(1.0, span_days * 86400 / max(1, sum(g.total_seconds() for g in gaps)))
        gaps = [timedelta(seconds=int(g.total_seconds() * max(scale, 0.2))) for g in gaps]
        total = sum(gaps, timedelta())
        if start is None:
            room = (LAST - FIRST - total).total_seconds()
            start = FIRST + timedelta(seconds=r.randint(0, max(0, int(room))))
        times, t = [], start
        for i in range(n):
            times.append(self.business_hours(t))
            if i < n - 1:
                t = times[-1] + gaps[i]
        return [min(x, LAST) for x in times]

    def business_hours(self, t: datetime) -> datetime:
        # Keep mail within 13:00-23:00 UTC on weekdays (office hours across the US and Europe), then out of the
        # window-boundary gaps.
        t = t.replace(microsecond=0)
        if t.hour < 13:
            t = t.replace(hour=13 + t.minute % 5, second=self.rng.randint(0, 59))
        elif t.hour >= 23:
            t = (t + timedelta(days=1)).replace(hour=13 + t.minute % 4, second=self.rng.randint(0, 59))
        while t.weekday() >= 5:
            t += timedelta(days=1)
        for a, b in WINDOW_GAPS:
            if a <= t < b:
                t = b + timedelta(minutes=self.rng.randint(5, 180))
        return t

    def add(self, **kw) -> Msg:
        m = Msg(id=self.next_id, **kw)
        self.next_id += 1
        self.msgs.append(m)
        return m

    def thread(self, key: str, subject: str, customers: list[str], n: int, *, starter: str = "c",
               span: float = 10, colleagues: tuple = (), lines: tuple = (), subject_enc=None,
               ghost_at: tuple = (), start: datetime | None = None, internal: bool = False,
               raw_idn_every: int = 0, alias_every: int = 0) -> list[Msg]:
        """A conversation of `n` delivered messages between Dana (and colleagues) and `customers`.

        `ghost_at`: indices before which a message between the other participants is inserted that never
        reached this mailbox; the next message replies to it, so it only joins the thread through References.
        """
        r = self.rng
        cust = [P[k] for k in customers]
        cols = [P[k] for k in colleagues]
        times = self.schedule(n + len(ghost_at), span, start)
        self.threads[key] = {"subject": subject, "internal": internal}
        out: list[Msg] = []
        lines = list(lines)
        prev: Msg | None = None
        ti = 0
        side = starter
        for i in range(n):
            if i in ghost_at and prev is not None:
                # Two external (or internal) people talk without Dana; the next message copies her in again.
                others = [p for p in cust + cols if p is not prev.sender] or cust
                g_from = others[0]
                g_to = [p for p in cust + cols if p is not g_from][:1] or [prev.sender]
                g = self.add(thread=key, kind="internal" if internal else "customer", sender=g_from, to=g_to,
                             cc=[], subject=self.reply_subject(subject, g_from), when=times[ti],
                             msgid=self.message_id(g_from), parent=prev, refs=self.references(prev, g_from),
                             ghost=True)
                g.body = self.body(g, lines.pop(0) if lines else None)
                out.append(g)
                prev, ti = g, ti + 1
                side = "c"
            if side == "d":
                sender = DANA if (not cols or r.random() < 0.75 or i == 0) else r.choice(cols)
            else:
                sender = cust[0] if (i == 0 or len(cust) == 1 or r.random() < 0.6) else r.choice(cust[1:])
            everyone = [DANA] + cols + cust
            if prev is None:
                to = cust[:1] if sender is DANA else [DANA]
            else:
                to = [prev.sender] if prev.sender is not sender else [p for p in prev.to if p is not sender][:1]
            cc = [p for p in everyone if p is not sender and p not in to]
            if len(cust) > 1 and i == 0:
                cc = [p for p in cc if p in cust[:2] or p.internal]
            m = self.add(thread=key, kind="internal" if internal else "customer", sender=sender, to=to, cc=cc,
                         subject=subject if prev is None else self.reply_subject(subject, sender), when=times[ti],
                         msgid=self.message_id(sender), parent=prev,
                         refs=self.references(prev, sender) if prev else [])
            if raw_idn_every and sender.addr_utf8 and i % raw_idn_every == 0:
                m.raw_utf8_addrs = True
            if alias_every and sender is not DANA and i % alias_every in (1, 2):
                m.to = [Person("alias", "Dana Reyes", ALIAS, "us-east", "thunderbird") if p is DANA else p
                        for p in m.to]
            m.body = self.body(m, lines.pop(0) if lines else None)
            if prev is not None and sender is DANA:
                prev.replied = True
            out.append(m)
            prev, ti = m, ti + 1
            side = "c" if sender.internal and not internal else "d"
            if internal:
                side = "c" if sender is DANA else "d"
                # internal: alternate between Dana and colleagues (cust holds the colleagues here)
        for m in out:
            m.subject_enc = subject_enc
        return out

    def reply_subject(self, subject: str, sender: Person) -> str:
        if sender.client == "outlook":
            return ("AW: " if sender.lang == "de" else "RE: ") + subject
        return "Re: " + subject

    def references(self, parent: Msg, sender: Person) -> list[str]:
        refs = list(parent.refs) + ([parent.msgid] if parent.msgid else [])
        if sender.client == "outlook" and len(refs) > 10:
            refs = refs[:1] + refs[-9:]   # Outlook trims long References chains
        return refs

    # ------------------------------------------------------------------ bodies

    def body(self, m: Msg, line: str | None) -> str:
        r = self.rng
        s = m.sender
        to = m.to[0] if m.to else DANA
        to_first = "Yamada-san" if to.key == "yamada" else to.name.split(" ")[0] if to.name else "all"
        if s.lang == "de":
            text = [f"Hallo {to_first}," if to.internal else "Liebe Kolleginnen und Kollegen,", "",
                    *(x[0].upper() + x[1:] for x in r.sample(GERMAN, 2)), "", "Viele Grüße", s.name]
        elif s.lang == "ja":
            text = [f"{to.name}様" if to.name else "ご担当者様", "", "\n".join(r.sample(JAPANESE, 3)), "", s.name]
        else:
            pool = GENERIC_INTERNAL if m.kind == "internal" else GENERIC_DANA if s is DANA else GENERIC_CUSTOMER
            parts = ([line] if line else []) + r.sample(pool, 1 if line else r.randint(1, 2))
            greet = r.choice(["Hi", "Hello", "Dear", "Hi"]) if m.kind != "internal" else r.choice(["Hi", "Hey", ""])
            opening = "Hello," if to.role else f"{greet} {to_first}," if greet else f"{to_first} —"
            text = ([opening, ""] + [wrap(p) for p in parts] +
                    ["", r.choice(["Best,", "Thanks,", "Kind regards,", "Cheers,", "Best regards,"]),
                     SIGNATURES.get(s.key) or (s.name if s.role else s.name.split(" ")[0])])
        own = "\n".join(text)
        if m.parent is None:
            return own
        return own + "\n\n" + self.quote(m.parent, s)

    def quote(self, parent: Msg, s: Person) -> str:
        body_lines = parent.body.split("\n")[:40]
        when = local_time(parent.when, s.tz)
        ps = parent.sender
        if s.client == "outlook":
            head = (f"From: {ps.name} <{ps.addr}>\nSent: {LONG_DAYS[when.weekday()]}, {LONG_MONTHS[when.month-1]} "
                    f"{when.day}, {when.year} {((when.hour - 1) % 12) + 1}:{when.minute:02d} "
                    f"{'AM' if when.hour < 12 else 'PM'}\nTo: {', '.join(p.name or p.addr for p in parent.to)}\n"
                    f"Subject: {parent.subject}\n")
            return "________________________________\n" + head + "\n" + "\n".join(body_lines)
        if s.client == "gmail":
            intro = (f"On {DAYS[when.weekday()]}, {MONTHS[when.month-1]} {when.day}, {when.year} at "
                     f"{((when.hour - 1) % 12) + 1}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'} "
                     f"{ps.name} <{ps.addr}> wrote:")
        elif s.client == "apple":
            intro = f"> On {when.day} {MONTHS[when.month-1]} {when.year}, at {when.hour:02d}:{when.minute:02d}, " \
                    f"{ps.name} <{ps.addr}> wrote:\n> "
        else:
            intro = f"On {when.month}/{when.day}/{when.year % 100} {when.hour}:{when.minute:02d}, {ps.name} wrote:"
        return intro + "\n" + "\n".join(("> " + ln) if ln and not ln.startswith(">") else (">" + ln)
                                        for ln in body_lines)


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


# --------------------------------------------------------------------------------------------------- rendering


class Renderer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def b64(self, n: int) -> str:
        return base64.b64encode(self.rng.randbytes(n)).decode("ascii")

    def received(self, m: Msg, t: datetime) -> list[str]:
        r = self.rng
        s = m.sender
        arrive = t + timedelta(seconds=r.randint(2, 40))
        rcpt = ALIAS if any(p.addr == ALIAS for p in m.to) else OWNER   # as addressed; delivered to OWNER
        if s.internal:
            return [f"Return-Path: <{s.addr}>",
                    f"Delivered-To: {OWNER}",
                    f"Received: from mail.northwind.example ([10.20.0.15])\r\n\tby imap.northwind.example "
                    f"(Dovecot) with LMTP id {self.b64(12)[:16]}\r\n\tfor <{OWNER}>; {rfc5322_date(arrive, 'utc')}"]
        mta = {"outlook": f"mail-{r.choice(['am6', 'db5', 'bn7', 'sj2'])}eur0{r.randint(1, 9)}"
                          f"on20{r.randint(600, 730)}.outbound.protection.outlook.com",
               "gmail": f"mail-{r.choice(['wr1', 'ej1', 'pl1', 'qk1'])}-f{r.randint(41, 199)}.google.com"}.get(
            s.client, f"mail.{s.domain}")
        ip = f"{r.choice(['192.0.2', '198.51.100', '203.0.113'])}.{r.randint(2, 250)}"
        qid = "".join(r.choice("0123456789BCDFGHJKLMNPQRSTVWXZ") for _ in range(11))
        return [f"Return-Path: <{s.addr}>",
                f"Delivered-To: {OWNER}",
                f"Received: from mx.northwind.example ([127.0.0.1])\r\n\tby imap.northwind.example (Dovecot) "
                f"with LMTP id {self.b64(12)[:16]}\r\n\tfor <{OWNER}>; {rfc5322_date(arrive, 'utc')}",
                f"Received: from {mta} ({mta} [{ip}])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
                f"(256/256 bits))\r\n\tby mx.northwind.example (Postfix) with ESMTPS id {qid}\r\n\tfor <{rcpt}>; "
                f"{rfc5322_date(arrive - timedelta(seconds=1), 'utc')}",
                f"Authentication-Results: mx.northwind.example;\r\n\tdkim=pass header.d={s.domain};\r\n\t"
                f"spf=pass smtp.mailfrom={s.domain}",
                f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={s.domain};\r\n\ts=selector1; "
                f"h=From:To:Subject:Date:Message-ID;\r\n\tbh={self.b64(32)};\r\n\tb={self.b64(60)}\r\n\t "
                f"{self.b64(60)}"]

    def subject_header(self, m: Msg) -> str:
        enc = m.subject_enc
        subj = m.subject
        if is_ascii(subj) or m.raw_utf8_addrs and not enc:
            return fold("Subject", subj)
        charset, mode = enc or ("UTF-8", "Q")
        for prefix in ("Re: ", "RE: ", "AW: ", "Fwd: "):
            if subj.startswith(prefix) and m.sender.client in ("thunderbird", "apple"):
                return "Subject: " + prefix + encoded_words(subj[len(prefix):], charset, mode)
        return "Subject: " + encoded_words(subj, charset, mode)

    def addr_list(self, people: list, raw: bool) -> str:
        return ", ".join(format_address(p, raw_utf8=raw) for p in people)

    def text_part(self, m: Msg) -> tuple[list[str], bytes]:
        """Content headers and encoded body of a text/plain message as the sender's client writes it."""
        body = m.body.replace("\n", "\r\n") + "\r\n"
        c = m.sender.client
        if is_ascii(body):
            charset = {"outlook": '"us-ascii"', "gmail": '"UTF-8"'}.get(c, "UTF-8" if c != "apple" else "us-ascii")
            fmt = "; format=flowed" if c == "thunderbird" else ""
            return [f"Content-Type: text/plain; charset={charset}{fmt}", "Content-Transfer-Encoding: 7bit"], \
                body.encode("ascii")
        charset = m.sender.charset
        try:
            data = body.encode(CHARSET_CODEC[charset])
        except UnicodeEncodeError:      # clients fall back to UTF-8 when the preferred charset cannot hold the text
            charset = "UTF-8"
            data = body.encode("utf-8")
        if charset == "ISO-2022-JP":
            return [f"Content-Type: text/plain; charset={charset}", "Content-Transfer-Encoding: 7bit"], data
        if c == "thunderbird":
            return [f"Content-Type: text/plain; charset={charset}; format=flowed",
                    "Content-Transfer-Encoding: 8bit"], data
        if c == "outlook" and m.sender.lang != "de":
            return [f'Content-Type: text/plain; charset="{charset.lower()}"',
                    "Content-Transfer-Encoding: base64"], base64.encodebytes(data).replace(b"\n", b"\r\n")
        cs = f'"{charset}"' if c == "gmail" else charset.lower() if c == "apple" else charset
        return [f"Content-Type: text/plain; charset={cs}", "Content-Transfer-Encoding: quoted-printable"], \
            quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")

    def render(self, m: Msg) -> bytes:
        """The message as delivered to (or saved by) Dana's mailbox, CRLF line ends."""
        s = m.sender
        raw = m.raw_utf8_addrs
        h: list[str] = []
        if s is not DANA:
            h += self.received(m, m.when)
        date = m.date_header or rfc5322_date(m.when, "utc" if s.client == "outlook" else s.tz)
        frm = "From: " + format_address(s, raw_utf8=raw)
        to = fold("To", self.addr_list(m.to, raw)) if m.to else None
        cc = fold("Cc" if s.client != "outlook" else "CC", self.addr_list(m.cc, raw)) if m.cc else None
        refs = fold("References", " ".join(m.refs)) if m.refs else None
        irt = f"In-Reply-To: {m.parent.msgid}" if m.parent and m.parent.msgid else None
        mid = f"Message-ID: {m.msgid}" if m.msgid else None
        subj = self.subject_header(m)
        content, body = m.content or self.text_part(m)
        c = s.client
        if c == "outlook":
            topic = m.subject.split(": ", 1)[1] if m.subject[:4] in ("RE: ", "AW: ") else m.subject
            h += [frm, to, cc, subj,
                  "Thread-Topic: " + (topic if is_ascii(topic) else encoded_words(topic, "UTF-8", "B")),
                  "Thread-Index: " + self.b64(22 + 5 * len(m.refs))[:30 + 7 * min(len(m.refs), 6)],
                  f"Date: {date}", mid, refs, irt, "Accept-Language: en-US",
                  f"Content-Language: {'de-DE' if s.lang == 'de' else 'en-US'}",
                  f"X-MS-Has-Attach: {'yes' if 'mixed' in content[0] else ''}".rstrip(), "X-MS-TNEF-Correlator:",
                  *content, "MIME-Version: 1.0"]
        elif c == "gmail":
            h += ["MIME-Version: 1.0", refs, irt, frm, f"Date: {date}", mid, subj, to, cc, *content]
        elif c == "apple":
            h += [frm, *content, "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))", subj,
                  f"Date: {date}", refs, to, cc, irt,
                  m.msgid and f"Message-Id: {m.msgid}", "X-Mailer: Apple Mail (2.3826.200.121)"]
        elif c == "exchange-jp":
            h += [frm, to, cc, subj, f"Date: {date}", mid, refs, irt, "MIME-Version: 1.0",
                  "X-Mailer: Microsoft Outlook 16.0", *content]
        elif c == "system":
            h += [frm, to, cc, subj, f"Date: {date}", mid, refs, irt, *m.extra,
                  "MIME-Version: 1.0", *content]
        else:  # thunderbird
            h += [mid, f"Date: {date}", "MIME-Version: 1.0",
                  "User-Agent: Mozilla Thunderbird", subj, "Content-Language: en-US", to, cc, refs, frm, irt,
                  *content]
        head = "\r\n".join(x for x in h if x)
        if m.extra_top:
            head = "\r\n".join(m.extra_top) + "\r\n" + head
        return head.encode("utf-8") + b"\r\n\r\n" + body


# --------------------------------------------------------------------------------------------------- scenario


def build(g: Gen) -> None:
    T = g.thread
    # --- customer threads -----------------------------------------------------------------------------------
    T("contoso-dashboard", "Q3 dashboard refresh failing since Monday", ["mia", "samuel", "laura"], 20,
      span=30, colleagues=("priya",), alias_every=5, ghost_at=(9,), lines=(
          "Since Monday the Q3 sales dashboard has not refreshed. The last successful load is from Sunday night "
          "and the store managers are asking why their numbers are stale.",
          "Thanks for flagging this. I've opened an incident with our platform team and will update you within "
          "the hour.",
          "The error in the job log says the source table has a new column. Did anything change on your side?",
          "Yes, our IT added a loyalty_tier column to the POS export last week. Nobody told us either.",
          "We have adapted the mapping and rerun Monday and Tuesday. Can you check the West region?",
          "West looks right now, but Central still shows Sunday's figures.",
          "Central is reprocessing now; it takes about 40 minutes because of the backfill.",
          "Confirmed, all regions are current. Could we get a short write-up for our change board?",
      ))
    T("contoso-renewal", "Renewal quote for 2027", ["samuel", "mia"], 6, starter="d", span=20, lines=(
        "As discussed on the call, please find our renewal proposal for 2027 below. Licences stay at 45 seats; "
        "the forecasting module moves to the annual plan.",
        "Thanks Dana. Procurement asks whether a three-year term would change the price.",
        "A three-year term comes with 8% off the annual fee. I can send a formal quote this week.",
    ))
    T("contoso-retention", "Data retention policy question", ["laura"], 3, lines=(
        "Our legal team is reviewing vendors. How long do you retain raw transaction extracts after they are "
        "loaded into the warehouse?",
        "Raw extracts are kept for 30 days and then deleted; aggregated tables follow your contract terms. "
        "I'll send our data processing addendum.",
    ))
    T("contoso-export", "Store-level forecast export", ["mia", "wei"], 8, span=14, lines=(
        "Could the weekly forecast export include the store id alongside the store name? Our planners join "
        "on the id.",
        "Yes, that's a small change. Do you want it as the first column?",
        "First column would be ideal, and please keep the file name the same.",
    ))
    T("fabrikam-eta", "Shipment ETA model – accuracy review", ["raj", "sofia"], 12, span=35, colleagues=("priya",),
      subject_enc=("UTF-8", "Q"), lines=(
          "Ahead of our quarterly review I've compiled the ETA accuracy figures. Mean absolute error is down to "
          "5.1 hours, but the Iberian lanes are still far off.",
          "Thanks Raj. The Iberian lanes suffer from the missing carrier scans; we can add the port dwell times "
          "as a feature.",
      ))
    T("fabrikam-invoice", "Invoice INV-2026-0912 discrepancy", ["procurement", "sofia"], 4, span=8, lines=(
        "Invoice INV-2026-0912 lists 52 seats while our order confirmation shows 48. Please issue a credit note "
        "for the difference.",
        "You're right, four seats were added in error. Our billing team will send a credit note this week.",
    ))
    T("fabrikam-onboarding", "Onboarding new analysts", ["raj"], 3, lines=(
        "Two new analysts start on the 1st. Can they join the next onboarding session?",
    ))
    T("fabrikam-feed", "Carrier data feed outage", ["raj", "carlos", "sofia"], 9, span=6, colleagues=("kwame",), lines=(
        "The carrier feed has been empty since 02:00 UTC. Are you seeing the same?",
        "Yes, the SFTP drop is failing on our side too. We're in touch with the carrier.",
    ))
    T("buecher-angebot", "Angebot für Lagerprognose", ["anna", "lukas"], 8, span=25, subject_enc=("UTF-8", "Q"),
      raw_idn_every=2, colleagues=("ingrid",))
    T("buecher-schnittstelle", "Schnittstelle zum Warenwirtschaftssystem", ["anna", "lukas"], 5, span=15,
      ghost_at=(2,), raw_idn_every=3)
    T("buecher-rechnung", "Rechnungsanschrift geändert", ["anna"], 2, subject_enc=("ISO-8859-1", "Q"))
    T("sakura-workshop", "需要予測ワークショップの件", ["yamada", "nakamura"], 6, span=20,
      subject_enc=("ISO-2022-JP", "B"))
    T("sakura-contract", "Contract translation review", ["nakamura", "yamada"], 3, lines=(
        "We reviewed the Japanese translation of the service agreement. Section 7 on data transfer needs a "
        "second look from your legal team.",
    ))
    T("john-intro", "Intro: John Smith <> Northwind", ["john"], 4, alias_every=2, lines=(
        "Great to meet you at the Lisbon meetup. As promised, a short intro: I run a two-person consultancy doing "
        "supply chain data work and often need a forecasting partner.",
    ))
    T("john-subcontract", "Subcontracting for the Adatum migration", ["john"], 5, starter="d", lines=(
        "Would you be available for six weeks from mid-October to help with the Adatum warehouse migration?",
    ))
    T("tailspin-po", "PO 4471 – seasonal demand pilot", ["purchasing", "oren", "sara"], 7, span=20,
      subject_enc=("UTF-8", "Q"), lines=(
          "Please find attached purchase order 4471 for the seasonal demand pilot. Delivery contact is Oren Levi.",
      ))
    T("tailspin-holiday", "Holiday season forecast", ["oren", "sara"], 10, span=30, colleagues=("priya",),
      alias_every=3)
    T("tailspin-returns", "Returns data for the pilot", ["sara"], 5)
    T("wideworld-workshop", "Pricing model workshop follow-up", ["chidi", "ayodele"], 4, starter="d")
    T("wideworld-access", "Access to the shared dataset", ["chidi", "kofi"], 3)
    T("wideworld-qbr", "Quarterly business review", ["ayodele", "chidi"], 7, span=20, colleagues=("kwame",))
    T("litware-crm", "CRM integration proposal", ["ines", "mateus"], 6, span=18, ghost_at=(3,))
    T("litware-notes", "Call notes 14 Oct", ["ines"], 2, starter="d",
      start=datetime(2026, 10, 14, 19, 30, tzinfo=UTC))
    T("adatum-migration", "Migration timeline", ["aisha", "noah"], 16, span=45, colleagues=("priya", "kwame"),
      lines=(
          "Here is the draft migration timeline. Cut-over is planned for the weekend of 7 November.",
          "Thanks Aisha. Our side can freeze the models on 2 November; anything later is a risk.",
      ))
    T("adatum-security", "Security questionnaire", ["noah", "ravi"], 6)
    T("adatum-feedback", "Workshop feedback", ["aisha"], 3, starter="d")
    T("adatum-status", "Weekly status: Adatum migration", ["aisha", "noah"], 12, starter="d", span=60,
      colleagues=("priya",))
    T("proseware-drift", "Model drift alerts", ["elena", "marek"], 9, span=20)
    T("proseware-status", "Статус проекта / project status", ["elena"], 4, subject_enc=("UTF-8", "B"))
    T("proseware-training", "Training budget", ["zofia"], 2)
    T("proseware-api", "API rate limits", ["marek", "elena"], 6, span=10)
    T("bluefin-demo", "Demo request", ["marta"], 3, lines=(
        "We are a mid-size fashion retailer in Valencia and would like to see a demo of your demand forecasting.",
    ))
    T("dataconf-talk", "Speaking slot at DataConf Europe", ["events"], 2, starter="d")
    # --- internal threads -----------------------------------------------------------------------------------
    I = lambda key, subj, who, n, **kw: T(key, subj, who, n, internal=True, **kw)  # noqa: E731
    I("int-pipeline", "Q4 pipeline review", ["priya", "kwame"], 6, starter="d")
    I("int-residency", "EU data residency checklist", ["ingrid", "jeanluc"], 5)
    I("int-offsite", "Offsite agenda", ["tomas", "priya", "kwame", "ingrid"], 8, span=12)
    I("int-expenses", "Expense report approval", ["kwame"], 2)
    I("int-hiring", "Hiring: senior data engineer", ["priya"], 4)
    I("int-health", "Customer health scores for October", ["jeanluc"], 3, starter="d")
    I("int-laptop", "Laptop refresh", ["tomas"], 2)
    I("int-coffee", "Kaffeemaschine im 3. Stock ☕", ["tomas", "ingrid", "kwame"], 3, subject_enc=("UTF-8", "B"))
    I("int-handover", "Bücher & Co – Übergabe", ["ingrid"], 4, subject_enc=("UTF-8", "Q"))
    I("int-board", "Board deck numbers", ["priya", "kwame"], 3, ghost_at=(1,))


def build_singles(g: Gen) -> None:
    r = g.rng

    def single(kind, sender, to, subject, when, body, *, msgid=True, extra=(), content=None, thread=None,
               subject_enc=None, date_header=None, extra_top=()):
        key = thread or f"single-{g.next_id}"
        m = g.add(thread=key, kind=kind, sender=sender, to=to, cc=[], subject=subject,
                  when=g.business_hours(when), msgid=g.message_id(sender) if msgid else None, body=body)
        m.subject_enc = subject_enc
        m.extra = list(extra)
        m.extra_top = list(extra_top)
        m.content = content
        if date_header:
            m.date_header = date_header
        g.threads[key] = {"subject": subject, "internal": sender.internal and all(p.internal for p in to)}
        return m

    # Newsletters (Maildir++ .Newsletters)
    weekly = Person("dew", "Data Engineering Weekly", "newsletter@dataweekly.example", "uk", "system")
    digest = Person("pgd", "Postgres Digest", "digest@pgdigest.example", "us-east", "system")
    cloud = Person("cloud", "CloudCo Pricing", "noreply@cloudco.example", "us-west", "system")
    topics = ["Streaming joins without tears", "The cost of small files", "Testing dbt models", "Iceberg vs Delta",
              "Idempotent backfills", "Late-arriving data", "Schema evolution in practice", "Column-level lineage",
              "Data contracts, one year on", "Vector search in Postgres", "Partitioning by day or by hour",
              "Observability for batch jobs", "The end of nightly loads?", "Deduplicating event streams"]
    t = datetime(2026, 8, 20, 14, 5, tzinfo=UTC)
    n = 0
    while t < LAST:
        n += 1
        topic = topics[n % len(topics)]
        text = (f"Data Engineering Weekly #{211 + n}\n\nThis week: {topic}.\n\n" +
                wrap("Plus: three talks worth watching, a new release of our favourite orchestrator, and a reader "
                     "question on slowly changing dimensions.") +
                "\n\nYou receive this because you subscribed at dataweekly.example.\n"
                "Unsubscribe: https://dataweekly.example/u/7f3a9c\n")
        html = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Issue {211 + n}</title></head>"
                f"<body style=\"font-family:Georgia,serif\"><h1>Data Engineering Weekly #{211 + n}</h1>"
                f"<p>This week: <strong>{topic}</strong>.</p><p>Plus: three talks worth watching, a new release of "
                f"our favourite orchestrator, and a reader question on slowly changing dimensions.</p>"
                f"<p style=\"font-size:11px;color:#888\">You receive this because you subscribed at "
                f"dataweekly.example. <a href=\"https://dataweekly.example/u/7f3a9c\">Unsubscribe</a> "
                f"&ndash; 12 Example Row, London</p></body></html>\n")
        b = f"----=_Part_{1000 + n}_{r.randint(10**8, 10**9)}.{1700000000000 + n}"
        body = (f"--{b}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                + text.replace("\n", "\r\n") + f"\r\n--{b}\r\nContent-Type: text/html; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode() + \
            quopri.encodestring(html.encode()).replace(b"\n", b"\r\n") + f"\r\n--{b}--\r\n".encode()
        single("newsletter", weekly, [DANA], f"DEW #{211 + n}: {topic}", t, "",
               content=([f'Content-Type: multipart/alternative; boundary="{b}"'], body), extra=[
                   "List-Id: Data Engineering Weekly <weekly.dataweekly.example>",
                   "List-Unsubscribe: <https://dataweekly.example/u/7f3a9c>,\r\n "
                   "<mailto:unsubscribe@dataweekly.example?subject=unsubscribe>",
                   "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                   "Precedence: bulk", "Feedback-ID: 7f3a9c:weekly:dew"])
        d_when = t + timedelta(days=3, hours=-1, minutes=17)
        if d_when < LAST:
            single("newsletter", digest, [DANA], f"Postgres Digest – week {d_when.isocalendar()[1]}", d_when,
                   "Postgres Digest\n\n" + wrap(f"Release notes, a deep dive on {topics[(n + 5) % len(topics)]}, "
                                                "and jobs. Read online at https://pgdigest.example/issues") +
                   "\n\n--\nTo stop receiving these emails, visit https://pgdigest.example/unsubscribe\n",
                   subject_enc=("UTF-8", "Q"), extra=[
                       "List-Id: <digest.pgdigest.example>",
                       "List-Unsubscribe: <mailto:leave-digest@pgdigest.example>",
                       "Precedence: bulk"])
        t += timedelta(days=7)
    for month, day in ((9, 2), (10, 2), (11, 3)):
        single("newsletter", cloud, [DANA], "Upcoming changes to CloudCo storage pricing",
               datetime(2026, month, day, 16, 0, tzinfo=UTC),
               wrap("Starting next month, archive storage will be billed per GB-month in 1 GB increments. No "
                    "action is needed.") + "\n\nCloudCo, 500 Example Ave, Seattle\n",
               extra=["Precedence: bulk", "List-Unsubscribe: <https://cloudco.example/prefs?u=88213>",
                      "X-Auto-Response-Suppress: OOF, AutoReply"])

    # Automated mail in the INBOX
    for i, (when, what) in enumerate([
            (datetime(2026, 8, 27, 15, 0, tzinfo=UTC), "VPN access for new contractor"),
            (datetime(2026, 9, 9, 17, 0, tzinfo=UTC), "Shared drive quota exceeded"),
            (datetime(2026, 9, 30, 14, 0, tzinfo=UTC), "Password expiry reminder"),
            (datetime(2026, 10, 13, 15, 30, tzinfo=UTC), "New laptop ready for pickup"),
            (datetime(2026, 10, 28, 16, 0, tzinfo=UTC), "Scheduled maintenance on Saturday"),
            (datetime(2026, 11, 6, 14, 45, tzinfo=UTC), "Calendar sync issue resolved"),
            (datetime(2026, 11, 17, 18, 0, tzinfo=UTC), "Software licence renewal"),
            (datetime(2026, 11, 19, 15, 10, tzinfo=UTC), "Ticket closed: printer on 3rd floor")]):
        single("automated", P["helpdesk"], [DANA], f"[NW-{4100 + 37 * i}] {what}", when,
               f"Ticket NW-{4100 + 37 * i} was updated.\n\nStatus: {'Resolved' if i % 2 else 'Open'}\n"
               f"Summary: {what}\n\nView: https://helpdesk.northwind.example/t/{4100 + 37 * i}\n",
               extra=["Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All"])
    for i, when in enumerate((datetime(2026, 9, 15, 14, 2, tzinfo=UTC), datetime(2026, 10, 29, 19, 40, tzinfo=UTC))):
        m = single("automated", P["scanner"], [DANA], "Scanned document", when, "", msgid=False,
                   content=None)
        pdf = fake_pdf(f"Scan {i + 1}")
        b = f"==scan{i}{r.randint(10**5, 10**6)}=="
        m.content = ([f'Content-Type: multipart/mixed; boundary="{b}"'],
                     (f"--{b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nScanned by NW-MFP-3F "
                      f"(Ricoh IM C3000).\r\n\r\n--{b}\r\nContent-Type: application/pdf; name=\"scan{i + 1}.pdf\"\r\n"
                      f"Content-Disposition: attachment; filename=\"scan{i + 1}.pdf\"\r\n"
                      f"Content-Transfer-Encoding: base64\r\n\r\n").encode() +
                     base64.encodebytes(pdf).replace(b"\n", b"\r\n") + f"--{b}--\r\n".encode())
        m.notes.append("no Message-ID (scan-to-mail device); PDF attachment")
    m = single("automated", P["cron"], [DANA], "Cron <root@build> /usr/local/bin/backup-check",
               datetime(2026, 10, 5, 14, 0, tzinfo=UTC),
               "backup-check: 3 of 3 snapshots verified\nwarehouse-eu: OK\nwarehouse-us: OK\n", msgid=False,
               extra=["Auto-Submitted: auto-generated", "X-Cron-Env: <SHELL=/bin/sh>"])
    m.notes.append("no Message-ID (cron)")
    for i, when in enumerate((datetime(2026, 9, 1, 15, 0, tzinfo=UTC), datetime(2026, 10, 1, 15, 0, tzinfo=UTC),
                              datetime(2026, 11, 2, 15, 0, tzinfo=UTC))):
        single("automated", Person("cloudbill", "CloudCo Billing", "billing@cloudco.example", "us-west",
                                   "system"), [DANA], f"Your CloudCo invoice for {LONG_MONTHS[when.month - 2]}",
               when, f"Your invoice CC-{88000 + i} for {LONG_MONTHS[when.month - 2]} 2026 is ready.\nAmount due: "
               f"USD {1240 + 55 * i}.00\n", extra=["Auto-Submitted: auto-generated"])
    single("customer", P["alex"], [DANA], "Quick question about your data stack",
           datetime(2026, 10, 21, 16, 20, tzinfo=UTC),
           "Hi Dana,\n\n" + wrap("I noticed Northwind is hiring data engineers. CloudBench helps teams cut warehouse "
                                 "costs by 30%. Do you have 15 minutes next week?") + "\n\nAlex\n")
    # A Fabrikam ERP reminder whose Date header no parser understands.
    m = single("automated", P["procurement"], [DANA], "Payment reminder: INV-2026-0877",
               datetime(2026, 10, 7, 14, 15, tzinfo=UTC),
               "Dear supplier,\n\nthis is a reminder that remittance advice for INV-2026-0877 has been issued.\n\n"
               "Fabrikam Logistics - Accounts Payable\n", date_header="10/07/2026 09:15:00 AM (ERP export)",
               extra=["X-Mailer: SAP Business One 10.0"])
    m.notes.append("unparseable Date")
    # A message forwarded to a mistyped address, and the bounce.
    sent = single("customer", DANA, [Person("typo", "Samuel Okonkwo", "samuel.okonkwo@contso.example", "us-west",
                                            "outlook")], "Fwd: Renewal quote for 2027",
                  datetime(2026, 11, 12, 15, 2, tzinfo=UTC),
                  "Samuel, forwarding the quote again as requested.\n\nDana\n")
    bounce_when = sent.when + timedelta(seconds=4)
    b = f"{r.randint(10**6, 10**7)}.{int(bounce_when.timestamp())}/mx.northwind.example"
    dsn = (f"--{b}\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
           "This is the mail system at host mx.northwind.example.\r\n\r\nI'm sorry to have to inform you that your "
           "message could not\r\nbe delivered to one or more recipients. It's attached below.\r\n\r\n"
           "<samuel.okonkwo@contso.example>: Host or domain name not found. Name service\r\n    error for "
           "name=contso.example type=MX: Host not found, try again\r\n\r\n"
           f"--{b}\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n"
           "Reporting-MTA: dns; mx.northwind.example\r\nX-Postfix-Queue-ID: 4RkT2x0bQzz\r\n"
           f"Arrival-Date: {rfc5322_date(sent.when, 'utc')}\r\n\r\n"
           "Final-Recipient: rfc822; samuel.okonkwo@contso.example\r\nOriginal-Recipient: "
           "rfc822;samuel.okonkwo@contso.example\r\nAction: failed\r\nStatus: 5.4.4\r\nDiagnostic-Code: X-Postfix; "
           "Host or domain name not found. Name service error for\r\n    name=contso.example type=MX: Host not "
           f"found, try again\r\n\r\n--{b}\r\nContent-Description: Undelivered Message Headers\r\n"
           "Content-Type: text/rfc822-headers\r\n\r\n"
           f"From: Dana Reyes <{OWNER}>\r\nTo: Samuel Okonkwo <samuel.okonkwo@contso.example>\r\n"
           f"Subject: Fwd: Renewal quote for 2027\r\nMessage-ID: {sent.msgid}\r\n"
           f"Date: {rfc5322_date(sent.when, 'us-east')}\r\n\r\n--{b}--\r\n").encode()
    mailer = Person("daemon", "Mail Delivery System", "MAILER-DAEMON@mx.northwind.example", "utc", "system")
    m = single("automated", mailer, [DANA], "Undelivered Mail Returned to Sender", bounce_when, "",
               content=([f'Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="{b}"',
                         "Content-Transfer-Encoding: 8bit"], dsn),
               extra=["Auto-Submitted: auto-replied"])
    m.when = bounce_when
    m.notes.append("bounce (multipart/report)")


def fake_pdf(title: str) -> bytes:
    text = (f"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages "
            f"/Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length 58 >>\nstream\nBT /F1 18 Tf 72 760 Td ({title}) Tj ET\n"
            f"endstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return text.encode("latin-1") + bytes(range(256)) * 4


def decorate(g: Gen) -> None:
    """Special cases inside threads: an attachment, an HTML alternative, an out-of-office reply, Shift_JIS."""
    r = g.rng
    by_thread: dict[str, list[Msg]] = {}
    for m in g.msgs:
        by_thread.setdefault(m.thread, []).append(m)
    # Raj sends the Q3 service report as a PDF attachment.
    m = next(x for x in by_thread["fabrikam-eta"] if x.sender.key == "raj" and not x.ghost and x.parent)
    b = f"_004_{m.msgid[1:14]}_"
    text_headers, text_body = Renderer(r).text_part(m)
    m.content = ([f'Content-Type: multipart/mixed;\r\n\tboundary="{b}"'],
                 (f"--{b}\r\n" + "\r\n".join(text_headers) + "\r\n\r\n").encode() + text_body +
                 (f"\r\n--{b}\r\nContent-Type: application/pdf; name=\"Fabrikam_Q3_service_report.pdf\"\r\n"
                  "Content-Description: Fabrikam_Q3_service_report.pdf\r\nContent-Disposition: attachment;\r\n\t"
                  "filename=\"Fabrikam_Q3_service_report.pdf\"; size=1422;\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n").encode() +
                 base64.encodebytes(fake_pdf("Fabrikam Q3 service report")).replace(b"\n", b"\r\n") +
                 f"\r\n--{b}--\r\n".encode())
    m.notes.append("attachment (application/pdf)")
    # John's Gmail writes multipart/alternative with an HTML part.
    m = next(x for x in by_thread["john-intro"] if x.sender.key == "john")
    b = f"000000000000{g.hexid(12).lower()}"
    html = "<div dir=\"ltr\">" + "".join(f"<div>{ln}</div>" if ln else "<div><br></div>"
                                           for ln in m.body.split("\n")) + "</div>\n"
    m.content = ([f'Content-Type: multipart/alternative; boundary="{b}"'],
                 (f"--{b}\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n" + m.body.replace("\n", "\r\n") +
                  f"\r\n\r\n--{b}\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode() +
                 quopri.encodestring(html.encode()).replace(b"\n", b"\r\n") + f"\r\n--{b}--\r\n".encode())
    m.notes.append("multipart/alternative with HTML")
    # Aisha's out-of-office answer to one of Dana's messages joins the migration thread.
    parent = [x for x in by_thread["adatum-migration"] if x.sender is DANA][2]
    ooo = g.add(thread="adatum-migration", kind="customer", sender=P["aisha"], to=[DANA], cc=[],
                subject="Automatic reply: " + parent.subject.replace("Re: ", "").replace("RE: ", ""),
                when=parent.when + timedelta(seconds=52), msgid=g.message_id(P["aisha"]), parent=parent,
                refs=[*parent.refs, parent.msgid],
                body="I am out of the office until Monday with limited access to email. For urgent matters "
                     "please contact Noah Fischer.\n")
    ooo.content = (["Content-Type: text/plain; charset=\"us-ascii\"", "Content-Transfer-Encoding: 7bit",
                    "Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"],
                   ooo.body.replace("\n", "\r\n").encode())
    ooo.notes.append("out-of-office (Auto-Submitted: auto-replied)")
    # One of Yamada's messages is written in Shift_JIS.
    m = [x for x in by_thread["sakura-workshop"] if x.sender.key == "yamada"][-1]
    data = m.body.replace("\n", "\r\n").encode("shift_jis") + b"\r\n"
    m.content = (['Content-Type: text/plain; charset="Shift_JIS"', "Content-Transfer-Encoding: base64"],
                 base64.encodebytes(data).replace(b"\n", b"\r\n"))
    m.notes.append("Shift_JIS body")
    # Sofía writes one reply in Spanish, ISO-8859-1, 8bit.
    m = next((x for x in by_thread["fabrikam-eta"] if x.sender.key == "sofia"), None) or \
        next(x for x in by_thread["fabrikam-invoice"] if x.sender.key == "sofia")
    m.body = "Hola Dana,\n\n" + wrap(LOREM_SPANISH) + "\n\nSaludos,\nSofía\n\n" + g.quote(m.parent, m.sender)
    m.notes.append("ISO-8859-1 8bit body")


# --------------------------------------------------------------------------------------------------- placement


def place(g: Gen) -> None:
    r = g.rng
    delivered = [m for m in g.msgs if not m.ghost]
    for m in delivered:
        if m.sender is DANA:
            m.folder, m.flags = "Sent", "S"
        elif m.kind == "newsletter":
            m.folder, m.flags = ".Newsletters", "S" if m.when < datetime(2026, 11, 10, tzinfo=UTC) else ""
        elif m.when < ARCHIVE_BEFORE:
            m.folder, m.flags = "Archive/2026", "S"
        else:
            m.folder, m.flags = "INBOX", "S"
        if m.replied and m.folder != "Sent":
            m.flags = "".join(sorted(set(m.flags + "RS")))
    inbox = sorted((m for m in delivered if m.folder == "INBOX"), key=lambda m: m.when)
    for m in inbox[-4:]:
        m.subdir, m.flags = "new", None     # unseen, not yet moved to cur/ by a client
    for m in inbox[-9:-4]:
        if not m.replied:
            m.flags = ""                    # in cur/ but unread
    customer = [m for m in delivered if m.kind == "customer" and m.folder in ("INBOX", "Archive/2026")]
    for m in r.sample(customer, 9):
        if m.flags is not None:
            m.flags = "".join(sorted(set(m.flags + "F")))


# --------------------------------------------------------------------------------------------------- writing


@dataclass
class File:
    path: str            # relative to the mailbox root
    data: bytes
    msg: Msg | None
    role: str            # original | copy | crlf-copy | gmail-labels-copy | status-copy | broken
    epoch: int = 0


FOLDER_DIRS = {"INBOX": "", "Sent": "Sent", "Archive/2026": "Archive/2026", ".Newsletters": ".Newsletters"}


def to_lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def write_all(g: Gen, out: Path, r: random.Random) -> None:
    delivered = [m for m in g.msgs if not m.ghost]
    files: list[tuple] = []   # (folder, subdir, epoch, order, flags, data, msg, role)
    for m in delivered:
        delay = 0 if m.sender is DANA else r.randint(3, 95)
        files.append((m.folder, m.subdir, int(m.when.timestamp()) + delay, m.id, m.flags, to_lf(m.raw), m,
                      "original"))
    # Duplicates across folders: copies of archived messages that are still in the INBOX.
    candidates = [f for f in files if f[0] == "Archive/2026" and f[6].msgid and not f[6].notes
                  and f[6].kind in ("customer", "internal", "automated")]
    picked = r.sample(candidates, 18)
    for i, f in enumerate(picked):
        folder, subdir, epoch, order, flags, data, m, _ = f
        role = "copy"
        if i == 15:
            role, data = "crlf-copy", m.raw
        elif i == 16:
            role, data = "gmail-labels-copy", b"X-Gmail-Labels: Archived,Important,Customers\n" + data
        elif i == 17:
            head, _, body = data.partition(b"\n\n")
            role, data = "status-copy", head + b"\nStatus: RO\nX-Status: A\n\n" + body
        files.append(("INBOX", "cur", epoch + 86400 * r.randint(1, 5), 100000 + i, flags, data, m, role))
    # A file that is not a message at all: the extractor must quarantine it.
    garbage = b"\x00\x00\x00\x00\x14\x00\x06\x00" + r.randbytes(64) + b"\x00" * 32 + r.randbytes(400)
    files.append(("INBOX", "cur", int(datetime(2026, 10, 22, 13, 3, 11, tzinfo=UTC).timestamp()), 200000, "S",
                  garbage, None, "broken"))
    files.sort(key=lambda f: (f[2], f[3]))
    pids: dict[int, int] = {}
    written: list[File] = []
    for seq, (folder, subdir, epoch, order, flags, data, m, role) in enumerate(files, start=1):
        day = epoch // 86400
        if day not in pids:
            pids[day] = r.randint(1200, 64000)
        name = f"{epoch}.{pids[day]}_{seq}.northwind" + ("" if flags is None else f":2,{flags}")
        rel = "/".join(x for x in (FOLDER_DIRS[folder], subdir, name) if x)
        written.append(File(rel, data, m, role, epoch))
        if m is not None:
            m.files.append(rel)
    box = out / "mailbox"
    if box.exists():
        shutil.rmtree(box)
    for d in FOLDER_DIRS.values():
        for sub in ("cur", "new", "tmp"):
            (box / d / sub).mkdir(parents=True, exist_ok=True)
    for f in written:
        (box / f.path).write_bytes(f.data)
    # git keeps no empty directories: an empty `.keep` (a dot-file, which readers skip) holds every `tmp/` and
    # any other empty one.
    for d in FOLDER_DIRS.values():
        for sub in ("cur", "new", "tmp"):
            if sub == "tmp" or not any((box / d / sub).iterdir()):
                (box / d / sub / ".keep").write_bytes(b"")
    # Keep the mailbox bytes exactly as written (CRLF copy, binary file) whatever the user's git settings.
    (out / ".gitattributes").write_text("mailbox/** -text -diff\n", encoding="utf-8")
    write_contacts(out / "contacts.csv")
    (out / "EXPECTED.md").write_text(expected(g, written), encoding="utf-8")


def write_contacts(path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "emails"])
    for cid, name, emails in CONTACTS:
        w.writerow([cid, name, ";".join(emails)])
    path.write_text(buf.getvalue(), encoding="utf-8")


def participants(m: Msg) -> list[Person]:
    return [m.sender, *m.to, *m.cc]


def expected(g: Gen, files: list[File]) -> str:
    L: list[str] = []
    add = L.append
    delivered = sorted({id(f.msg): f.msg for f in files if f.msg}.values(), key=lambda m: m.id)
    add("# Sample data: facts by construction")
    add("")
    add("Generated by `scripts/make_sample_data.py` (do not edit by hand; rerun the script). The mailbox belongs to "
        f"`{OWNER}` (alias `{ALIAS}`); own domains `northwind.example` and `eu.northwind.example`. Dates run from "
        f"{FIRST:%Y-%m-%d} to {LAST:%Y-%m-%d}; as-of date {AS_OF:%Y-%m-%d}. Files are stored with LF line ends "
        "except where noted.")
    add("")
    add("## Message files")
    add("")
    add("| folder | cur | new | total |")
    add("|---|---:|---:|---:|")
    total = 0
    for folder, d in FOLDER_DIRS.items():
        prefix = d + "/" if d else ""
        cur = sum(1 for f in files if f.path.startswith(prefix + "cur/") and (d or f.path.count("/") == 1))
        new = sum(1 for f in files if f.path.startswith(prefix + "new/") and (d or f.path.count("/") == 1))
        total += cur + new
        add(f"| {folder} (`{prefix or './'}`) | {cur} | {new} | {cur + new} |")
    add(f"| **all** | | | **{total}** |")
    add("")
    add(f"- Total message files: **{total}** (every `tmp/`, and each otherwise empty `cur/` or `new/`, also holds an "
        "empty `.keep`, which is not a message).")
    add(f"- Distinct messages (one per Message-ID, or per file when it has none): **{len(delivered)}**; "
        f"the broken file is not a message.")
    add("- Files in `new/` have no `:2,` info suffix (unseen); files in `cur/` with an empty flag set are unread.")
    add("")
    add("## Broken file (must be quarantined)")
    add("")
    for f in files:
        if f.role == "broken":
            add(f"- `{f.path}`: {len(f.data)} bytes of binary data with NUL bytes where the header should be.")
    add("")
    add("## Duplicates across folders")
    add("")
    copies = [f for f in files if f.role.endswith("copy")]
    same = [f for f in copies if f.role == "copy"]
    add(f"- {len(copies)} files are second copies of a message whose first copy is in `Archive/2026/`: "
        f"{len(same)} byte-identical, {len(copies) - len(same)} that differ only as below. Removing them leaves "
        f"{total - len(copies) - 1} message files for {len(delivered)} messages.")
    add("")
    add("| copy | original | difference |")
    add("|---|---|---|")
    what = {"copy": "identical bytes", "crlf-copy": "CRLF line ends instead of LF",
            "gmail-labels-copy": "added `X-Gmail-Labels` header", "status-copy": "added `Status: RO` and `X-Status`"}
    for f in sorted(copies, key=lambda f: f.path):
        add(f"| `{f.path}` | `{f.msg.files[0]}` | {what[f.role]} |")
    add("")
    add("## Special messages")
    add("")
    add("| file | what |")
    add("|---|---|")
    for m in delivered:
        notes = list(m.notes)
        if m.raw_utf8_addrs:
            notes.append("raw UTF-8 (IDN) address in headers")
        if notes:
            add(f"| `{m.files[0]}` | {'; '.join(notes)} |")
    no_id = [m for m in delivered if not m.msgid]
    add("")
    add(f"- Messages without Message-ID: **{len(no_id)}**.")
    add(f"- Messages with an unparseable Date: **{sum(1 for m in delivered if m.date_header)}**.")
    alias = [m for m in delivered if any(p.addr == ALIAS for p in m.to + m.cc)]
    add(f"- Messages addressed to the owner's alias `{ALIAS}`: **{len(alias)}**.")
    idn = [m for m in delivered if any(p.addr_utf8 for p in participants(m))]
    add(f"- Messages with a `bücher.example` participant: **{len(idn)}** ({sum(1 for m in idn if m.raw_utf8_addrs)} "
        "written with the raw UTF-8 domain, the rest as punycode `xn--bcher-kva.example`).")
    dated = [m for m in delivered if not m.date_header]
    for m in dated:
        if any(a <= m.when < b for a, b in WINDOW_GAPS) or not FIRST <= m.when <= LAST + timedelta(hours=1):
            raise SystemExit(f"generator bug: message {m.id} dated {m.when} inside a window gap or out of range")
    for days in (60, 90):
        # Mailroom's window: the `days` calendar days (UTC) ending with the as-of day.
        since = AS_OF + timedelta(days=1) - timedelta(days=days)
        inside = [m for m in dated if m.when >= since]
        near = sum(1 for m in dated if abs((m.when - since).total_seconds()) < 14 * 3600)
        add(f"- Distinct messages dated on or after {since:%Y-%m-%d} 00:00 UTC (a {days}-day window ending with the "
            f"as-of date): **{len(inside)}** of {len(dated)} with a usable Date, in "
            f"{sum(len(m.files) for m in inside)} files ({near} dated within 14 hours of that boundary).")
    add("")
    add("## Threads")
    add("")
    threads: dict[str, list[Msg]] = {}
    for m in delivered:
        threads.setdefault(m.thread, []).append(m)
    ghosts = {m.thread for m in g.msgs if m.ghost}
    internal = {k for k, ms in threads.items() if all(p.internal for m in ms for p in participants(m))}
    convs = {k: ms for k, ms in threads.items() if len(ms) > 1}
    add(f"- Threads: **{len(threads)}** ({len(convs)} conversations of 2 or more messages, "
        f"{len(threads) - len(convs)} single messages). Internal-only threads (every participant on an own "
        f"domain): **{len(internal)}** ({len(internal & set(convs))} conversations, "
        f"{len(internal - set(convs))} single messages).")
    add(f"- Replies whose parent is not in the mailbox (they join their thread only through References): "
        f"{sum(1 for m in delivered if m.parent and m.parent.ghost)}, in {len(ghosts)} threads.")
    add("")
    add("| thread root subject | messages | files | internal-only | parent missing |")
    add("|---|---:|---:|---|---|")
    for k, ms in sorted(convs.items(), key=lambda kv: (kv[1][0].when, kv[0])):
        add(f"| {g.threads[k]['subject']} | {len(ms)} | {sum(len(m.files) for m in ms)} | "
            f"{'yes' if k in internal else 'no'} | {'yes' if k in ghosts else ''} |")
    singles = {k: ms for k, ms in threads.items() if len(ms) == 1}
    kinds: dict[str, int] = {}
    for ms in singles.values():
        kinds[ms[0].kind] = kinds.get(ms[0].kind, 0) + 1
    add("")
    add("Single-message threads by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) +
        f"; internal-only among them: {len(internal - set(convs))} (helpdesk, scanner and cron mail).")
    news = [m for m in delivered if m.kind == "newsletter"]
    auto = [m for m in delivered if m.kind == "automated" or any(h.startswith("Auto-Submitted") for h in
                                                                  (m.content or ([], b""))[0])]
    add(f"- Newsletters (List-Id/List-Unsubscribe/Precedence: bulk, in `.Newsletters/`): {len(news)}. "
        f"Automated mail (helpdesk, billing, scanner, cron, bounce, out-of-office, ERP): {len(auto)}.")
    add("")
    add("## Contacts (`contacts.csv`)")
    add("")
    add(f"- Rows: **{len(CONTACTS)}**, header `id,name,emails`, emails separated by `;`.")
    by_key: dict[str, list[tuple[str, str]]] = {}
    for cid, _, emails in CONTACTS:
        for e in emails:
            by_key.setdefault(folded_key(e), []).append((cid, e))
    parent = {cid: cid for cid, _, _ in CONTACTS}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for key, holders in by_key.items():
        for cid, _ in holders[1:]:
            parent[find(cid)] = find(holders[0][0])
    order = [cid for cid, _, _ in CONTACTS]
    groups: dict[str, list[str]] = {}
    for cid in order:
        groups.setdefault(find(cid), []).append(cid)
    dup_groups = [ids for ids in groups.values() if len(ids) > 1]
    add(f"- Duplicate groups: **{len(dup_groups)}** (contacts sharing an address after normalization and "
        "provider folding):")
    add("")
    add("| contacts | shared key | addresses as written | reasons |")
    add("|---|---|---|---|")
    for ids in dup_groups:
        members = set(ids)
        for key, holders in by_key.items():
            hs = [(c, e) for c, e in holders if c in members]
            if len({c for c, _ in hs}) < 2:
                continue
            reasons: list[str] = []
            for i in range(len(hs)):
                for j in range(i + 1, len(hs)):
                    for x in duplicate_reasons(hs[i][1], hs[j][1]):
                        if x not in reasons:
                            reasons.append(x)
            add(f"| {', '.join(sorted({c for c, _ in hs}, key=order.index))} | `{key}` | "
                f"{', '.join(f'`{e}`' for _, e in hs)} | {', '.join(reasons)} |")
    seen: dict[str, list[str]] = {}
    for m in delivered:
        for p in participants(m):
            seen.setdefault(match_key(p.addr), [])
    contact_keys = {folded_key(e): cid for cid, _, emails in CONTACTS for e in emails}
    unused = [cid for cid, _, emails in CONTACTS if not any(folded_key(e) in {folded_key(k) for k in seen}
                                                                for e in emails)]
    add("")
    add(f"- Contacts none of whose addresses appear in the mailbox: {len(unused)} ({', '.join(unused)}).")
    secondary = [(cid, emails) for cid, _, emails in CONTACTS if len(emails) > 1
                 and folded_key(emails[0]) not in {folded_key(k) for k in seen}
                 and any(folded_key(e) in {folded_key(k) for k in seen} for e in emails[1:])]
    for cid, emails in secondary:
        add(f"- {cid} is seen in mail only through a secondary email: "
            f"{', '.join(f'`{e}`' for e in emails[1:] if folded_key(e) in {folded_key(k) for k in seen})}.")
    own = [k for k in seen if is_own(k.split("@")[1])]
    ext = sorted(k for k in seen if not is_own(k.split("@")[1]))
    unmatched = [k for k in ext if folded_key(k) not in contact_keys]
    bulk = {match_key(m.sender.addr) for m in delivered if m.kind in ("newsletter", "automated")}
    add(f"- Distinct participant addresses in the mailbox: {len(seen)} ({len(own)} on own domains, {len(ext)} "
        "external).")
    add(f"- External addresses on no contact (after folding): **{len(unmatched)}**:")
    add("")
    for k in unmatched:
        n = sum(1 for m in delivered if any(match_key(p.addr) == k for p in participants(m)))
        add(f"  - `{k}`: {n} message{'s' if n != 1 else ''}{' (bulk or automated sender)' if k in bulk and not any(m.sender.addr.lower() == k and m.kind == 'customer' for m in delivered) else ''}")
    add("")
    return "\n".join(L) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "sample-data"))
    args = ap.parse_args()
    out = Path(args.out)
    g = Gen(SEED)
    build(g)
    build_singles(g)
    decorate(g)
    place(g)
    rend = Renderer(random.Random(SEED + 1))
    for m in sorted(g.msgs, key=lambda m: m.id):
        m.raw = rend.render(m)
    write_all(g, out, random.Random(SEED + 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
