"""The case domain (办件): numbers, states, decisions and the window profile. Qt-free."""
