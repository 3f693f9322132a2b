"""The operator's leg of a call, as sippy's `UA` with one difference: it refuses REFER.

sippy answers a REFER in a dialog with 202 and hangs up, to be redirected (what a desk phone's
transfer key asks of the agent's leg, `Call._agent_referred`). From the operator it would hand
the call over to any address the network names and end ours: the contact centre decides
where its callers go, so the operator's REFER is refused `403 Forbidden` and nothing changes.
"""

from __future__ import annotations

from typing import Any

from sippy.UA import UA


class CallerUA(UA):  # type: ignore[misc]
    def recvRequest(self, req: Any, sip_t: Any) -> Any:
        if req.getMethod() != "REFER" or self.state is None:
            return super().recvRequest(req, sip_t)
        cseq = req.getHFBody("cseq").getCSeqNum()
        last: int | None = getattr(self, "rCSeq", None)
        if last is not None and last >= cseq:
            return (req.genResponse(500, "Server Internal Error", server=self.local_ua), None, None)
        self.rCSeq = cseq  # the dialog's order, as sippy keeps it for what it takes in
        return (req.genResponse(403, "Forbidden", server=self.local_ua), None, None)
