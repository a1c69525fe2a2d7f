from __future__ import annotations

from attune.web.accounts import relations


class RetreatsConfig(relations.GuidingConfig):
    name = "attune.web.retreats"
    label = "retreats"
    verbose_name = "Retreats"
    # A retreat's guide may read what the people with a place there choose to share.
    groups = "retreats"

    def ready(self) -> None:
        from attune.web.common import crypto
        from attune.web.retreats.models import Application

        super().ready()
        crypto.register_sealed(crypto.SealedStore("intake answers", Application, Application._aad))
