"""Questionnaires: versioned templates, answers, ILO indicator signals, assignments."""
