"""Bringing in what a watch, ring or strap already recorded, and showing it against the member's own baseline.

A programme app: an upload is stored on disk, read by :mod:`attune.importers` in a background job
(:mod:`attune.web.jobs`), and kept under each record's natural key, so importing again adds nothing
twice. Beat-to-beat series become :mod:`attune.web.physio` recordings, analysed like live ones.
"""
