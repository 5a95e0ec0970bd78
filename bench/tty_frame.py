"""tty_frame: how long a terminal program takes to show a text, in a pty."""

import fcntl
import os
import pty
import re
import select
import struct
import termios
import time

# Escape sequences (CSI, OSC, others) between the characters of the text.
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[a-zA-Z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?")


def first_frame(argv, text, timeout=60, cols=80, rows=24):
    """(seconds from starting argv in an 80x24 pty until its output shows
    text, CPU seconds it used until then and until it quit); the first is
    None if it never does."""
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    buf, found = b"", None
    while time.monotonic() - start < timeout:
        r, _, _ = select.select([fd], [], [], 0.01)
        if not r:
            continue
        try:
            buf += os.read(fd, 65536)
        except OSError:
            break
        if text.encode() in ANSI.sub(b"", buf):
            found = time.monotonic() - start
            break
    try:
        os.write(fd, b"q")
        time.sleep(0.2)
        os.kill(pid, 9)
    except OSError:
        pass
    _, _, ru = os.wait4(pid, 0)
    os.close(fd)
    return found, ru.ru_utime + ru.ru_stime
