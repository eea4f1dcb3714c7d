"""After withdrawal or erasure, a dump of the whole database holds neither the
person's name nor their address: not in the signatures, the outbox, the cache table
(a letter page that showed the name on its wall), the sessions or the admin's log."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse

from campaign.accounts.models import User
from campaign.petitions.models import Signature
from tests.accounts.helpers import enrol_totp
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data
from tests.privacy.helpers import access_path

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_LINK = re.compile(r"http://[^/\s]+(/letters/[\w-]+/confirm/\S+/)")
WITHDRAW_LINK = re.compile(r"http://[^/\s]+(/letters/[\w-]+/withdraw/\S+/)")


def _major(binary: str) -> int:
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\(PostgreSQL\)\s+(\d+)", version).group(1))


def pg_dump_binary() -> str:
    """A pg_dump at least as new as the server: pgserver ships one, Debian one per version."""
    server_major = connection.pg_version // 10000
    candidates = []
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"))
    except ImportError:
        pass
    candidates += sorted(str(path) for path in Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    candidates.append(shutil.which("pg_dump") or "")
    for candidate in candidates:
        if candidate and Path(candidate).exists() and _major(candidate) >= server_major:
            return candidate
    pytest.fail(f"no pg_dump of version {server_major} or later")


def dump() -> str:
    db = connection.settings_dict
    command = [pg_dump_binary(), "--data-only", "--no-owner", "--dbname", db["NAME"]]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    text = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    return text + "\n".join(_cache_values(text))


def _cache_values(text: str) -> list[str]:
    """The database cache keeps each value pickled and in base64, where no grep finds a
    name: decoded here, so a page cached with a name on its wall is seen."""
    table = settings.CACHES["default"]["LOCATION"]
    copy = re.search(rf"^COPY public\.{table} .*? FROM stdin;\n(.*?)^\\\.$", text, re.MULTILINE | re.DOTALL)
    assert copy is not None, f"no {table} in the dump"
    values = []
    for line in copy.group(1).splitlines():
        value = line.split("\t")[1]
        values.append(base64.b64decode(value).decode("utf-8", "replace"))
    return values


def held(text: str, *needles: str) -> list[str]:
    lowered = text.lower()
    return [needle for needle in needles if needle.lower() in lowered]


def sign_confirm_and_show(client, mailoutbox, *, name: str, email: str):
    """Sign with a public name, confirm through the mailed link, and read the letter so
    its page (with the name on the wall) is in the cache."""
    petition = PetitionFactory()
    response = client.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        sign_data(name=name, email=email, is_public="on", city="Quarrington"),
    )
    assert response.status_code == 302
    mail = mailoutbox[-1]
    assert mail.to == [email]
    client.post(CONFIRM_LINK.search(mail.body).group(1))
    assert name in client.get(petition.get_absolute_url()).content.decode()
    assert held(dump(), name, email) == [name, email]  # the dump does show what is held
    return petition, mail


def test_withdrawn_signer_is_nowhere_in_a_dump(client, mailoutbox):
    name, email = "Quillon Vexhartmore", "quillon.vexhartmore@example.net"
    petition, mail = sign_confirm_and_show(client, mailoutbox, name=name, email=email)
    client.post(WITHDRAW_LINK.search(mail.body).group(1))
    assert Signature.objects.get().withdrawn_at is not None
    assert held(dump(), name, email, "Quarrington") == []
    assert name not in client.get(petition.get_absolute_url()).content.decode()


def test_erased_signer_is_nowhere_in_a_dump(client, mailoutbox):
    name, email = "Ysolde Brackenwhistle", "ysolde.brackenwhistle@example.net"
    sign_confirm_and_show(client, mailoutbox, name=name, email=email)
    client.post(reverse("privacy:request"), {"email": email})
    path = access_path(mailoutbox[-1])
    response = client.post(path + "erase/")
    assert response.status_code == 200
    assert held(dump(), name, email, "Quarrington") == []


def test_signer_erased_by_an_organiser_is_nowhere_in_a_dump_nor_the_audit_log(client, mailoutbox):
    name, email = "Thaddeus Wrenfeather", "thaddeus.wrenfeather@example.net"
    sign_confirm_and_show(client, mailoutbox, name=name, email=email)
    signature = Signature.objects.get()
    boss = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(boss)
    client.force_login(boss)
    response = client.post(
        reverse("admin:petitions_signature_changelist"), {"action": "erase", "_selected_action": [signature.pk]}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.user_id) == (str(signature.pk), boss.pk)
    assert held(f"{entry.object_repr} {entry.change_message}", name, email, "Quillon", "Thaddeus") == []
    assert held(dump(), name, email, "Quarrington") == []
