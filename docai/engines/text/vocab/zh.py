"""Simplified Chinese label vocabulary (mainland VAT invoices, 增值税发票).

Fitted on: the Chinese synthetic invoices of seeds 1, 5, 7 and 11 (`docai.evals.synth`, born-digital and
scanned) and the usual printed form of a mainland VAT invoice.
"""

from __future__ import annotations

SYNONYMS: dict[str, str] = {
    "invoice_number": "发票号码|发票号|单号|票据号码|编号",
    "total": "合计|总计|价税合计|应付金额|总金额|实付金额|应收",
    "amount": "金额",
    "subtotal": "小计|不含税金额",
    "date": "日期|开票日期",
    "tax": "税额|税金",
    "quantity": "数量",
    "unit_price": "单价",
    "description": "名称|货物或应税劳务名称|项目|商品名称",
    "customer": "购买方|客户|购方",
    "vendor": "销售方|卖方|销方",
    "due_date": "付款期限|到期日|截止日期",
    "phone": "电话",
    "address": "地址",
}

# the label of a totals row under a table of items
SUMMARY_WORDS = frozenset({"小计", "合计", "总计", "税额", "税金", "价税合计", "折扣", "运费"})

# words of a document's title: invoice, receipt
TITLE_WORDS = frozenset({"发票", "收据"})

# an amount written out in words, as invoices print it beside the figures: '（大写）壹仟零玖拾圆整' (in words)
# and '（小写）' (in figures) are notes on the amount, not part of its label
AMOUNT_NOTES = ("大写", "小写")
NUMERAL_WORDS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整"
