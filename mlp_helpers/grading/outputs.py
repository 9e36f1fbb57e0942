"""What a notebook's outputs may cost while it runs, and the judge's requests to its kernel.

``BoundedOutputs``, mixed into the course's ``Execute``, keeps the bounds of ``limits`` on every
output a cell adds and on the traffic while the judge asks (``BoundedOutputs.ask``).
"""

from time import monotonic

import zmq
import zmq.asyncio
from jupyter_core.utils import ensure_async, run_sync
from nbformat.v4 import new_output
from nbgrader.utils import is_grade, is_solution

from mlp_helpers.grading.channel import CappedKernelClient
from mlp_helpers.grading.limits import MB, GradingLimits

# Past a bound, the first output of each kind nbgrader scores on is kept, cut to this many
# characters: enough for an error's name and message, or a partial score.
KEPT_WHEN_CUT = 2000
_SCORED_KINDS = ("error", "execute_result", "stderr")

def size(value):
    """Characters of text in a JSON value (a message's content, an output), 8 per number."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, dict):
            total += sum(len(str(key)) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            total += 8
    return total


def _kind(output):
    if output.get("output_type") == "stream":
        return output.get("name")
    return output.get("output_type")


def _shortened(content, kind):
    """A message's content cut to what nbgrader reads of its kind."""
    if kind == "stderr":
        return {**content, "text": str(content.get("text", ""))[:KEPT_WHEN_CUT]}
    if kind == "error":
        return {"ename": str(content.get("ename", ""))[:200],
                "evalue": str(content.get("evalue", ""))[:KEPT_WHEN_CUT],
                "traceback": [str(line)[:KEPT_WHEN_CUT]
                              for line in (content.get("traceback") or [])[-3:]]}
    text = (content.get("data") or {}).get("text/plain", "")
    return {**content, "data": {"text/plain": str(text)[:KEPT_WHEN_CUT]}, "metadata": {}}


class BoundedOutputs:
    """Mixin for nbgrader's ``Execute``: the bounds above, while a notebook runs.

    It overrides nbclient's ``create_kernel_manager`` (the capped client), ``output``,
    ``_update_display_id`` and ``handle_comm_msg`` (everything a cell's output can add to the
    notebook or the grader's memory), and adds ``ask``, the judge's request to the kernel
    (``checks.kernel.remote.Kernel`` sends through it). The notebook's time runs out at
    ``_deadline`` (``monotonic()`` seconds, ``None`` for no limit), which the executor sets.
    """

    @property
    def limits(self):
        """The ``GradingLimits`` of the course's configuration."""
        if getattr(self, "_limits", None) is None:
            self._limits = GradingLimits(parent=self)
        return self._limits

    def create_kernel_manager(self):
        """The kernel manager, whose clients decode no message over ``message_mb``."""
        manager = super().create_kernel_manager()
        manager.client_factory = CappedKernelClient
        return manager

    def reset_execution_trackers(self):
        """Reset the trackers of nbclient, and what the notebook spent: nothing yet."""
        super().reset_execution_trackers()
        self._spent = {"notebook": 0, "stray messages": 0, "stray bytes": 0}
        self._cell_spent = {}
        self._cut = set()
        self._full_queues, self._behind = 0, set()

    def _afford(self, cell_index, amount):
        """Whether ``amount`` more characters of output fit; if so, they are spent."""
        cell = self._cell_spent.get(cell_index, 0)
        if (cell + amount > self.limits.cell_output_mb * MB
                or self._spent["notebook"] + amount > self.limits.notebook_output_mb * MB):
            return False
        self._cell_spent[cell_index] = cell + amount
        self._spent["notebook"] += amount
        return True

    def output(self, outs, msg, display_id, cell_index):
        """Add an output to the cell, within the cell's and the notebook's bounds."""
        self._tell_full_queue(outs, cell_index)
        content = msg.get("content") or {}
        amount = content.get("refused") or size(content)
        if "refused" not in content and self._afford(cell_index, amount):
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self._cut:
            self._cut.add(cell_index)
            self.log.warning("Cell %s: output over the limit, dropped from there on.",
                             cell_index)
            note = self._cut_note(cell_index, amount)
            outs.append(new_output("stream", name="stdout", text=note))
        kind = (content.get("name") if msg.get("msg_type") == "stream"
                else msg.get("msg_type"))
        if kind in _SCORED_KINDS and all(_kind(output) != kind for output in outs):
            # nbgrader scores a test cell on its first error, text on stderr or result: one
            # of each, shortened, keeps the score it would have had.
            return super().output(outs, {**msg, "content": _shortened(content, kind)}, None,
                                  cell_index)
        return None

    def _tell_full_queue(self, outs, cell_index):
        """Say once in the cell if the grader fell a full queue behind its output."""
        full = self.kc.iopub_channel.full_queues
        if full == self._full_queues:
            return
        self._full_queues = full
        if cell_index not in self._behind:
            self._behind.add(cell_index)
            self.log.warning("Cell %s: output came faster than the grader read it; the kernel "
                             "may have dropped some.", cell_index)
            outs.append(new_output("stream", name="stdout", text=(
                f"[This cell sent output faster than the grader could read it, and the grader "
                f"holds at most {self.limits.iopub_messages} messages waiting: part of this "
                "cell's output may be missing here.]\n")))

    def _cut_note(self, cell_index, amount):
        cell_mb = self.limits.cell_output_mb
        if self._cell_spent.get(cell_index, 0) + amount > cell_mb * MB:
            return (f"[The grader keeps at most {cell_mb:g} MB of output from a cell: the rest "
                    "of this cell's output was dropped.]\n")
        return (f"[The grader keeps at most {self.limits.notebook_output_mb:g} MB of output "
                "from a notebook: the rest of this cell's output was dropped, and so was the "
                "output of the cells after it.]\n")

    def _update_display_id(self, display_id, msg):
        """Update a shown display; its new data counts as output of the notebook."""
        amount = size(msg.get("content", {}).get("data"))
        if amount + self._spent["notebook"] > self.limits.notebook_output_mb * MB:
            self.log.warning("A display update over the output limit was dropped.")
            return
        self._spent["notebook"] += amount
        super()._update_display_id(display_id, msg)

    def handle_comm_msg(self, outs, msg, cell_index):
        """Handle a widget's message; the state the grader keeps counts as output."""
        if self._afford(cell_index, size(msg.get("content")) + size(msg.get("buffers"))):
            super().handle_comm_msg(outs, msg, cell_index)

    def on_cell_executed(self, **kwargs):
        """Run nbgrader's hook (it adds the reply's error); cut that error to the bound."""
        super().on_cell_executed(**kwargs)
        outputs = kwargs["cell"].get("outputs", [])
        for index, output in enumerate(outputs):
            if output.get("output_type") == "error" and \
                    size(output) > self.limits.cell_output_mb * MB:
                outputs[index] = new_output("error", **_shortened(output, "error"))

    def strayed(self):
        """Whether the kernel sent more stray output than the notebook's bounds allow."""
        return (self._spent["stray messages"] > self.limits.stray_messages
                or self._spent["stray bytes"] > self.limits.stray_mb * MB)

    def _out_of_time(self):
        return getattr(self, "_deadline", None) is not None and monotonic() >= self._deadline

    def ask(self, code, user_expressions):
        """Run ``code`` silently in the kernel; the content of its reply, or {} if none came.

        A request may take as long as a cell (``timeout``), within the notebook's time; then
        the kernel is interrupted. What the kernel sends on iopub meanwhile is dropped unread,
        within the notebook's bounds; past them, or for a reply over the message limit, there
        is no answer.
        """
        if self.strayed():
            return {}
        msg_id = self.kc.execute(code, silent=True, store_history=False,
                                 user_expressions=user_expressions)
        deadline = monotonic() + (self.timeout or 60)
        reply = run_sync(self._async_reply)(
            msg_id, lambda: monotonic() < deadline and not self._out_of_time())
        if reply is None:
            run_sync(self.km.interrupt_kernel)()
            return {}
        return reply

    async def _async_reply(self, msg_id, waiting):
        """The content of the shell reply to ``msg_id``, read within this notebook's bounds.

        ``waiting()`` says whether to wait on. Stray iopub messages are read and dropped
        undecoded. Returns ``{}`` when no answer can come (the kernel died, the reply was over
        ``message_mb``), ``None`` when waiting was given up (the time, or the stray traffic).
        """
        shell, iopub = self.kc.shell_channel, self.kc.iopub_channel
        poller = zmq.asyncio.Poller()
        poller.register(shell.socket, zmq.POLLIN)
        poller.register(iopub.socket, zmq.POLLIN)
        while waiting():
            ready = dict(await poller.poll(1000))
            if iopub.socket in ready:
                await self._drop_stray(iopub.socket)
                if self.strayed():
                    self._tell_flood()
                    return None
            if shell.socket in ready:
                reply = self._decoded(shell, await shell.socket.recv_multipart(copy=False))
                if reply is not None and reply["parent_header"].get("msg_id") == msg_id:
                    if reply["content"].get("ename") == "ReplyTooLarge":
                        self.log.warning("A reply over the message limit of %g MB was "
                                         "refused.", self.limits.message_mb)
                        return {}
                    return reply["content"]
            elif not ready and not await ensure_async(self.km.is_alive()):
                return {}
        return None

    def _tell_flood(self):
        """Say, in the log and in the notebook's first cell of code, why judging stopped."""
        self.log.warning("The kernel sent more than %d messages or %g MB of output while the "
                         "judge waited for its answers: the judge asks it nothing more.",
                         self.limits.stray_messages, self.limits.stray_mb)
        first = next((cell for cell in self.nb.cells if cell.cell_type == "code"
                      and not (is_grade(cell) and not is_solution(cell))), None)
        if first is not None:
            first.setdefault("outputs", []).append(new_output("stream", name="stdout", text=(
                f"[While the grader checked your functions, your notebook's kernel sent it more "
                f"than {self.limits.stray_mb:g} MB or {self.limits.stray_messages} messages of "
                "output it had not asked for (from a thread or a hook that prints, say). The "
                "grader stopped asking it: the parts it had not checked by then score "
                "nothing.]\n")))

    async def _drop_stray(self, iopub):
        """Read and drop what waits on iopub, undecoded, until the notebook's bounds."""
        while not self.strayed() and await iopub.poll(0):
            frames = await iopub.recv_multipart(copy=False)
            self._spent["stray messages"] += 1
            self._spent["stray bytes"] += sum(len(frame) for frame in frames)

    def _decoded(self, channel, frames):
        try:
            return channel.decode(frames)
        except ValueError:
            # A message that fails its signature: a kernel stalled mid-reply (at its process
            # limit, say) sends the rest glued to its next one. Not an answer.
            self.log.warning("An unreadable message from the kernel was skipped.")
            return None
