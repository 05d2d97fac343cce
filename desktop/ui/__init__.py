"""All Qt code of yishi, the app entry (application.py) included. Nothing outside this package imports PySide6."""
