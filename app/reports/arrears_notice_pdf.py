"""催缴通知书 as PDF (reportlab, built-in CJK font STSong-Light). No Flask imports:
the view passes the notice data (app.services.arrears.notice) and the labels
already translated."""

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.reports.chinese_amount import money

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def write_notice(path: str, data: dict, labels: dict) -> None:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16)
    right = ParagraphStyle("right", parent=body, alignment=2)
    center, household = data["center"], data["household"]
    as_of = data["as_of"].isoformat()
    rows = [[labels["period"], labels["item"], labels["due"], labels["amount"]]]
    for line in data["lines"]:
        bill = line["bill"]
        rows.append([bill.period, bill.charge_item.name if bill.charge_item else "", bill.due_date.isoformat(),
                     money(bill.amount)])
    rows += [[labels["principal"], "", "", money(data["principal"])],
             [labels["late"], "", "", money(data["late_fees"])],
             [labels["total"], "", "", money(data["total"])]]
    table = Table(rows, colWidths=[35 * mm, 60 * mm, 40 * mm, 35 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        *[("SPAN", (0, r), (2, r)) for r in range(len(rows) - 3, len(rows))],
    ]))
    center_name = escape(center.name if center else "")
    story = [
        Paragraph(escape(labels["title"]), title), Spacer(1, 4 * mm),
        Paragraph(f"{escape(labels['center'])}：{center_name}　{escape(labels['phone'])}："
                  f"{escape((center.phone if center else '') or '')}　{escape(labels['date'])}：{as_of}", body),
        Spacer(1, 3 * mm),
        Paragraph(f"{escape(household.name)}（{escape(str(household.unit or ''))}）：", body),
        Paragraph(escape(labels["body"]), body), Spacer(1, 3 * mm), table, Spacer(1, 10 * mm),
        Paragraph(f"{center_name}<br/>{as_of}", right),
    ]
    SimpleDocTemplate(path, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                      bottomMargin=16 * mm, title=labels["title"]).build(story)
