"""收据 PDF: one A5-landscape page per receipt, drawn with reportlab and its
built-in CJK font (UnicodeCIDFont STSong-Light, nothing to embed or download).
No Flask imports: the caller passes the receipt and the translated labels."""

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.reports.chinese_amount import money

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def receipt_pdf(receipt, labels: dict) -> bytes:
    """The receipt as PDF bytes. `labels` maps keys (title, receipt_no, center,
    household, unit, period, item, amount, due_date, total, words, method,
    cashier, paid_at, printed_at, reversed) to display text."""
    font = _font()
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A5), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=receipt.receipt_no,
                            author=receipt.center_name)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=20, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    story = [Paragraph(f"{_esc(receipt.center_name)} {_esc(labels['title'])}", title), Spacer(1, 3 * mm)]
    meta = [[f"{labels['receipt_no']}：{receipt.receipt_no}", f"{labels['paid_at']}：{receipt.paid_at:%Y-%m-%d %H:%M}"],
            [f"{labels['household']}：{receipt.household}", f"{labels['unit']}：{receipt.unit}"]]
    story.append(_table(meta, font, grid=False, widths=[95 * mm, 85 * mm]))
    story.append(Spacer(1, 2 * mm))
    rows = [[labels["period"], labels["item"], labels["due_date"], labels["amount"]]]
    for line in receipt.lines:
        rows.append([line.period, line.item, line.due_date.isoformat() if line.due_date else "", money(line.amount)])
    rows.append([labels["total"], f"{labels['words']}：{receipt.total_words}", "", receipt.total_figures])
    t = _table(rows, font, grid=True, widths=[28 * mm, 82 * mm, 30 * mm, 40 * mm])
    t.setStyle(TableStyle([("SPAN", (1, len(rows) - 1), (2, len(rows) - 1)), ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE"))]))
    story += [t, Spacer(1, 3 * mm)]
    footer = (f"{labels['method']}：{receipt.method}　　{labels['cashier']}：{receipt.cashier}　　"
              f"{labels['printed_at']}：{receipt.printed_at:%Y-%m-%d %H:%M}")
    story.append(Paragraph(_esc(footer), body))
    if receipt.reversed:
        stamp = ParagraphStyle("stamp", fontName=font, fontSize=20, leading=26, textColor=colors.red, alignment=1)
        story += [Spacer(1, 4 * mm), Paragraph(_esc(labels["reversed"]), stamp)]
    doc.build(story)
    return buf.getvalue()


def _table(rows, font, grid, widths):
    t = Table(rows, colWidths=widths)
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9.5),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if grid:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    t.setStyle(TableStyle(style))
    return t


def _esc(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
