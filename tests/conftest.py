"""Every test process stands for a user at a terminal: Ctrl-C reaches it.

``make test`` runs part of the suite in the background of its shell, and a shell ignores
SIGINT in the commands it backgrounds (as it does for ``assay ... &``).  assay keeps an
inherited "ignore" (a backgrounded run must not stop on the terminal's Ctrl-C), so the tests
that interrupt a run, in this process or in a child, would test nothing there: Python's own
handler is put back here, and children started from this process inherit the default action.
"""

from __future__ import annotations

import signal

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
