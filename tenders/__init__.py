"""Tenders published by the ministry, OCDS import/export and search."""
