"""A tiny French catalogue for tests, so a test of a mail or page in French asserts on
strings it controls rather than on the translators' catalogues (still being written)."""

from __future__ import annotations

import subprocess
from pathlib import Path

FRENCH = {
    "Please confirm your signature: %(title)s": "Confirmez votre signature : %(title)s",
    "Hello %(name)s,": "Bonjour %(name)s,",
    "Unsubscribe from these updates (one click on the page):": "Se désabonner de ces nouvelles (en un clic) :",
    "This letter is not translated into your language yet. Here is its original text.": (
        "Cette lettre n'est pas encore traduite dans votre langue. Voici son texte original."
    ),
}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def use_french_catalogue(settings, tmp_path: Path) -> None:
    """Compile FRENCH with msgfmt and put it before the site's catalogues."""
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    lines = ['msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr in FRENCH.items():
        lines += [f"msgid {_quoted(msgid)}", f"msgstr {_quoted(msgstr)}", ""]
    (folder / "django.po").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(  # a fixed program on a file the test wrote
        ["/usr/bin/msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True
    )
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
