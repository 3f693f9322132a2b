"""Sourcing: inshore, offshore, homeshore and each partner compared on one basis (docs/sourcing.md).

Pure Python: the figures of a line (`figures`), the cost of internal hours and its allocation
(`costs`), and the rows partners keeping their own systems report (`reported`).
"""
