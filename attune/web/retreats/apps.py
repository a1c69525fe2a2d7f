from __future__ import annotations

from django.apps import AppConfig


class RetreatsConfig(AppConfig):
    name = "attune.web.retreats"
    label = "retreats"
    verbose_name = "Retreats"

    def ready(self) -> None:
        from attune.web.accounts import relations
        from attune.web.common import crypto
        from attune.web.retreats.models import Application, guides_of, members_of

        # A retreat's guide may read what the people with a place there choose to share.
        relations.register(relations.Guidance(name="retreats", guides_of=guides_of, members_of=members_of))
        crypto.register_sealed(crypto.SealedStore("intake answers", Application, Application._aad))
