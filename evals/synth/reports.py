"""Synthetic bank statements, multi-page annual reports with KPI tables, and filled-in forms."""

from __future__ import annotations

import logging
import random
from typing import Any

from docai.evals.synth import values as v
from docai.evals.synth.draw import Canvas
from docai.evals.synth.invoices import Sample

_log = logging.getLogger(__name__)

Pager = Any  # callable () -> new page


def draw_statement(new_page: Pager, rng: random.Random) -> Sample:
    """A bank statement: header, account block, transactions with running balance, closing balance."""
    page = new_page()
    c = Canvas(page, font=rng.choice(["helv", "tiro"]), size=9)
    bank = f"{rng.choice(v.COMPANY_A)} {rng.choice(['Bank', 'Savings Bank', 'Bank PLC'])}"
    holder = v.person(rng)
    account = f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    code, symbol, style = rng.choice([("USD", "$", "us"), ("GBP", "£", "us"), ("EUR", "€", "eu")])
    start = v.some_date(rng).replace(day=1)
    end = v.shift(start, 29)
    date_style = rng.choice(("iso", "month_d_y", "d_mon_y"))  # day 1 would make dd/mm spellings ambiguous
    opening = v.money(rng, 200, 9000)
    balance = opening
    tx = []
    day = start
    for _ in range(rng.randint(6, 16)):
        day = v.shift(day, rng.randint(0, 2))
        if day > end:
            break
        amount = v.money(rng, 5, 1200) * (1 if rng.random() < 0.3 else -1)
        balance = round(balance + amount, 2)
        credits, debits = (
            ["Salary", "Transfer in", "Interest"],
            ["Card payment", "Direct debit", "ATM withdrawal"],
        )
        desc = rng.choice(credits if amount > 0 else debits)
        tx.append(
            {
                "date": day.isoformat(),
                "description": f"{desc} {rng.choice(v.COMPANY_A).upper()}",
                "amount": round(amount, 2),
                "balance": balance,
            }
        )
    c.text(c.margin, 60, bank, size=16, bold=True)
    c.text(c.width - c.margin, 60, "Account Statement", size=13, align="right")
    c.text(c.margin, 95, f"Account holder: {holder}")
    c.text(c.margin, 110, f"Account number: {account}")
    period = f"{v.format_date(start, date_style)} to {v.format_date(end, date_style)}"
    c.text(c.margin, 125, f"Statement period: {period}")
    c.text(c.margin, 140, f"Statement date: {v.format_date(end, date_style)}   Currency: {code}")
    c.text(c.margin, 165, f"Opening balance: {v.format_money(opening, code, symbol, style)}", bold=True)
    c.y = 180
    inner = c.width - 2 * c.margin
    cols = [
        ("Date", inner * 0.17, "left"),
        ("Description", inner * 0.45, "left"),
        ("Amount", inner * 0.19, "right"),
        ("Balance", inner * 0.19, "right"),
    ]
    rows = [
        [
            v.format_date(date_from_iso(t["date"]), date_style),
            t["description"],
            v.format_number(t["amount"], style),
            v.format_number(t["balance"], style),
        ]
        for t in tx
    ]
    c.table(c.margin, cols, rows, rulings=rng.random() < 0.5, size=8.5)
    c.text(c.margin, c.y, f"Closing balance: {v.format_money(balance, code, symbol, style)}", bold=True)
    fields = {
        "bank_name": bank,
        "account_holder": holder,
        "account_number": account,
        "statement_date": end.isoformat(),
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "opening_balance": opening,
        "closing_balance": balance,
        "currency": code,
        "transactions": tx,
    }
    shown = {
        "bank_name": bank,
        "account_holder": holder,
        "account_number": account,
        "opening_balance": v.format_number(opening, style),
        "closing_balance": v.format_number(balance, style),
    }
    q = [
        {
            "question": "What is the closing balance?",
            "answer": v.format_money(balance, code, symbol, style),
            "pages": [1],
        }
    ]
    return Sample(fields, shown, q, "statement")


def date_from_iso(s: str) -> Any:
    from datetime import date

    return date.fromisoformat(s)


def _growth(rng: random.Random, base: float, years: int) -> list[float]:
    out = [base]
    for _ in range(years - 1):
        out.append(round(out[-1] * rng.uniform(0.95, 1.22), 1))
    return out


def draw_annual_report(
    new_page: Pager, rng: random.Random, year: int = 2024, company: str | None = None
) -> Sample:
    """An 8-page annual report; 'Total revenue' for `year` is printed on one page only (the highlights)."""
    company = company or v.company(rng).replace(" Sdn Bhd", " Group")
    years = [year - 2, year - 1, year]
    revenue = _growth(rng, round(rng.uniform(400, 5000), 1), 3)
    margin = [rng.uniform(0.08, 0.2) for _ in years]
    op_income = [round(r * m, 1) for r, m in zip(revenue, margin, strict=True)]
    net_income = [round(o * rng.uniform(0.6, 0.8), 1) for o in op_income]
    shares = rng.randint(50, 900)
    eps = [round(n / shares, 2) for n in net_income]
    employees = [rng.randint(800, 30000)]
    employees += [int(employees[-1] * rng.uniform(0.98, 1.1)) for _ in range(2)]
    total_assets = round(revenue[-1] * rng.uniform(1.1, 2.2), 1)
    total_liab = round(total_assets * rng.uniform(0.35, 0.7), 1)
    quarters = [rng.uniform(0.2, 0.3) for _ in range(4)]
    q_rev = [round(revenue[-1] * q / sum(quarters), 1) for q in quarters]
    q_rev[-1] = round(revenue[-1] - sum(q_rev[:3]), 1)
    segments = rng.sample(["Industrial", "Consumer", "Healthcare", "Digital Services", "Energy"], 3)
    seg_share = sorted((rng.uniform(0.2, 0.5) for _ in segments), reverse=True)
    seg_rev = [round(revenue[-1] * s / sum(seg_share), 1) for s in seg_share]
    seg_rev[-1] = round(revenue[-1] - sum(seg_rev[:2]), 1)
    fmt = lambda x: v.format_number(x, "us", 1)  # noqa: E731
    pages: list[Canvas] = []

    def page(title: str) -> Canvas:
        c = Canvas(new_page(), font="helv", size=10, margin=60)
        pages.append(c)
        n = len(pages)
        if n > 1:
            c.text(c.margin, 50, f"{company} · Annual Report {year}", size=8, color=(0.4, 0.4, 0.4))
            c.text(c.width - c.margin, c.height - 30, f"Page {n}", size=8, align="right")
            c.text(c.margin, 90, title, size=18, bold=True)
            c.y = 125
        return c

    c = page("cover")
    c.text(c.width / 2, 300, company, size=26, bold=True, align="center")
    c.text(c.width / 2, 340, f"Annual Report {year}", size=20, align="center")
    c.text(c.width / 2, 370, f"For the fiscal year ended December 31, {year}", size=11, align="center")
    growth = (revenue[-1] / revenue[-2] - 1) * 100
    c = page("Letter to Shareholders")
    c.paragraph(
        f"Dear shareholders, {year} was a year of steady progress for {company}. Demand held up across our "
        f"markets and revenue grew by {growth:.1f} percent compared with {year - 1}. We kept investing in "
        "our people, our plants and our digital tools while keeping costs under control."
    )
    c.y += 10
    c.paragraph(
        "Our priorities remain the same: serve customers well, run safe and efficient operations, and "
        "return cash to shareholders. The sections that follow present our financial highlights, quarterly "
        "results, segment performance, balance sheet and outlook."
    )
    c.y += 10
    c.paragraph(f"Sincerely, {v.person(rng)}, Chief Executive Officer")
    c = page("Financial Highlights")
    c.paragraph("Key performance indicators (USD millions, except per-share amounts and employees)")
    inner = c.width - 2 * c.margin
    cols = [("", inner * 0.4, "left")] + [(str(y), inner * 0.2, "right") for y in years]
    c.table(
        c.margin,
        cols,
        [
            ["Total revenue", *map(fmt, revenue)],
            ["Operating income", *map(fmt, op_income)],
            ["Net income", *map(fmt, net_income)],
            ["Earnings per share (USD)", *(f"{e:.2f}" for e in eps)],
            ["Employees (year end)", *(f"{e:,}" for e in employees)],
        ],
        rulings=True,
    )
    highlights_page = len(pages)
    c = page("Quarterly Results")
    c.paragraph(f"Revenue by quarter, {year} (USD millions)")
    c.table(
        c.margin,
        [("Quarter", inner * 0.5, "left"), ("Revenue", inner * 0.5, "right")],
        [[f"Q{i + 1} {year}", fmt(q)] for i, q in enumerate(q_rev)],
        rulings=False,
    )
    quarterly_page = len(pages)
    c = page("Segment Performance")
    c.paragraph(f"Revenue by segment, {year} (USD millions). {segments[0]} remained our largest segment.")
    c.table(
        c.margin,
        [
            ("Segment", inner * 0.5, "left"),
            ("Revenue", inner * 0.25, "right"),
            ("Share", inner * 0.25, "right"),
        ],
        [[s, fmt(r), f"{100 * r / revenue[-1]:.0f}%"] for s, r in zip(segments, seg_rev, strict=True)],
        rulings=True,
    )
    segment_page = len(pages)
    c = page("Balance Sheet")
    c.paragraph(f"Consolidated balance sheet at December 31, {year} (USD millions)")
    c.table(
        c.margin,
        [("", inner * 0.6, "left"), (str(year), inner * 0.4, "right")],
        [
            ["Total assets", fmt(total_assets)],
            ["Total liabilities", fmt(total_liab)],
            ["Shareholders' equity", fmt(round(total_assets - total_liab, 1))],
        ],
        rulings=False,
    )
    balance_page = len(pages)
    c = page("Cash Flow")
    cfo = round(net_income[-1] * rng.uniform(1.1, 1.5), 1)
    capex = round(revenue[-1] * rng.uniform(0.03, 0.08), 1)
    c.table(
        c.margin,
        [("", inner * 0.6, "left"), (str(year), inner * 0.4, "right")],
        [
            ["Cash from operating activities", fmt(cfo)],
            ["Capital expenditure", fmt(-capex)],
            ["Free cash flow", fmt(round(cfo - capex, 1))],
        ],
        rulings=True,
    )
    c = page("Outlook")
    c.paragraph(
        f"For {year + 1} we expect moderate growth, continued investment in {segments[1].lower()} and a "
        "stable dividend. Forward-looking statements involve risks and uncertainties."
    )
    fields = {
        "company": company,
        "fiscal_year": year,
        "currency": "USD",
        "revenue": revenue[-1],
        "operating_income": op_income[-1],
        "net_income": net_income[-1],
        "total_assets": total_assets,
        "total_liabilities": total_liab,
        "earnings_per_share": eps[-1],
        "employees": employees[-1],
    }
    shown = {
        "company": company,
        "revenue": fmt(revenue[-1]),
        "net_income": fmt(net_income[-1]),
        "total_assets": fmt(total_assets),
    }
    q = [
        {
            "question": f"What was total revenue in {year}?",
            "answer": f"${fmt(revenue[-1])} million",
            "pages": [highlights_page],
        },
        {
            "question": f"What was net income in {year}?",
            "answer": f"${fmt(net_income[-1])} million",
            "pages": [highlights_page],
        },
        {
            "question": f"What was revenue in Q3 {year}?",
            "answer": f"${fmt(q_rev[2])} million",
            "pages": [quarterly_page],
        },
        {
            "question": "Which segment had the highest revenue?",
            "answer": segments[0],
            "pages": [segment_page],
        },
        {
            "question": f"What were total assets at the end of {year}?",
            "answer": f"${fmt(total_assets)} million",
            "pages": [balance_page],
        },
    ]
    on_page = dict.fromkeys(
        ("revenue", "operating_income", "net_income", "earnings_per_share", "employees", "currency"),
        highlights_page,
    )
    on_page.update(total_assets=balance_page, total_liabilities=balance_page)
    return Sample(fields, shown, q, "annual_report", pages=on_page)


FORM_FIELDS = ("applicant_name", "date_of_birth", "email", "phone", "address", "application_number")


def draw_form(new_page: Pager, rng: random.Random) -> Sample:
    """An application form filled in: boxed fields or label-and-underline lines."""
    c = Canvas(new_page(), font=rng.choice(["helv", "tiro"]), size=10)
    layout = rng.choice(["boxed", "underline"])
    name = v.person(rng)
    dob = v.some_date(rng, 1950, 2004)
    style = rng.choice(v.DATE_STYLES)
    email = f"{name.split()[0].lower()}.{name.split()[1].lower()}@example.com"
    phone = f"+{rng.randint(1, 66)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    addr = v.address(rng)
    app_no = f"APP-{rng.randint(100000, 999999)}"
    labels = {
        "applicant_name": rng.choice(["Full name", "Name of applicant", "Applicant"]),
        "date_of_birth": rng.choice(["Date of birth", "DOB", "Birth date"]),
        "email": rng.choice(["Email", "E-mail address"]),
        "phone": rng.choice(["Phone", "Telephone"]),
        "address": rng.choice(["Address", "Home address"]),
        "application_number": rng.choice(["Application No.", "Reference number"]),
    }
    shown = {
        "applicant_name": name,
        "date_of_birth": v.format_date(dob, style),
        "email": email,
        "phone": phone,
        "address": addr,
        "application_number": app_no,
    }
    c.text(
        c.width / 2,
        70,
        rng.choice(["APPLICATION FORM", "Membership Application", "Registration Form"]),
        size=16,
        bold=True,
        align="center",
    )
    y = 120.0
    for key in FORM_FIELDS:
        if layout == "boxed":
            c.box(c.margin, y, c.width - c.margin, y + 36)
            c.text(c.margin + 5, y + 11, labels[key], size=7.5)
            c.text(c.margin + 10, y + 28, shown[key], font="cour", size=11)
            y += 44
        else:
            c.text(c.margin, y + 20, labels[key] + ":")
            c.line(c.margin + 130, y + 23, c.width - c.margin, y + 23, width=0.4)
            c.text(c.margin + 135, y + 20, shown[key], font="cour", size=11)
            y += 34
    c.text(c.margin, y + 40, "Signature: ______________________", size=9)
    fields = dict(shown, date_of_birth=dob.isoformat())
    q = [{"question": "What is the applicant's email address?", "answer": email, "pages": [1]}]
    return Sample(fields, shown, q, layout)
