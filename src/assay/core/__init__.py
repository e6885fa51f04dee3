"""The engine: model contract, budgets, seeds, findings, the run store and the driver.

Depends on numpy and the standard library only.
"""
