"""Pure domain core shared by every function: models, rules, errors. No cloud SDK imports here."""
