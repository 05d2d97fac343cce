"""The merge engine: situations → applicable items → merged form and checklist. Qt-free."""
