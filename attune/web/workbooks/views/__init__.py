"""Workbook pages: :mod:`.member` for people following workbooks, :mod:`.guide` for the guides who write them."""
