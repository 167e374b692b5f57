"""Rule (DESIGN "Chinese first, English second"; issue: "zh and en catalogues
complete and compiled"): every UI string has a zh and an en translation, FAB's
own English UI strings read Chinese in zh, and the catalogues compile.

No Flask app is needed: the catalogues are read with babel's own API. When a
test fails, run `translations/update.sh` and fill the empty msgstr it lists.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

try:  # babel >= 2.14
    from babel.messages.frontend import parse_mapping_cfg
except ImportError:  # pragma: no cover - older babel
    from babel.messages.frontend import parse_mapping as parse_mapping_cfg

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = ("zh", "en")
# Same keywords as `pybabel extract -k _l -k lazy_gettext -k _ -k gettext`.
KEYWORDS = {"_l": None, "lazy_gettext": None, "_": None, "gettext": None}
# Our msgids babel cannot find in the source (see that file's docstring).
HIDDEN = TRANSLATIONS / "app_strings_hidden.py"
CJK = re.compile(r"[\u3400-\u9fff]")
#: Licence-plate examples start with a Chinese province character (粤B12345) in every language.
PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}")
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")

CORE_FAB_STRINGS = (
    "Add", "Edit", "Delete", "Show", "Refresh", "Search", "Save", "Back", "Login", "Logout",
    "Username", "Password", "Record Count", "Actions", "Add Filter", "List Users", "List Roles",
    "Security", "Profile", "Reset my password", "No records found", "Sign In",
)


def _catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def _source_msgids() -> set[str]:
    """Our msgids, extracted from the tree with babel.cfg, as `pybabel extract` does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {msg for _file, _line, msg, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS)}
    found |= {msg for _line, msg, _comments, _ctx in extract_from_file("python", str(HIDDEN), keywords=KEYWORDS)}
    ids = set()
    for msg in found:
        ids.update(m for m in (msg if isinstance(msg, tuple) else (msg,)) if m)
    return ids


def _strings(msg) -> tuple:
    return msg.string if isinstance(msg.string, tuple) else (msg.string,)


def _untranslated(catalog, msgids):
    missing = []
    for msgid in sorted(msgids):
        msg = catalog.get(msgid)
        if msg is None or msg.fuzzy or not all(_strings(msg)):
            missing.append(msgid)
    return missing


def _is_fab(msg) -> bool:
    """Listed in translations/fab_strings.py and used nowhere in our code."""
    files = {path for path, _line in msg.locations}
    return bool(files) and files <= {"translations/fab_strings.py"}


@pytest.fixture(scope="module")
def source_msgids():
    ids = _source_msgids()
    assert len(ids) > 50, "extraction found almost nothing: is babel.cfg right?"
    return ids


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_translated(locale, source_msgids):
    """Rule: zh and en catalogues complete — every msgid in app/, seeds/,
    config.py and the templates has a non-empty, non-fuzzy msgstr in `locale`."""
    missing = _untranslated(_catalog(locale), source_msgids)
    assert not missing, (
        f"{len(missing)} msgid(s) without a {locale} translation "
        f"(run translations/update.sh, then translate):\n  " + "\n  ".join(missing)
    )


def test_core_fab_ui_strings_read_chinese_in_zh():
    """Rule: Chinese UI by default — FAB's own English UI strings (buttons,
    menus, login page) have a Simplified Chinese msgstr in our zh catalogue,
    which overrides FAB's incomplete one."""
    zh = _catalog("zh")
    bad = [s for s in CORE_FAB_STRINGS
           if zh.get(s) is None or zh[s].fuzzy or not CJK.search(zh[s].string or "")]
    assert not bad, "FAB strings without a Chinese msgstr in translations/zh:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_no_gaps_fuzzy_or_broken_placeholders(locale):
    """Rule: zh and en catalogues complete — no entry (ours or FAB's) is
    empty or fuzzy, placeholders such as %(label)s are kept, and in en FAB's
    English msgids translate to themselves; in zh they read Chinese."""
    catalog = _catalog(locale)
    problems = []
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = _strings(msg)
        if msg.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        if any(sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(ids[-1])) for s in strings):
            problems.append(f"placeholders differ: {ids[0]!r} -> {strings!r}")
        fab = _is_fab(msg)
        if locale == "zh" and fab and not CJK.search(strings[0]):
            problems.append(f"FAB string not in Chinese: {ids[0]!r} -> {strings[0]!r}")
        if locale == "en" and fab and strings[0] != ids[0]:
            problems.append(f"FAB string changed in en: {ids[0]!r} -> {strings[0]!r}")
        if locale == "en" and CJK.search(PLATE.sub("", strings[0])):
            problems.append(f"Chinese left in en: {ids[0]!r} -> {strings[0]!r}")
    assert not problems, f"translations/{locale}:\n  " + "\n  ".join(problems)


def test_catalogues_compile(tmp_path):
    """Rule: catalogues compiled — `pybabel compile -f -d translations` (what
    `make install` runs) exits 0, and the compiled zh/en catalogues translate."""
    shutil.copytree(TRANSLATIONS, tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo"))
    result = subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()",
         "compile", "-f", "-d", str(tmp_path / "translations")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    for locale, msgid, expected in (("zh", "Add", "新增"), ("en", "业户", "Households")):
        with open(tmp_path / "translations" / locale / "LC_MESSAGES" / "messages.mo", "rb") as f:
            compiled = read_mo(f)
        assert compiled[msgid].string == expected, (locale, msgid, compiled[msgid].string)
