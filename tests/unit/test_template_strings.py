"""Jinja's gettext always %-formats its result, so a bare % in a template
msgid or in its translation breaks the page (seen: "30%（" → 500)."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
BARE_PERCENT = re.compile(r"%(?!\(\w+\)s|%)")


def _template_msgids() -> set[str]:
    found = extract_from_dir(str(ROOT / "app" / "templates"), method_map=[("**.html", "jinja2")],
                             keywords={"_": None, "gettext": None})
    return {msgid for _f, _l, msgid, _c, _x in found if isinstance(msgid, str)}


def test_no_bare_percent_in_template_strings_or_their_translations():
    ids = _template_msgids()
    assert ids, "no template strings found"
    problems = [f"msgid {i!r}" for i in ids if BARE_PERCENT.search(i)]
    for lang in ("zh", "en"):
        with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
            for m in read_po(f, locale=lang):
                if m.id in ids and isinstance(m.string, str) and BARE_PERCENT.search(m.string):
                    problems.append(f"{lang}: {m.id!r} → {m.string!r}")
    assert not problems, problems
