"""The demo member: plausible history across every app, made by `attune demo`. The top layer."""
