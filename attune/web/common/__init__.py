"""The leaf every attune.web app may use: shared vocabulary and small pure helpers.

Nothing here imports an attune.web app. Put a helper here when two apps of the same layer need it
(docs/architecture.md).
"""
