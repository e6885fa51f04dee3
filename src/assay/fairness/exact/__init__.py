"""Exact fairness analysis of tree models read into plain arrays (imports core only).

``TreeModel`` holds trees as arrays plus how the model's input columns derive from the
schema's encoded features (``Column``); ``analyse`` computes the share of discriminatory
inputs, the discriminatory region as boxes, and a certificate when the share is zero.
"""

from assay.fairness.exact.analysis import ExactResult, analyse
from assay.fairness.exact.compose import compose, compose_read
from assay.fairness.exact.trees import Column, Tree, TreeModel

__all__ = ["Column", "ExactResult", "Tree", "TreeModel", "analyse", "compose", "compose_read"]
