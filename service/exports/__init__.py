"""Lists as Excel workbooks with Vietnamese headers (openpyxl)."""
