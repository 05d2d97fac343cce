"""Sync with the provincial platform (省一体化政务服务平台): protocol, client, delivery, catalog updates, transfers.

Qt-free. The reference platform server lives in :mod:`sync.platform`.
"""
