"""Readers (notes in) and writers (records out)."""
