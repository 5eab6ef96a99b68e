"""Text analysis below every feature: tokens and phrase matching, sentiment and topics."""
