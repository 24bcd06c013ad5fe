#!/usr/bin/env python3
# Stands in for `runc exec --tty --detach --console-socket SOCKET`: runs the command on a
# new pty, hands the pty master to SOCKET (SCM_RIGHTS) and exits at once, leaving the
# command to be reparented to the caller's subreaper, as runc does.
import fcntl
import os
import pty
import socket
import sys
import termios

sock_path, command = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    os.execvp(command[0], command)
os.close(slave)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
socket.send_fds(s, [b"console"], [master])
s.close()
os.close(master)
