"""Realtime plumbing shared by every app that talks to browsers over WebSocket.

- `consumers.py`: `FrameConsumer`, the base of every consumer (typed JSON frames in, error
  frames on bad input), and `db`, which runs a consumer's database call on threads of its own;
- `frames.py`: the frames every consumer sends (`Ack`, `ErrorOut`, `SessionEnded`);
- `push.py`: pushes to browsers through the channel layer, and `send_frame_on_commit`;
- `sessions.py`: a person's sockets end with their session (`sockets_close_for_user`,
  `sockets_close_for_session`; `consumers.SessionBoundConsumer` obeys them);
- `origins.py`: which pages may open a WebSocket (`OriginGuard`, in `config/asgi.py`);
- `ratelimit.py`: token buckets for anonymous traffic, in Redis or in the process;
- `leases.py` / `models.py`: who is connected (an agent's desktops, a customer's chat), kept
  by the consumers and read by the router (presence) and the chat (customer liveness).

It sits below every app that has consumers (chat, desktop, supervision) and above nothing but
`relais.apps.errors`: it knows no contact, agent or queue, only subjects by kind and id, and
users only through Django's auth (`get_user_model`, the session engine).
"""
