"""Re-encrypt everything sealed with the keyring (journal entries, check-in notes, intake answers).

The flow (see docs/journal.md):

1. put a new key at the FRONT of ATTUNE_JOURNAL_KEYS, keeping the old ones after it
   (``--print-new-key`` makes one; with the generated key file, ``--add-key`` does this step);
2. restart attune, then run ``attune manage rotatejournalkeys``;
3. when it reports that no entry uses an old key, remove that key.

Running it again changes nothing. An entry edited while the command runs is left as its member
saved it (it is already sealed with the current key).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from attune.web.common import crypto
from attune.web.env import env_secret


class Command(BaseCommand):
    help = "Re-encrypt everything sealed with the keyring (journal, notes, intake) with the current (first) key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-new-key", action="store_true", help="print a fresh id:key pair to put in front, and stop"
        )
        parser.add_argument(
            "--add-key",
            action="store_true",
            help="with the generated key file (no ATTUNE_JOURNAL_KEYS), add a new current key to it first",
        )
        parser.add_argument("--batch-size", type=int, default=200, help="entries read per database query")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_new_key"]:
            self.stdout.write(crypto.generate_key_spec())
            return
        if options["add_key"]:
            self._add_key_to_file()
        crypto.forget_keyring()
        ring = crypto.keyring()
        batch = max(1, int(options["batch_size"]))
        missing: Counter[str] = Counter()
        in_use: Counter[str] = Counter()
        for store in crypto.sealed_stores():
            self._rotate(store, ring, batch, missing, in_use)
        current = ring.current_id
        unused = [key_id for key_id in ring.ids[1:] if key_id not in in_use]
        still = {key_id: n for key_id, n in sorted(in_use.items()) if key_id != current}
        if unused:
            self.stdout.write(f"no entry uses {', '.join(repr(k) for k in unused)} any more; you can remove it")
        if still:
            self.stdout.write(
                "entries still sealed with an older key: " + ", ".join(f"{k!r}: {n}" for k, n in still.items())
            )
        if missing:
            detail = ", ".join(f"{k!r} ({n} entries)" for k, n in sorted(missing.items()))
            raise CommandError(
                f"some entries use keys that are not in the keyring: {detail}. "
                "Put those keys back after the current one and run this command again."
            )

    def _rotate(
        self,
        store: crypto.SealedStore,
        ring: crypto.Keyring,
        batch: int,
        missing: Counter[str],
        in_use: Counter[str],
    ) -> None:
        """Re-seal one registered store's rows that use an older key; count what is left where."""
        model, key_f, nonce_f, cipher_f = store.model, store.key_field, store.nonce_field, store.cipher_field
        current = ring.current_id
        resealed = changed = 0
        sealed = model.objects.exclude(**{key_f: ""})
        already = sealed.filter(**{key_f: current}).count()
        stale = sealed.exclude(**{key_f: current}).order_by("pk")
        last_pk = 0
        while True:
            rows = list(stale.filter(pk__gt=last_pk)[:batch])
            if not rows:
                break
            for row in rows:
                last_pk = row.pk
                old_key_id, old_nonce = getattr(row, key_f), bytes(getattr(row, nonce_f))
                aad = store.aad(row)
                try:
                    plain = crypto.decrypt(old_key_id, old_nonce, getattr(row, cipher_f), aad=aad, ring=ring)
                except crypto.JournalKeyMissing:
                    missing[old_key_id] += 1
                    continue
                except crypto.JournalDecryptError as exc:
                    raise CommandError(f"{store.label} {row.pk}: {exc}; nothing more was changed") from None
                key_id, nonce, ciphertext = crypto.encrypt(plain, aad=aad, ring=ring)
                # Write only if nobody saved the row since we read it.
                updated = model.objects.filter(pk=row.pk, **{key_f: old_key_id, nonce_f: old_nonce}).update(
                    **{key_f: key_id, nonce_f: nonce, cipher_f: ciphertext}
                )
                if updated:
                    resealed += 1
                else:
                    changed += 1
        in_use.update(dict(sealed.values_list(key_f).annotate(n=Count("pk")).order_by(key_f)))
        self.stdout.write(
            f"{store.label}: current key {current!r}: re-encrypted {resealed}, already current {already}, "
            f"edited meanwhile (left as saved) {changed}"
        )

    def _add_key_to_file(self) -> None:
        if env_secret(crypto.ENV_NAME).strip():
            raise CommandError(
                f"--add-key works on the generated key file only; with {crypto.ENV_NAME} set, put the new key "
                "(from --print-new-key) at the front of it yourself"
            )
        path = crypto.key_file_path()
        crypto.forget_keyring()
        crypto.keyring()  # makes the file if it does not exist yet
        lines = path.read_text(encoding="ascii").splitlines()
        comments = [line for line in lines if line.strip().startswith("#")]
        pairs = [line for line in lines if line.strip() and not line.strip().startswith("#")]
        new_text = "\n".join([*comments, crypto.generate_key_spec(), *pairs]) + "\n"
        tmp = path.with_name(path.name + ".new")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(new_text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        self.stdout.write(f"added a new current key to {path}")
