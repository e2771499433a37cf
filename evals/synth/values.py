"""Random but plausible content for synthetic documents, and the many ways to print it.

Every function takes a `random.Random`, so a seed fixes the whole document. Ground truth keeps the
canonical value (ISO date, float); the document shows a formatted spelling of it.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta

_log = logging.getLogger(__name__)

COMPANY_A = [
    "Northwind",
    "Bluebird",
    "Harbor",
    "Summit",
    "Cedar",
    "Granite",
    "Aurora",
    "Meridian",
    "Oakridge",
    "Silverline",
    "Redwood",
    "Lakeside",
    "Pioneer",
    "Crescent",
    "Evergreen",
    "Falcon",
]
COMPANY_B = [
    "Trading",
    "Supplies",
    "Logistics",
    "Software",
    "Engineering",
    "Foods",
    "Print Works",
    "Consulting",
    "Hardware",
    "Textiles",
    "Labs",
    "Electric",
]
COMPANY_C = ["Ltd", "Inc.", "GmbH", "LLC", "Sdn Bhd", "Co.", "PLC", "S.A."]
ZH_COMPANIES = [
    "上海明达贸易有限公司",
    "北京华信科技有限公司",
    "深圳新光电子有限公司",
    "广州恒泰物流有限公司",
    "杭州云图软件有限公司",
    "南京金桥印刷有限公司",
]
FIRST = ["Anna", "James", "Mei", "Omar", "Lucia", "Tom", "Priya", "Ken", "Sara", "David", "Nadia", "Hugo"]
LAST = ["Fischer", "Tan", "Okafor", "Rossi", "Nguyen", "Smith", "Kowalski", "Haddad", "Lee", "Moreau"]
STREETS = [
    "Market Street",
    "Jalan Dedap",
    "King's Road",
    "Hauptstrasse",
    "Rue de Lyon",
    "Harbour Way",
    "Elm Avenue",
]
CITIES = [
    ("London", "EC2A 4NE"),
    ("Johor Bahru", "81100"),
    ("Berlin", "10115"),
    ("Lyon", "69003"),
    ("Springfield", "62704"),
    ("Singapore", "049315"),
]
ZH_ADDRESSES = ["上海市浦东新区世纪大道100号", "北京市朝阳区建国路88号", "深圳市南山区科技园南路15号"]
# name, typical unit price range
ITEMS: list[tuple[str, float, float]] = [
    ("Printer paper A4 (box)", 18, 45),
    ("USB-C cable 2m", 6, 25),
    ("Consulting hours", 80, 220),
    ("Office chair", 120, 480),
    ("Toner cartridge", 40, 160),
    ("Software licence (1 yr)", 90, 900),
    ("Shipping & handling", 8, 60),
    ("Desk lamp LED", 15, 70),
    ("Network switch 8-port", 35, 180),
    ("Maintenance visit", 90, 350),
    ("Coffee beans 1kg", 12, 35),
    ("Whiteboard markers (pack)", 4, 15),
    ("External SSD 1TB", 60, 160),
    ("Training session", 250, 1200),
]
ZH_ITEMS = ["办公用纸", "数据线", "咨询服务", "办公椅", "硒鼓", "软件许可", "运输费", "台灯"]
RECEIPT_ITEMS = [
    "MILO 1KG",
    "BREAD WHOLEMEAL",
    "EGGS 10S",
    "MINERAL WATER 1.5L",
    "RICE 5KG",
    "COOKING OIL 2L",
    "SOAP BAR",
    "NOODLES 5S",
    "TISSUE BOX",
    "COFFEE 3IN1",
]

# code, symbol, number style (us: 1,234.56; eu: 1.234,56)
# code, symbol, number style (us: 1,234.56; eu: 1.234,56). ¥ is left to Chinese documents, where it
# means CNY; alone on an English page it would be ambiguous with JPY.
CURRENCIES = [
    ("USD", "$", "us"),
    ("EUR", "€", "eu"),
    ("GBP", "£", "us"),
    ("MYR", "RM", "us"),
    ("EUR", "EUR", "eu"),
    ("USD", "USD", "us"),
]

LABELS: dict[str, list[str]] = {
    "invoice_number": ["Invoice No.", "Invoice #", "Invoice Number", "Bill No", "Inv. No."],
    "issue_date": ["Invoice Date", "Date", "Date of Issue", "Issued"],
    "due_date": ["Due Date", "Payment Due", "Due"],
    "customer": ["Bill To", "Customer", "Sold To", "Invoice To"],
    "subtotal": ["Subtotal", "Net Amount", "Total before tax"],
    "tax": ["Tax", "VAT", "Sales Tax", "GST"],
    "total": ["Total Due", "Amount Due", "Grand Total", "Total", "Balance Due"],
}
ZH_LABELS = {
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "due_date": "付款期限",
    "customer": "购买方",
    "subtotal": "小计",
    "tax": "税额",
    "total": "合计",
}

DATE_STYLES = ("iso", "dmy_slash", "dmy_dot_short", "month_d_y", "d_mon_y")


def company(rng: random.Random, zh: bool = False) -> str:
    if zh:
        return rng.choice(ZH_COMPANIES)
    return f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)} {rng.choice(COMPANY_C)}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def address(rng: random.Random, zh: bool = False) -> str:
    if zh:
        return rng.choice(ZH_ADDRESSES)
    city, code = rng.choice(CITIES)
    return f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {code} {city}"


def some_date(rng: random.Random, start: int = 2018, end: int = 2025) -> date:
    """A date whose day is above 12, so day-first numeric spellings are never ambiguous."""
    d = date(rng.randint(start, end), rng.randint(1, 12), rng.randint(13, 28))
    return d


def format_date(d: date, style: str, zh: bool = False) -> str:
    if zh:
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "iso":
        return d.isoformat()
    if style == "dmy_slash":
        return d.strftime("%d/%m/%Y")
    if style == "dmy_dot_short":
        return d.strftime("%d.%m.%y")
    if style == "month_d_y":
        return f"{d.strftime('%B')} {d.day}, {d.year}"
    return f"{d.day} {d.strftime('%b')} {d.year}"


def shift(d: date, days: int) -> date:
    return d + timedelta(days=days)


def format_number(value: float, style: str = "us", decimals: int = 2) -> str:
    """1234.5 -> '1,234.50' (us) or '1.234,50' (eu); negatives keep a leading minus."""
    s = f"{abs(value):,.{decimals}f}"
    if style == "eu":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return ("-" if value < 0 else "") + s


def format_money(value: float, code: str, symbol: str, style: str, rng: random.Random | None = None) -> str:
    """A money amount with its symbol or code placed the way that currency usually shows it."""
    n = format_number(value, style)
    if style == "eu" and symbol == "€":
        return f"{n} €"
    if symbol == code:
        return f"{code} {n}"
    return f"{symbol}{n}" if len(symbol) == 1 else f"{symbol} {n}"


def money(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def ref_number(rng: random.Random, year: int | None = None, prefix: str | None = None) -> str:
    prefix = prefix or rng.choice(["INV", "IN", "BILL", "F", "A"])
    sep = rng.choice(["-", "/", ""])
    return f"{prefix}{sep}{year or rng.randint(2018, 2025)}{sep}{rng.randint(1, 9999):04d}"
