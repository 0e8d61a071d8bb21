"""Stage 1: the catalogue of tasks, bonus and deduction items (`indicators.yaml`)."""

from credit_check.catalogue.loader import CatalogueError, default_catalogue_path, load_catalogue
from credit_check.catalogue.models import (
    Bonus,
    Cadence,
    Catalogue,
    Deduction,
    Material,
    Requirement,
    Settings,
    Task,
)

__all__ = [
    "Bonus",
    "Cadence",
    "Catalogue",
    "CatalogueError",
    "Deduction",
    "Material",
    "Requirement",
    "Settings",
    "Task",
    "default_catalogue_path",
    "load_catalogue",
]
