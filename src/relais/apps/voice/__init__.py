"""The voice channel: numbers, calls, call control and its SIP and media stack (docs/voice.md)."""
