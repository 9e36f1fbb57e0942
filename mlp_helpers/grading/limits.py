"""What one submission may cost the grader: messages, outputs, stray traffic, cells, file size.

nbgrader's process reads everything a notebook's kernel sends: outputs on iopub while a cell
runs, replies on shell while the judge asks. Unbounded, one notebook cost the grader what it
liked: 256 MB printed by a cell took 894 MB of grader memory and made an 805 MB feedback page;
96 MB of output during each of the judge's requests took 100 s and 2.1 GB; 30,000 markdown cells
took 20 s to render. ``GradingLimits`` (set in ``nbgrader_config.py``) bounds each, far above
what the course's honest notebooks use (measured on the solutions: at most 47 kB of output in a
cell and 48 kB in a notebook, replies of 72 kB, files of 71 kB, 26 cells), and a notebook that
passes a bound pays for it alone:

- a message over ``message_mb`` is dropped before its JSON is decoded (``channel``'s
  ``BoundedChannel``): an output counts as cut, a reply as no answer;
- at most ``iopub_messages`` messages of output wait for the grader to read them (ZMQ's receive
  queue, ``channel.CappedKernelClient``): a kernel that prints faster than a busy grader reads
  keeps the rest itself, and drops them when its own queue is full; a cell whose output waited
  a full queue says that part of it may be missing;
- a cell keeps at most ``cell_output_mb`` of output and a notebook ``notebook_output_mb``: past
  it, output is dropped as it arrives, with one line in the cell saying so (``outputs``'
  ``BoundedOutputs``);
  the first output of each kind nbgrader scores on (an error, text on stderr, a result) is
  kept, shortened, so a cut never changes a score;
- the judge's requests (``BoundedOutputs.ask``) each take at most a cell's time, within the
  notebook's; while the judge waits for a reply, what the kernel sends on iopub is read and
  dropped without being decoded, at most ``stray_messages`` messages and ``stray_mb`` per
  notebook: past either, the judge asks that notebook nothing more, and its parts not judged yet
  score nothing;
- a notebook file over ``notebook_file_mb``, or with more than ``cells`` cells, is not run:
  it scores 0 with the reason (``mlp_helpers.grading.ungradable``).

ZMQ receives a message whole before anyone can look at it, so the grader briefly holds one
message as the kernel sent it (its sandbox bounds how large); ZMQ's own size limit would drop the
connection for good instead, and with it every later message of the notebook.
"""
from traitlets import Float, Integer
from traitlets.config import Configurable

MB = 2**20


class GradingLimits(Configurable):
    """The bounds of one submission's grading (``c.GradingLimits.<name>``)."""

    message_mb = Float(16, help=(
        "Largest message, in MB, the grader decodes from a grading kernel (one output, or one "
        "reply to the judge). A larger one is dropped undecoded: an output counts as cut, a "
        "reply as no answer. Honest replies: at most 72 kB.")).tag(config=True)
    cell_output_mb = Float(1, help=(
        "Output, in MB, kept from one cell. Past it the cell's output is dropped as it "
        "arrives, with a line saying so. Honest cells: at most 47 kB (a figure).")
    ).tag(config=True)
    notebook_output_mb = Float(4, help=(
        "Output, in MB, kept from one notebook; past it, each cell keeps only a line saying "
        "its output was dropped. Honest notebooks: at most 48 kB.")).tag(config=True)
    iopub_messages = Integer(32, help=(
        "Messages of output a kernel may have waiting for the grader to read them. Past it, "
        "the kernel keeps the next ones itself (and drops them when its own queue is full), so "
        "the grader holds at most this many messages, each at most what the kernel's sandbox "
        "allows. Honest cells: a few messages, read as they come.")).tag(config=True)
    stray_messages = Integer(10000, help=(
        "Messages a kernel may send on iopub, per notebook, while the judge waits for its "
        "replies (each is read and dropped unread). Past it the judge gets no more answers "
        "from that notebook, and its remaining parts score nothing. Honest notebooks: two "
        "per request (busy, idle), 64 at most.")).tag(config=True)
    stray_mb = Float(64, help=(
        "As stray_messages, in MB of those messages per notebook. Honest notebooks: under "
        "20 kB.")).tag(config=True)
    notebook_file_mb = Float(8, help=(
        "Largest notebook file, in MB, that is graded; a larger one scores 0 with the reason, "
        "without being run. Honest notebooks, outputs saved: at most 71 kB.")).tag(config=True)
    cells = Integer(1000, help=(
        "Most cells a graded notebook may have; one with more scores 0 with the reason, "
        "without being run. Honest notebooks: 26 cells.")).tag(config=True)
