"""E-mail channel: parsing (pure), inbound pipeline, outbound notifications."""
