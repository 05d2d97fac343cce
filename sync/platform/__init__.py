"""Reference implementation of the provincial platform's intake API v1 (see ``sync/API.md``).

Entry points: :func:`sync.platform.server.serve`, :func:`sync.platform.transfers.import_transfer` and the
operator functions in :mod:`sync.platform.operator`.
"""
