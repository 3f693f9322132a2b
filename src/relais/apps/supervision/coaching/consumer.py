"""The coaching WebSocket (`/ws/supervision/coaching/`, the session's user).

A supervisor opens agents' help threads (`thread`), writes to them (`im`), joins live chats
silently or visibly (`join`) and writes in a visibly joined chat (`say`). The consumer joins
the agent's team help group (`help-team-<team>`, where the agent's questions and the other
supervisors' answers are pushed) and the chat's group (`chat-<contact>`, where every message
the customer sees is pushed after commit; one chat at a time per connection: joining another
leaves the first, as its frames do not name their chat); it sends a chat's messages once
each, in order, reading a gap from the record. Anyone who may not coach is refused (close
code 4403); an agent or chat outside the viewer's scope is an error frame `not_found`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from relais.apps.chat.selectors import chat_group
from relais.apps.deskstream.events import HelpMessageView, MessageView
from relais.apps.desktop.selectors import help_group
from relais.apps.realtime.consumers import FrameConsumer, SessionBoundConsumer, db
from relais.apps.supervision.coaching import selectors, services
from relais.apps.supervision.coaching.frames import (
    ChatMessageFrame,
    InstantMessageFrame,
    InstantMessageIn,
    JoinIn,
    SayIn,
    ThreadIn,
)


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
            self.groups.discard(chat_group(self.chat))
            await self.channel_layer.group_discard(chat_group(self.chat), self.channel_name)
        async with self.busy:  # pushes wait for the transcript they continue
            self.chat, self.last_seq = None, 0
            await self._join_group(chat_group(contact.pk))  # before the transcript: no gap
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

    # -- from the channel layer -----------------------------------------------------------

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
        message = HelpMessageView.model_validate(
            {key: frame[key] for key in HelpMessageView.model_fields}
        )
        await self.send_frame(InstantMessageFrame(agent_id=agent_id, message=message))

    async def chat_frame(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if frame.get("type") != "message" or self.chat is None:
            return
        number = frame["message"]["id"]
        if number <= self.last_seq:
            return
        if number > self.last_seq + 1:  # pushes may overtake each other: read the gap
            contact = await db(selectors.coached_contact_get)(
                viewer=self.user, contact_id=self.chat
            )
            missed = await db(selectors.chat_transcript)(
                viewer=self.user, contact=contact, after=self.last_seq
            )
            for message in missed:
                await self.send_frame(ChatMessageFrame(contact_id=self.chat, message=message))
                self.last_seq = message.id
            return
        view = MessageView.model_validate(frame["message"])
        await self.send_frame(ChatMessageFrame(contact_id=self.chat, message=view))
        self.last_seq = number

    async def chat_typing(self, event: dict[str, Any]) -> None:
        return None
