"""Kamailio, the SIP edge: its configuration rendered from `kamailio.cfg` and its command line.

The script holds no call logic (docs/voice.md): trunk in, registrations, WebSocket, dispatch to
the active voice service, lookup of `agent-*` addresses, record-route. See kamailio.cfg.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

KAMAILIO = "kamailio"
MODULES_DIR = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules")
TEMPLATE = Path(__file__).with_name("kamailio.cfg")


@dataclass(frozen=True)
class SipAddress:
    """A host and, optionally, a port (None: any port from that host)."""

    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> SipAddress:
        host, _, port = text.strip().rpartition(":") if ":" in text else (text.strip(), "", "")
        return cls(host=host, port=int(port) if port else None)

    def __str__(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class KamailioConfig:
    """What the SIP edge needs to know; every address is given (tests choose free ports)."""

    sip_domain: str
    sip_secret: str
    sip_port: int
    ws_port: int
    # The operator's trunk: only these sources may send new calls in.
    trunks: tuple[SipAddress, ...]
    # The voice services, active first: new calls go to the first that answers OPTIONS with 200.
    voice_services: tuple[SipAddress, ...]
    sip_host: str = "127.0.0.1"
    ws_host: str = "127.0.0.1"
    # WSS when both files are given (docs/voice-operations.md, "Certificates").
    wss_port: int | None = None
    wss_host: str = "0.0.0.0"  # noqa: S104 - browsers reach WSS from other machines
    tls_certificate: Path | None = None
    tls_private_key: Path | None = None
    children: int = 2
    log_level: int = 1
    ds_ping_interval_s: int = 2
    fr_timer_ms: int = 3000
    modules_dir: Path = field(default=MODULES_DIR)

    def __post_init__(self) -> None:
        if not self.trunks:
            raise ValueError("the SIP edge needs at least one trunk address")
        if not self.voice_services:
            raise ValueError("the SIP edge needs at least one voice service address")
        if any(service.port is None for service in self.voice_services):
            raise ValueError("a voice service address needs its port")
        for value in (self.sip_domain, self.sip_secret):
            if '"' in value or "\n" in value:
                raise ValueError("the SIP domain and secret may not hold quotes or newlines")

    @property
    def wss(self) -> bool:
        return bool(self.tls_certificate and self.tls_private_key and self.wss_port)

    @property
    def sip_address(self) -> tuple[str, int]:
        return (self.sip_host, self.sip_port)


def trunk_match(trunks: tuple[SipAddress, ...]) -> str:
    """The script condition true for a request from one of the trunk's addresses."""
    terms = []
    for trunk in trunks:
        term = f'$si == "{trunk.host}"'
        if trunk.port is not None:
            term = f"({term} && $sp == {trunk.port})"
        terms.append(term)
    return " || ".join(terms)


def dispatcher_list(config: KamailioConfig) -> str:
    """dispatcher.list: set 1, the voice services in order (higher priority first)."""
    lines = ["# set destination flags priority attributes (Relais voice services, active first)"]
    count = len(config.voice_services)
    for index, service in enumerate(config.voice_services):
        lines.append(f"1 sip:{service} 0 {count - index}")
    return "\n".join(lines) + "\n"


def render_kamailio_cfg(config: KamailioConfig, dispatcher_path: Path) -> str:
    """kamailio.cfg for this edge: the template with every %%NAME%% marker replaced."""
    defines = "#!define WITH_WSS\n" if config.wss else ""
    values = {
        "DEFINES": defines,
        "LOG_LEVEL": str(config.log_level),
        "CHILDREN": str(config.children),
        "SIP_HOST": config.sip_host,
        "SIP_PORT": str(config.sip_port),
        "WS_HOST": config.ws_host,
        "WS_PORT": str(config.ws_port),
        "WSS_HOST": config.wss_host,
        "WSS_PORT": str(config.wss_port or 0),
        "TLS_CERTIFICATE": str(config.tls_certificate or ""),
        "TLS_PRIVATE_KEY": str(config.tls_private_key or ""),
        "MODULES_DIR": str(config.modules_dir),
        "FR_TIMER_MS": str(config.fr_timer_ms),
        "SIP_SECRET": config.sip_secret,
        "SIP_DOMAIN": config.sip_domain,
        "DISPATCHER_LIST": str(dispatcher_path),
        "DS_PING_INTERVAL_S": str(config.ds_ping_interval_s),
        "TRUNK_MATCH": trunk_match(config.trunks),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"%%{name}%%", value)
    if "%%" in text:
        raise ValueError("kamailio.cfg has a marker nothing replaced")
    return text


def write_kamailio_files(config: KamailioConfig, run_dir: Path) -> Path:
    """Write kamailio.cfg and dispatcher.list into `run_dir`; return the config's path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    dispatcher_path = run_dir / "dispatcher.list"
    dispatcher_path.write_text(dispatcher_list(config))
    cfg_path = run_dir / "kamailio.cfg"
    cfg_path.write_text(render_kamailio_cfg(config, dispatcher_path))
    cfg_path.chmod(0o600)  # it holds the SIP secret
    return cfg_path


def kamailio_command(cfg_path: Path, run_dir: Path) -> list[str]:
    """Kamailio in the foreground (-DD), logging to stderr (-E), its runtime files in run_dir."""
    return [KAMAILIO, "-f", str(cfg_path), "-DD", "-E", "-Y", str(run_dir), "-m", "64", "-M", "8"]


def kamailio_check(cfg_path: Path) -> tuple[bool, str]:
    """`kamailio -c`: whether the config parses and loads; the output says why not."""
    result = subprocess.run(  # noqa: S603 - our own binary and file
        [KAMAILIO, "-c", "-f", str(cfg_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0, result.stdout + result.stderr
