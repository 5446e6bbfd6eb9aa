"""Decline tokens are stored as their SHA-256 (guardians.models.decline_digest); links already sent
keep working, since the page looks up the digest of the token it is given."""

from __future__ import annotations

import hashlib

from django.db import migrations


def hash_tokens(apps, schema_editor) -> None:
    Guardian = apps.get_model("guardians", "Guardian")
    for guardian in Guardian.objects.only("id", "decline_token").iterator(chunk_size=2000):
        digest = hashlib.sha256(guardian.decline_token.encode()).hexdigest()
        Guardian.objects.filter(pk=guardian.pk).update(decline_token=digest)


class Migration(migrations.Migration):
    dependencies = [("guardians", "0006_sms_purpose_names")]

    # Not reversible in substance: a digest can't be turned back into the token (links sent stay
    # valid only forward). Backward leaves the digests, which then match no link.
    operations = [migrations.RunPython(hash_tokens, migrations.RunPython.noop)]
