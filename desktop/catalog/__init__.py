"""The bundle catalog: schema, loading, validation and search. Qt-free."""
