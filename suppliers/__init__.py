"""Supplier companies' profiles and their moderation."""
