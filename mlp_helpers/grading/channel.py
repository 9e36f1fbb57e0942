"""The kernel's channels as the grader reads them: no message decoded over its bound.

``CappedKernelClient`` (the client of every grading kernel, ``outputs.BoundedOutputs``) reads
shell and iopub through ``BoundedChannel``, which drops a message over
``GradingLimits.message_mb`` before decoding it, and caps iopub's receive queue at
``GradingLimits.iopub_messages`` (``limits``). It takes a new kernel as ready as soon as the
kernel has answered on both channels.
"""

import json
import math
import queue
import time

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

from mlp_helpers.grading.limits import MB, GradingLimits


class BoundedChannel(AsyncZMQSocketChannel):
    """A channel to the kernel that decodes no message over ``max_bytes``.

    ZMQ hands over a message whole; one over the limit is dropped before its JSON is decoded
    (which takes three times its size), and stands as an empty output on iopub, or as an error
    reply on shell, so that whoever waits for it still hears of it. ``full_queues`` counts the
    times the grader read a whole queue of messages (``queue_length`` in a row) without the
    socket ever emptying: it fell behind, and the kernel may have dropped what came next.
    """

    max_bytes = None
    queue_length = None
    full_queues = 0
    _waiting = 0

    async def _recv(self, **kwargs):
        frames = await self.socket.recv_multipart(copy=False)
        self._count_waiting()
        return self.decode(frames)

    def _count_waiting(self):
        # Counted in messages read while more waited; a queue's worth means it was full.
        if self.queue_length is None:
            return
        if not self.socket.get(zmq.EVENTS) & zmq.POLLIN:
            self._waiting = 0
            return
        self._waiting += 1
        if self._waiting >= self.queue_length:
            self._waiting = 0
            self.full_queues += 1

    def decode(self, frames):
        """The message of these raw ``frames``, or its stand-in if it is too large."""
        _, message = self.session.feed_identities(frames, copy=False)
        total = sum(len(frame) for frame in message)
        if self.max_bytes is None or total <= self.max_bytes:
            return self.session.deserialize(message, content=True, copy=False)
        # Only the header and the parent's header are read: a lie there misroutes only this
        # notebook's own message.
        header, parent = (_small_json(part) for part in message[1:3])
        if self.socket.socket_type == zmq.SUB:
            msg_type, content = "stream", {"name": "stdout", "text": "", "refused": total}
        else:
            msg_type = header.get("msg_type")
            content = {"status": "error", "ename": "ReplyTooLarge", "traceback": [],
                       "evalue": f"a reply of {total / MB:.0f} MB, over the grader's limit"}
        return {"header": {**header, "msg_type": msg_type}, "msg_type": msg_type,
                "parent_header": parent,
                "metadata": {}, "content": content, "buffers": [], "msg_id": ""}


def _small_json(frame):
    """A header frame's JSON object; ``{}`` if it is large or not one."""
    try:
        value = json.loads(frame.bytes) if len(frame) <= 2**16 else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class CappedKernelClient(AsyncKernelClient):
    """jupyter_client's client, which decodes no message over ``message_mb``.

    Its iopub socket queues at most ``iopub_messages`` messages (ZMQ's ``RCVHWM``): ZMQ receives
    on a thread of its own, which keeps filling the queue while the grader, starved on a loaded
    machine, falls behind; without the bound, a flood of output was held there whole (1 GB).
    """

    shell_channel_class = Type(BoundedChannel)
    iopub_channel_class = Type(BoundedChannel)

    def start_channels(self, *args, **kwargs):
        """Start the channels, each decoding no message over ``message_mb``."""
        super().start_channels(*args, **kwargs)
        limit = int(GradingLimits(parent=self).message_mb * MB)
        self.shell_channel.max_bytes = self.iopub_channel.max_bytes = limit
        self.iopub_channel.queue_length = GradingLimits(parent=self).iopub_messages

    def connect_iopub(self, identity=None):
        """The iopub socket, whose receive queue holds at most ``iopub_messages`` messages."""
        socket = super().connect_iopub(identity)
        socket.rcvhwm = GradingLimits(parent=self).iopub_messages
        return socket

    async def wait_for_ready(self, timeout=None):
        """Return once the kernel answers ``kernel_info`` on shell and reports idle on iopub.

        jupyter_client's own then waits for 0.2 s of silence on iopub, which every student's
        grading paid; here the request's own idle status ends the wait, and any later message
        belongs to that request, which no cell and no check of the grader waits for.
        Raises ``RuntimeError`` if the kernel dies, or does not answer within ``timeout``.
        """
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except queue.Empty:
                reply = None
            # iopub is connected once the request's idle status arrives there (else: ask again).
            if (reply is not None and reply["msg_type"] == "kernel_info_reply"
                    and await self._idle_after(reply["parent_header"].get("msg_id"))):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _idle_after(self, msg_id, seconds=0.2):
        """Whether iopub reports, within ``seconds``, the kernel idle after request ``msg_id``."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            try:
                message = await self.iopub_channel.get_msg(timeout=left)
            except queue.Empty:
                return False
            if (message["msg_type"] == "status"
                    and message["content"].get("execution_state") == "idle"
                    and message["parent_header"].get("msg_id") == msg_id):
                return True
        return False
