"""All Qt code of yishi. Nothing outside this package (but desktop.app) imports PySide6."""
