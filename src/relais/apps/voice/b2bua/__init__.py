"""Call control: the back-to-back user agent of `relais voice` (docs/voice.md, "Call control")."""
