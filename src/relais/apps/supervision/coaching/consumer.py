"""The coaching WebSocket (`/ws/supervision/coaching/`, the session's user).

A supervisor opens agents' help threads (`thread`), writes to them (`im`), joins live chats
silently or visibly (`join`) and writes in a visibly joined chat (`say`). The consumer joins
the agent's team help group (`help-team-<team>`, where the agent's questions and the other
supervisors' answers are pushed) and the chat's group (`chat-<contact>`, where every message
the customer sees is pushed after commit; one chat at a time per connection: joining another
leaves the first, as its frames do not name their chat); it sends a chat's messages once
each, in order, reading a gap from the record. Anyone who may not coach is refused (close
code 4403); an agent or chat outside the viewer's scope is an error frame `not_found`.

Scope is checked again for every frame pushed, not only when the chat or thread was opened:
a chat transferred out of the viewer's scope (to an agent of another team or partner, or
back to a queue) ends its subscription with a `coaching.chat_left` frame, at once when the
transfer commits (interactions push `contact.holder_changed` to `contact-<id>`) and, as a
defence, before any of its messages is sent; an agent's help message is sent only while the
agent is in the viewer's scope.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from relais.apps.chat.selectors import chat_group
from relais.apps.deskstream.events import HelpMessageView, MessageView
from relais.apps.desktop.selectors import help_group
from relais.apps.interactions.selectors import contact_group
from relais.apps.privacy.selectors import masking_for
from relais.apps.realtime.consumers import FrameConsumer, SessionBoundConsumer, db
from relais.apps.supervision.coaching import selectors, services
from relais.apps.supervision.coaching.frames import (
    ChatLeftFrame,
    ChatMessageFrame,
    InstantMessageFrame,
    InstantMessageIn,
    JoinIn,
    SayIn,
    ThreadIn,
)
from relais.core.privacy import CLOSED, Masking, mask_text


class CoachingConsumer(SessionBoundConsumer, FrameConsumer):
    frames: dict[str, tuple[type[BaseModel], str]] = {
        "thread": (ThreadIn, "on_thread"),
        "im": (InstantMessageIn, "on_im"),
        "join": (JoinIn, "on_join"),
        "say": (SayIn, "on_say"),
    }

    async def connect(self) -> None:
        user = self.scope.get("user")
        if not selectors.may_coach(user):
            await self.close(code=4403)
            return
        self.user = user
        self.language = getattr(user, "language", "fr") or "fr"
        self.agents: set[int] = set()  # whose help threads are watched
        self.threads: dict[int, int | None] = {}  # thread id -> agent id
        self.chat: int | None = None  # the joined chat (contact id)
        self.masking: tuple[int | None, Masking] = (None, CLOSED)  # the joined chat's
        self.last_seq = 0  # its last message number sent
        self.groups: set[str] = set()
        await self.accept()
        await self.session_bind(user)  # its session's end closes it (docs/security.md)

    async def disconnect(self, code: int) -> None:
        await self.session_unbind()
        for group in getattr(self, "groups", set()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _join_group(self, group: str) -> None:
        if group not in self.groups:
            self.groups.add(group)
            await self.channel_layer.group_add(group, self.channel_name)

    # -- frames from the supervisor's page ------------------------------------------------

    async def on_thread(self, frame: ThreadIn, ref: str | None) -> None:
        agent = await db(selectors.coached_agent_get)(viewer=self.user, agent_id=frame.agent_id)
        await self._join_group(help_group(agent.team_id))
        self.agents.add(agent.pk)
        thread = await db(selectors.help_thread_frame)(viewer=self.user, agent=agent)
        for message in thread.messages:
            self.threads[message.thread_id] = agent.pk
        await self.send_frame(thread)

    async def on_im(self, frame: InstantMessageIn, ref: str | None) -> None:
        agent = await db(selectors.coached_agent_get)(viewer=self.user, agent_id=frame.agent_id)
        message = await db(services.instant_message_send)(
            actor=self.user,
            agent=agent,
            body=frame.body,
            client_id=frame.client_id,
            reason=frame.reason,
        )
        self.threads[message.thread_id] = agent.pk
        await self.send_ack(ref, client_id=frame.client_id, id=message.pk)

    async def on_join(self, frame: JoinIn, ref: str | None) -> None:
        contact = await db(selectors.coached_contact_get)(
            viewer=self.user, contact_id=frame.contact_id
        )
        await db(services.chat_join)(
            actor=self.user, contact=contact, mode=frame.mode, reason=frame.reason
        )
        if self.chat is not None and self.chat != contact.pk:
            await self._leave_chat()
        async with self.busy:  # pushes wait for the transcript they continue
            self.chat, self.last_seq = None, 0
            await self._join_group(chat_group(contact.pk))  # before the transcript: no gap
            await self._join_group(contact_group(contact.pk))
            chat = await db(selectors.joined_chat_frame)(
                viewer=self.user, contact=contact, mode=frame.mode
            )
            self.chat, self.last_seq = contact.pk, max([m.id for m in chat.messages], default=0)
            await self.send_frame(chat)
        await self.send_ack(ref)

    async def on_say(self, frame: SayIn, ref: str | None) -> None:
        contact = await db(selectors.coached_contact_get)(
            viewer=self.user, contact_id=frame.contact_id
        )
        message, _ = await db(services.chat_supervisor_send)(
            actor=self.user, contact=contact, body=frame.body, client_id=frame.client_id
        )
        await self.send_ack(ref, client_id=frame.client_id, id=message.seq)

    async def _leave_chat(self) -> None:
        """Stop following the joined chat: its groups left, nothing more of it is sent."""
        if self.chat is None:
            return
        for group in (chat_group(self.chat), contact_group(self.chat)):
            self.groups.discard(group)
            await self.channel_layer.group_discard(group, self.channel_name)
        self.chat, self.last_seq = None, 0

    async def _chat_still_in_scope(self) -> bool:
        """The joined chat is still held in the viewer's scope; else its subscription ends
        (`coaching.chat_left`, the chat's groups left) and nothing of it is sent."""
        chat = self.chat
        if chat is None:
            return False
        if await db(selectors.chat_in_scope)(viewer=self.user, contact_id=chat):
            return True
        if self.chat == chat:  # not left or changed meanwhile
            await self._leave_chat()
            await self.send_frame(ChatLeftFrame(contact_id=chat))
        return False

    # -- from the channel layer -----------------------------------------------------------

    async def contact_holder_changed(self, event: dict[str, Any]) -> None:
        """The joined chat changed hands (a transfer, an accept after one): still ours?"""
        if event["frame"].get("contact_id") == self.chat:
            await self._chat_still_in_scope()

    async def help_frame(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        thread_id = frame.get("thread_id")
        if not isinstance(thread_id, int):
            return
        if thread_id not in self.threads:
            self.threads[thread_id] = await db(selectors.thread_agent_id)(thread_id)
        agent_id = self.threads[thread_id]
        if agent_id is None or agent_id not in self.agents:
            return
        if not await db(selectors.agent_in_scope)(viewer=self.user, agent_id=agent_id):
            self.agents.discard(agent_id)  # moved out of the viewer's scope
            return
        message = HelpMessageView.model_validate(
            {key: frame[key] for key in HelpMessageView.model_fields}
        )
        await self.send_frame(InstantMessageFrame(agent_id=agent_id, message=message))

    async def chat_frame(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if frame.get("type") != "message" or self.chat is None:
            return
        if not await self._chat_still_in_scope():
            return
        number = frame["message"]["id"]
        if number <= self.last_seq:
            return
        if number > self.last_seq + 1:  # pushes may overtake each other: read the gap
            contact = await db(selectors.coached_contact_get)(
                viewer=self.user, contact_id=self.chat
            )
            missed = await db(selectors.chat_transcript)(
                viewer=self.user,
                contact=contact,
                after=self.last_seq,
                masking=await self._masking(),
            )
            for message in missed:
                await self.send_frame(ChatMessageFrame(contact_id=self.chat, message=message))
                self.last_seq = message.id
            return
        view = MessageView.model_validate(frame["message"])  # the customer's: unmasked
        view.body = mask_text(view.body, await self._masking())
        await self.send_frame(ChatMessageFrame(contact_id=self.chat, message=view))
        self.last_seq = number

    async def chat_typing(self, event: dict[str, Any]) -> None:
        return None

    async def _masking(self) -> Masking:
        """What the viewer may see of the joined chat's customer (docs/privacy.md): read once
        per chat joined, as the transcript sent at the join was."""
        chat, masking = self.masking
        if chat != self.chat:
            masking = await db(masking_for)(self.user)
            self.masking = (self.chat, masking)
        return masking
