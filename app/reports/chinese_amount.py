"""人民币大写金额 (the capital-figure amount printed on a receipt). No Flask imports.

Follows the People's Bank of China rules for filling in receipts (正确填写票据和
结算凭证的基本规定): 零 stands for one or more zeros inside the figure, 元 is
followed by 整 when there are no 角/分, 整 is not written after 角 or 分, and
an amount under one yuan starts with its first non-zero unit (0.05 → 伍分).
The amount is rounded half-up to the fen first; negative amounts (红冲) read
负…. Never float: a float is refused.
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ((3, "仟"), (2, "佰"), (1, "拾"), (0, ""))
_GROUPS = ("", "万", "亿", "万亿")


def _group(n: int, after_higher: bool) -> str:
    """Read 1..9999; a zero after written digits (or after a higher group) reads 零 once."""
    out, zero = "", False
    for power, unit in _IN_GROUP:
        d = n // 10 ** power % 10
        if d == 0:
            zero = zero or bool(out) or after_higher
            continue
        if zero:
            out += "零"
        out += DIGITS[d] + unit
        zero = False
    return out


def _integer(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUPS):
        raise ValueError("amount too large")
    out, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            gap = gap or bool(out)
            continue
        text = _group(value, after_higher=bool(out))
        if gap and not text.startswith("零"):
            text = "零" + text
        out += text + _GROUPS[index]
        gap = False
    return out


def chinese_amount(amount) -> str:
    """Decimal (or int / str) → 大写金额, e.g. 1005.60 → 壹仟零伍元陆角, 100 → 壹佰元整."""
    if isinstance(amount, float):
        raise TypeError("money must not be a float")
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    out = _integer(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return sign + out + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif out:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return sign + out


def money(amount) -> str:
    """¥1,234.50 (figures with thousands separators, 2 places)."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"¥{value:,.2f}" if value >= 0 else f"-¥{-value:,.2f}"
