#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) that Tandem's tests, crash test and email benchmark send to.

It accepts mail, parses each message with Python's email package and appends one JSON line per
message to --log: the Message-ID, envelope, decoded subject, the MIME parts, the decoded text
and HTML, any defects the parser found, whether the session used TLS and who authenticated.

Recipients choose their fate by the start of their local part:
    soft-...    451 4.3.0 to RCPT TO (try again later)
    hard-...    550 5.1.1 to RCPT TO (no such user)
    reject-...  554 5.6.0 to the message after DATA

    scripts/smtp-sink.py --port 2525 --log /tmp/mail.jsonl [--tls-dir DIR] [--auth user:pass]
        [--auth-mechanisms LOGIN] [--ready FILE] [--store DIR] [--lean]

--tls-dir makes a self-signed certificate for localhost/127.0.0.1 (DIR/cert.pem, DIR/key.pem)
and offers STARTTLS; --auth requires AUTH (over TLS); --lean logs only ids and recipients (for
the 50,000-message crash test and the benchmark); --ready names a file written once the server
listens. Stops on SIGTERM or SIGINT.
"""
import argparse
import datetime
import email
import email.policy
import ipaddress
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def make_certificate(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    os.makedirs(directory, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


class Sink:
    def __init__(self, log_path, store, lean):
        self.log = open(log_path, "a", encoding="utf-8", buffering=1)
        self.store = store
        self.lean = lean
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("soft-"):
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        if local.startswith("hard-"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.split("@", 1)[0].lower().startswith("reject-") for r in envelope.rcpt_tos):
            return "554 5.6.0 Message content refused"
        raw = envelope.original_content or envelope.content
        with self.lock:
            self.count += 1
            number = self.count
        record = {
            "n": number,
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "size": len(raw),
            "peer": list(session.peer) if session.peer else None,
            "tls": session.ssl is not None,
            "auth": session.auth_data.login.decode() if session.authenticated and hasattr(session.auth_data, "login") else None,
        }
        if self.lean:
            # Only the header block is read: the Message-ID is all the crash test counts.
            head = raw.split(b"\r\n\r\n", 1)[0]
            for line in head.split(b"\r\n"):
                if line[:11].lower() == b"message-id:":
                    record["message_id"] = line[11:].strip().decode("ascii", "replace")
                    break
        else:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            parts = []
            text = html = None
            for part in message.walk():
                parts.append(part.get_content_type())
                if part.get_content_type() == "text/plain" and text is None:
                    text = part.get_content()
                if part.get_content_type() == "text/html" and html is None:
                    html = part.get_content()
            long_lines = [len(line) for line in raw.split(b"\r\n") if len(line) > 78]
            record.update({
                "message_id": message.get("Message-ID"),
                "subject": str(message.get("Subject", "")),
                "from_header": str(message.get("From", "")),
                "to_header": str(message.get("To", "")),
                "date": message.get("Date"),
                # A long value starts on a continuation line; unfolded, its leading space goes.
                "list_unsubscribe": str(message.get("List-Unsubscribe")).strip() if message.get("List-Unsubscribe") else None,
                "list_unsubscribe_post": message.get("List-Unsubscribe-Post"),
                "content_type": message.get_content_type(),
                "parts": parts,
                "text": text,
                "html": html,
                "defects": [type(d).__name__ for part in message.walk() for d in part.defects],
                "eight_bit": any(b > 127 for b in raw),
                "longest_line": max([len(line) for line in raw.split(b"\r\n")] or [0]),
                "long_lines": len(long_lines),
            })
        if self.store:
            with open(os.path.join(self.store, f"{number:07d}.eml"), "wb") as f:
                f.write(raw)
        self.log.write(json.dumps(record) + "\n")
        return f"250 2.0.0 Queued as {number}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port (written to --ready)")
    parser.add_argument("--log", required=True)
    parser.add_argument("--ready")
    parser.add_argument("--store")
    parser.add_argument("--tls-dir")
    parser.add_argument("--auth", help="user:password that AUTH must present")
    parser.add_argument("--auth-mechanisms", help="offer only these (comma-separated: PLAIN, LOGIN)")
    parser.add_argument("--lean", action="store_true")
    args = parser.parse_args()

    if args.port == 0:
        # aiosmtpd checks readiness by connecting to its port, so it needs a real one up front.
        import socket
        probe = socket.socket()
        probe.bind((args.host, 0))
        args.port = probe.getsockname()[1]
        probe.close()
    if args.store:
        os.makedirs(args.store, exist_ok=True)
    kwargs = {"enable_SMTPUTF8": False, "decode_data": False, "data_size_limit": 10 * 1024 * 1024}
    if args.tls_dir:
        cert, key = make_certificate(args.tls_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        kwargs["tls_context"] = context
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            # handled=False: aiosmtpd then answers 535 itself (its default leaves the client waiting).
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        kwargs.update({"authenticator": authenticator, "auth_required": True, "auth_require_tls": bool(args.tls_dir)})
        if args.auth_mechanisms:
            offered = {m.strip().upper() for m in args.auth_mechanisms.split(",")}
            kwargs["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN") if m not in offered]

    controller = Controller(Sink(args.log, args.store, args.lean), hostname=args.host, port=args.port, **kwargs)
    controller.start()
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write(str(args.port))
        os.replace(args.ready + ".tmp", args.ready)
    print(f"smtp-sink: listening on {args.host}:{args.port}, logging to {args.log}", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        stop.wait(0.2)
    controller.stop()


if __name__ == "__main__":
    main()
