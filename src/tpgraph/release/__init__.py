"""Publishing releases: a build frozen as ``releases/VERSION/`` with version IRIs, never overwritten, and the
record-by-record diff logged in CHANGES.md."""
