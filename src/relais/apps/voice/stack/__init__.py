"""The voice stack: Kamailio (SIP edge) and rtpengine (media) configured, started and stopped by
Relais, and the prompts they play (docs/voice.md, "Stack"; docs/voice-operations.md).

Plain Python, no Django models: the configs are rendered from settings-independent values, so the
test harness and `relais voicestack` share the same code.
"""
