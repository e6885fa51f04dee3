"""Backdoor detection: trigger search, confirmation, model scan, STRIP and a run-time filter."""
