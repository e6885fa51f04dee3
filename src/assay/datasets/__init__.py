"""Built-in tabular datasets, shipped inside the package (no download at run time).

``load_dataset("adult")`` returns a ``Dataset``: features, 0/1 labels and a schema with the
usual protected attributes set.  Sources, citations and licences: ``data/ATTRIBUTION.md``.
"""

from assay.datasets.registry import DATASETS, Dataset, list_datasets, load_dataset

__all__ = ["DATASETS", "Dataset", "list_datasets", "load_dataset"]
