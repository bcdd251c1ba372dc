"""The coding decision: pure Python over extracted facts, tables as data (no spaCy here)."""

from locaudit.coding.decide import Decision, decide

__all__ = ["Decision", "decide"]
