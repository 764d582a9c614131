"""Word lists for the demo directory: names from many scripts, so pops show real-world text.

Kept apart from the generator so the logic stays readable. Companies use the reserved
``.example`` domain (RFC 2606), so no demo email can reach a real mailbox.
"""

from __future__ import annotations

from typing import Final

# (given names, family names, family-name-first) per naming tradition.
Culture = tuple[tuple[str, ...], tuple[str, ...], bool]

CULTURES: Final[dict[str, Culture]] = {
    "english": (
        ("James", "Mary", "Robert", "Patricia", "Michael", "Linda", "David", "Emily", "Kevin"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Taylor", "Clark"),
        False,
    ),
    "german": (
        ("Jörg", "Jürgen", "Björn", "Käthe", "Günter", "Ute", "Sören", "Anneliese", "Uwe"),
        ("Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Schröder", "Hoffmann", "Böhm"),
        False,
    ),
    "irish": (
        ("Seán", "Siobhán", "Aoife", "Niamh", "Ciarán", "Pádraig", "Órla", "Eoin"),
        ("O'Brien", "O'Sullivan", "Ó Briain", "MacCarthy", "Ní Bhriain", "Ó Súilleabháin"),
        False,
    ),
    "hispanic": (
        ("José", "María", "Sofía", "Martín", "Lucía", "Andrés", "Inés", "Ramón", "Begoña"),
        ("García", "Núñez", "Peña", "Martínez", "Ibáñez", "Gómez", "Fernández", "Muñoz"),
        False,
    ),
    "french": (
        ("François", "Hélène", "Amélie", "Jérôme", "Léa", "Gaël", "Chloé", "Stéphane"),
        ("Lefèvre", "Dubois", "Moreau", "Girard", "Fournier", "Bélanger", "Côté"),
        False,
    ),
    "polish": (
        ("Łukasz", "Małgorzata", "Paweł", "Zofia", "Wojciech", "Agnieszka"),
        ("Wójcik", "Kowalczyk", "Woźniak", "Dąbrowski", "Zieliński", "Sikorska"),
        False,
    ),
    "nordic": (
        ("Søren", "Åsa", "Bjørn", "Ingrid", "Örjan", "Sigrún", "Eiríkur"),
        ("Jørgensen", "Håkansson", "Øvergaard", "Lindqvist", "Guðmundsdóttir"),
        False,
    ),
    "chinese": (
        ("伟", "娜", "敏", "静", "磊", "芳", "强", "秀英"),
        ("王", "李", "张", "刘", "陈", "杨", "黄", "赵"),
        True,
    ),
    "japanese": (
        ("花子", "太郎", "美咲", "翔", "陽菜", "蓮"),
        ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤"),
        True,
    ),
    "korean": (
        ("민준", "서연", "지호", "하은"),
        ("김", "이", "박", "최"),
        True,
    ),
    "indian": (
        ("Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Sneha", "Aditya"),
        ("Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Chatterjee"),
        False,
    ),
    "arabic": (
        ("Omar", "Layla", "Youssef", "Fatima", "Karim", "Nour"),
        ("Haddad", "Al-Sayed", "Khoury", "Mansour", "Nasser"),
        False,
    ),
    "vietnamese": (
        ("Anh", "Thảo", "Minh", "Hương", "Dũng", "Ngọc"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Đặng"),
        True,
    ),
}

# How often each tradition is drawn (US contact centre mix).
CULTURE_WEIGHTS: Final[dict[str, int]] = {
    "english": 30,
    "hispanic": 14,
    "german": 6,
    "irish": 6,
    "french": 5,
    "polish": 4,
    "nordic": 3,
    "chinese": 8,
    "japanese": 4,
    "korean": 3,
    "indian": 8,
    "arabic": 5,
    "vietnamese": 4,
}

# Romanisations for the e-mail local part of names in non-Latin scripts.
ROMAN: Final[dict[str, str]] = {
    "伟": "wei", "娜": "na", "敏": "min", "静": "jing", "磊": "lei", "芳": "fang",
    "强": "qiang", "秀英": "xiuying", "王": "wang", "李": "li", "张": "zhang", "刘": "liu",
    "陈": "chen", "杨": "yang", "黄": "huang", "赵": "zhao", "花子": "hanako",
    "太郎": "taro", "美咲": "misaki", "翔": "sho", "陽菜": "hina", "蓮": "ren",
    "佐藤": "sato", "鈴木": "suzuki", "高橋": "takahashi", "田中": "tanaka",
    "渡辺": "watanabe", "伊藤": "ito", "민준": "minjun", "서연": "seoyeon",
    "지호": "jiho", "하은": "haeun", "김": "kim", "이": "lee", "박": "park", "최": "choi",
    "青山贸易有限公司": "qingshantrading",
}  # fmt: skip

# Contacts every demo directory starts with, so the showcase names are always there.
FEATURED: Final[tuple[tuple[str, str, str], ...]] = (
    ("Jörg", "Müller", "german"),
    ("Seán", "O'Brien", "irish"),
    ("伟", "王", "chinese"),
    ("María", "Núñez", "hispanic"),
    ("Łukasz", "Wójcik", "polish"),
    ("Søren", "Jørgensen", "nordic"),
)

COMPANIES: Final[tuple[str, ...]] = (
    "Northwind Traders",
    "Contoso Health",
    "Fabrikam Logistics",
    "Tailspin Airways",
    "Globex Utilities",
    "Initech Software",
    "Umbrella Insurance",
    "Wayfarer Travel",
    "Bluebird Dental",
    "Lakeside Property Management",
    "Acme Hardware",
    "Pinecrest Credit Union",
    "Brightline Telecom",
    "Müller & Söhne GmbH",
    "Café Olé Roasters",
    "青山贸易有限公司",
)

NOTES: Final[tuple[str, ...]] = (
    "Prefers e-mail over phone.",
    "VIP: escalate to the team lead.",
    "Call back after 3 pm local time.",
    "Hard of hearing; speak slowly and confirm details.",
    "Speaks German and English.",
    "Billing contact for the whole account.",
    "Asked not to be called on weekends.",
    "Contract renewal due next quarter.",
    "Uses the mobile app; check the app version first.",
    "Disputed the March invoice; see ticket history.",
)

TAGS: Final[tuple[str, ...]] = (
    "vip",
    "billing",
    "churn-risk",
    "partner",
    "reseller",
    "new-customer",
    "enterprise",
    "do-not-call",
    "spanish",
    "german",
)

# Past interactions: channel → (outcome, note) choices.
INTERACTIONS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "phone": (
        ("resolved", "Reset the account password."),
        ("callback-requested", "Wants a call back about the refund."),
        ("escalated", "Outage at the branch office; escalated to tier 2."),
        ("voicemail", "Left a voicemail about the renewal."),
        ("no-answer", "No answer on the follow-up call."),
        ("sale", "Upgraded to the premium plan."),
    ),
    "email": (
        ("replied", "Sent the updated quote."),
        ("awaiting-customer", "Asked for the serial number of the device."),
        ("resolved", "Confirmed the address change."),
    ),
    "chat": (
        ("resolved", "Explained how to export the invoice PDF."),
        ("transferred", "Moved to billing for a payment plan."),
        ("abandoned", "Customer left the chat before an answer."),
    ),
}

# Caller IDs of callers the directory does not know (carrier CNAM style and worse).
UNKNOWN_NAMES: Final[tuple[str, ...]] = (
    "WIRELESS CALLER",
    "",
    "SAN FRANCISCO CA",
    "[bold red]not markup[/]",
    "Ünknown Ñame",
)
