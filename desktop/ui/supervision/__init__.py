"""督查: the supervisor's workspace (filters, painted charts, drill-down, open lists, 好差评) and its dialogs."""
