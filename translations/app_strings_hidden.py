"""Our own msgids that `pybabel extract` cannot see in the source tree.

Never imported by the app; `translations/update.sh` extracts it so these
entries stay in the catalogues. Babel's Python extractor (on Python 3.11)
does not look inside f-strings, so a `_l("...")` call inside an f-string is
invisible to it. Prefer moving such calls out of the f-string; then delete
the line here.
"""

from flask_babel import lazy_gettext as _l

HIDDEN_STRINGS = (
    _l("输入关键字搜索"),  # app/views/fields.py: select2 placeholder, inside an f-string
)
