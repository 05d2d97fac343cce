"""Use cases: one function per thing a clerk, a supervisor or a script does (the role of Anki's collection ops).

Each takes what it needs (a :class:`~desktop.services.hall.Hall`: store, clock, catalogs) and returns what changed.
``desktop.ui`` and ``desktop.cli`` call only these; nothing here imports Qt.
"""
