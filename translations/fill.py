"""Fill the empty msgstr left by update.sh.

    .venv/bin/python translations/fill.py new-strings.json

The JSON maps each new Chinese msgid to its English text. zh gets the msgid
itself (our source strings are Chinese); en gets the given English. Lists
what is still empty afterwards.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent


def fill(english: dict[str, str]) -> list[str]:
    missing = []
    for lang in ("zh", "en"):
        path = HERE / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for message in catalog:
            if not message.id or message.string:
                continue
            text = message.id if lang == "zh" else english.get(message.id)
            if text:
                message.string = text
            else:
                missing.append(f"{lang}: {message.id}")
        with path.open("wb") as f:
            write_po(f, catalog, width=100)
    return missing


if __name__ == "__main__":
    english = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    left = fill(english)
    print("\n".join(left) if left else "all messages translated")
