"""Small helpers for text that is put together from several translated parts."""

from flask_babel import gettext as _


def join_list(items, separator: str = "、") -> str:
    """Join labels with the reader's list separator (、 in Chinese, ", " in English)."""
    sep = _("；") if separator == "；" else _("、")
    return sep.join(str(item) for item in items)
