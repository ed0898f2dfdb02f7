"""State changes of the grievances package (flush, never commit): the reporter's side
(intake.py) and the company's (cases.py)."""
