#!/usr/bin/env python3
"""A minimal DNS client for the end-to-end test (no dig on the test machines).

    dnsq.py SERVER PORT NAME [TYPE] [--tcp] [--edns SIZE]

Prints "rcode NAME", then one line per record: "<section> <TYPE> <data>", where section
is an (answer), ns (authority) or ar (additional), and data is the address, the target
name, "prio weight port target" for SRV, "mname rname serial ... minimum" for SOA.
Also "flags aa tc" as set. Exits 2 when no answer came within 5 s.
"""
import random
import socket
import struct
import sys

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "TXT": 16, "AAAA": 28, "SRV": 33, "ANY": 255}
NAMES = {v: k for k, v in TYPES.items()}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, pos):
    labels, jumped, end = [], False, pos
    for _ in range(128):
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = pos + 2
            pos, jumped = ((n & 0x3F) << 8) | msg[pos + 1], True
            continue
        if n == 0:
            return ".".join(labels), (end if jumped else pos + 1)
        labels.append(msg[pos + 1:pos + 1 + n].decode(errors="replace"))
        pos += 1 + n
    raise ValueError("name loop")


def rdata(msg, rtype, pos, length):
    if rtype == 1:
        return socket.inet_ntoa(msg[pos:pos + 4])
    if rtype == 28:
        return socket.inet_ntop(socket.AF_INET6, msg[pos:pos + 16])
    if rtype in (2, 5, 12):
        return read_name(msg, pos)[0]
    if rtype == 33:
        prio, weight, port = struct.unpack("!HHH", msg[pos:pos + 6])
        return f"{prio} {weight} {port} {read_name(msg, pos + 6)[0]}"
    if rtype == 6:
        mname, p = read_name(msg, pos)
        rname, p = read_name(msg, p)
        return " ".join([mname, rname] + [str(x) for x in struct.unpack("!IIIII", msg[p:p + 20])])
    if rtype == 16:
        out, p = [], pos
        while p < pos + length:
            out.append(msg[p + 1:p + 1 + msg[p]].decode())
            p += 1 + msg[p]
        return " ".join(f'"{s}"' for s in out)
    return msg[pos:pos + length].hex()


def main():
    args = sys.argv[1:]
    tcp = "--tcp" in args
    edns = None
    if "--edns" in args:
        i = args.index("--edns")
        edns = int(args[i + 1])
        del args[i:i + 2]
    args = [a for a in args if a != "--tcp"]
    server, port, name = args[0], int(args[1]), args[2]
    qtype = TYPES[args[3].upper()] if len(args) > 3 else 1
    qid = random.randrange(65536)
    query = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    query += encode_name(name) + struct.pack("!HH", qtype, 1)
    if edns:
        query += b"\0" + struct.pack("!HHIH", 41, edns, 0, 0)
    try:
        if tcp:
            with socket.create_connection((server, port), timeout=5) as s:
                s.sendall(struct.pack("!H", len(query)) + query)
                data = b""
                while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
                    chunk = s.recv(65535)
                    if not chunk:
                        break
                    data += chunk
                msg = data[2:]
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(5)
                s.sendto(query, (server, port))
                msg, _ = s.recvfrom(65535)
    except OSError as e:
        print(f"no answer: {e}")
        sys.exit(2)
    rid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    if rid != qid:
        print("wrong id")
        sys.exit(2)
    print("rcode", RCODES.get(flags & 0xF, flags & 0xF))
    print("flags", " ".join(f for f, bit in (("aa", 0x400), ("tc", 0x200)) if flags & bit))
    pos = 12
    for _ in range(qd):
        pos = read_name(msg, pos)[1] + 4
    for section, count in (("an", an), ("ns", ns), ("ar", ar)):
        for _ in range(count):
            owner, pos = read_name(msg, pos)
            rtype, _, ttl, length = struct.unpack("!HHIH", msg[pos:pos + 10])
            pos += 10
            if rtype != 41:
                print(section, NAMES.get(rtype, rtype), rdata(msg, rtype, pos, length), f"ttl={ttl}", f"owner={owner}")
            pos += length


main()
