"""Persistence: the only package that imports PynamoDB (enforced by import-linter).

Operations see repositories and plain records, never PynamoDB models, so they can be
unit-tested with in-memory fakes and the table layout can change behind them.
"""
