"""Imported first by the window app (desktop.ui.application): automatic garbage collection stops before it loads
anything else.

The window app collects garbage on its UI thread only (desktop.ui.gc_timer.UiThreadCollector, made as the window is
built, turns automatic collection off the same way); stopping it here, before the imports, keeps the ~35 automatic
collections those imports set off (~10 ms) from the first paint. Nothing is lost: the UI thread's timer collects.
"""

from __future__ import annotations

import gc

gc.disable()
