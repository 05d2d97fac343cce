"""Printed documents (receipts, notices, transfer slips) rendered to PDF with reportlab; Qt-free."""
