#!/usr/bin/env bash
# Re-extract every translatable string and bring the zh and en catalogues up
# to date, keeping every existing translation. Run from anywhere:
#
#     translations/update.sh          # then translate the new empty msgstr
#     .venv/bin/pybabel compile -f -d translations   # (make install does this)
#
# How it works:
#  1. Our own msgids (Chinese) are extracted from the source tree with the
#     mapping in babel.cfg (app/**.py, seeds/**.py, config.py, templates).
#  2. Two tracked files in translations/ are extracted as well:
#       - fab_strings.py: every Flask-AppBuilder UI msgid ("Add", "Edit",
#         "List Users", ...). FAB's own zh catalogue is incomplete, so our zh
#         catalogue translates them and, being loaded after FAB's, overrides
#         it. Without this file `pybabel update` would mark those entries
#         obsolete (#~) because nothing in our source uses them.
#       - app_strings_hidden.py: our msgids babel cannot see in the source
#         (e.g. a _l() call inside an f-string).
#     Both are merged into one translations/messages.pot.
#  3. `pybabel update --no-fuzzy-matching` merges the POT into zh and en:
#     existing translations are kept, new msgids arrive with an empty
#     msgstr, vanished ones are kept as obsolete (#~) comments. No fuzzy
#     guesses are ever made.
#
# After upgrading Flask-AppBuilder, list its msgids to spot new ones:
#     printf '[python: **.py]\n[jinja2: **/templates/**.html]\n' > /tmp/fab.cfg
#     .venv/bin/pybabel extract -F /tmp/fab.cfg -k lazy_gettext -k _ -k gettext \
#         -k __ -k lazy_formatter_gettext -o /tmp/fab.pot \
#         .venv/lib/python3.*/site-packages/flask_appbuilder
# and add the missing ones to translations/fab_strings.py.
#
# Rules for translators: zh msgstr of our Chinese msgids = the msgid itself;
# zh msgstr of FAB's English msgids = Simplified Chinese; en msgstr of our
# Chinese msgids = English; en msgstr of FAB's English msgids = the msgid.
# Keep %(name)s placeholders unchanged. tests/unit/test_translations.py
# checks all of this.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-$ROOT/.venv/bin}"
PYBABEL="$BIN/pybabel"
PYTHON="$BIN/python"
KEYWORDS=(-k _l -k lazy_gettext -k _ -k gettext)
POT=translations/messages.pot
LOCALES=(zh en)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$PYBABEL" -q extract -F babel.cfg "${KEYWORDS[@]}" --project=property-service-centre \
    -o "$tmp/app.pot" .
"$PYBABEL" -q extract "${KEYWORDS[@]}" -o "$tmp/extra.pot" \
    translations/app_strings_hidden.py translations/fab_strings.py

"$PYTHON" - "$tmp/app.pot" "$tmp/extra.pot" "$POT" <<'PY'
import sys

from babel.messages.pofile import read_po, write_po

app_pot, extra_pot, out = sys.argv[1:]
with open(app_pot, "rb") as f:
    catalog = read_po(f)
with open(extra_pot, "rb") as f:
    extra = read_po(f)
for msg in extra:
    if not msg.id:
        continue
    if msg.id in catalog:
        catalog[msg.id].locations.extend(msg.locations)
    else:
        catalog.add(msg.id, locations=msg.locations, flags=msg.flags,
                    auto_comments=msg.auto_comments, context=msg.context)
with open(out, "wb") as f:
    write_po(f, catalog, width=76)
print(f"{out}: {sum(1 for m in catalog if m.id)} msgids")
PY

for locale in "${LOCALES[@]}"; do
    "$PYBABEL" -q update -i "$POT" -d translations -l "$locale" \
        --no-fuzzy-matching --init-missing
done

# Report what still needs a translation (does not fail).
"$PYTHON" - "${LOCALES[@]}" <<'PY'
import sys

from babel.messages.pofile import read_po

for locale in sys.argv[1:]:
    path = f"translations/{locale}/LC_MESSAGES/messages.po"
    with open(path, "rb") as f:
        catalog = read_po(f)
    todo = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    print(f"{path}: {sum(1 for m in catalog if m.id)} entries, {len(todo)} to translate")
    for msgid in todo:
        print(f"    {msgid}")
PY
