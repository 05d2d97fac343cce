from hall_cases import hall

__all__ = ["hall"]
