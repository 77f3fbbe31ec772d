#!/usr/bin/python3
"""The phone page over HTTPS (issue 18): fairlyd with http-cert and http-key.

    /usr/bin/python3 tests/e2e/https_check.py --fairly BIN --fairlyd BIN

Makes a self-signed certificate for 127.0.0.1 with `openssl req`, starts a
real fairlyd serving HTTPS on a free loopback port, and checks what a phone
would see: the pairing link is https://, pairing over TLS (the certificate
verified against the one made) sets a cookie that is also Secure, the paired
phone reads its member's state and logs a tap that `fairly events` shows as
its member's, and a plain-HTTP request on the TLS port gets no answer with
household data. Also: a certificate without its key is refused at start with
a message that says so.

Exits 0 when all hold, 1 on a failure, 77 when the openssl command is missing
(ctest counts it a skip). Everything it starts is stopped on the way out.
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid

from e2e_support import Failed, binaries, free_port

SKIP = 77


def check(condition, what):
    if not condition:
        raise Failed(what)
    print("ok:", what)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fairly", required=True)
    parser.add_argument("--fairlyd", required=True)
    args = parser.parse_args()
    fairly, fairlyd = binaries(args)
    if not shutil.which("openssl"):
        print("skip: the openssl command is not installed (scripts/deps)")
        return SKIP

    work = tempfile.mkdtemp(prefix="fairly-https-")
    daemon = None
    env = dict(os.environ, FAIRLY_SOCKET=os.path.join(work, "fairly.sock"), XDG_STATE_HOME=os.path.join(work, "state"))
    env.pop("FAIRLY_MEMBER", None)

    def run(*command, ok=True):
        result = subprocess.run([fairly, *command], env=env, capture_output=True, text=True, timeout=30)
        if ok and result.returncode != 0:
            raise Failed("fairly %s failed: %s" % (" ".join(command), result.stderr))
        return result

    try:
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)

        # Half a pair is refused at start, saying what is missing.
        half = subprocess.run([fairlyd, "--db", os.path.join(work, "half.db"), "--socket", os.path.join(work, "half.sock"),
                               "--http", "127.0.0.1:%d" % free_port(), "--http-cert", cert],
                              capture_output=True, text=True, timeout=30)
        check(half.returncode != 0 and "http-key" in half.stderr, "a certificate without its key is refused: " + half.stderr.strip())

        port = free_port()
        log = open(os.path.join(work, "fairlyd.log"), "w")
        daemon = subprocess.Popen([fairlyd, "--db", os.path.join(work, "household.db"), "--socket", env["FAIRLY_SOCKET"],
                                   "--http", "127.0.0.1:%d" % port, "--http-cert", cert, "--http-key", key],
                                  stderr=log, env=env)
        deadline = time.monotonic() + 10
        while not os.path.exists(env["FAIRLY_SOCKET"]):
            if time.monotonic() > deadline or daemon.poll() is not None:
                raise Failed("fairlyd did not start: " + open(os.path.join(work, "fairlyd.log")).read())
            time.sleep(0.05)

        run("init", "--member", "alex", "--member", "sam", "--tz", "Europe/London")
        link = json.loads(run("pair", "--member", "alex", "--json").stdout)["url"]
        check(link.startswith("https://127.0.0.1:%d/pair/" % port), "the pairing link is https: " + link)
        code = link.rsplit("/", 1)[1]

        tls = ssl.create_default_context(cafile=cert)  # verified against the certificate made above

        def request(method, path, body=None, headers=None):
            connection = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10)
            connection.request(method, path, body=body, headers=headers or {})
            reply = connection.getresponse()
            data = reply.read().decode("utf-8", "replace")
            connection.close()
            return reply, data

        reply, _ = request("POST", "/pair", "code=%s&name=phone" % code, {"Content-Type": "application/x-www-form-urlencoded",
                                                                           "Origin": "https://127.0.0.1:%d" % port})
        cookie = reply.getheader("Set-Cookie") or ""
        check(reply.status == 303, "pairing over TLS answers 303 (got %d)" % reply.status)
        check("HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie, "the cookie is HttpOnly, SameSite=Strict and Secure")
        check(reply.getheader("Strict-Transport-Security") is not None, "HTTPS answers carry Strict-Transport-Security")
        token = cookie.split(";", 1)[0].split("=", 1)[1]

        reply, data = request("GET", "/api/state", headers={"Cookie": "fairly_device=" + token})
        check(reply.status == 200 and json.loads(data)["member"] == "alex", "the paired phone reads alex's state over TLS")
        csrf = json.loads(data)["csrf"]
        tap = str(uuid.uuid4())
        reply, data = request("POST", "/api/log", json.dumps({"uuid": tap, "kind": "night-feed"}),
                              {"Cookie": "fairly_device=" + token, "X-Fairly-CSRF": csrf, "Content-Type": "application/json",
                               "Origin": "https://127.0.0.1:%d" % port})
        check(reply.status == 200, "a tap over TLS is acknowledged (got %d: %s)" % (reply.status, data))
        events = json.loads(run("events", "--json").stdout)
        mine = [e for e in events if e.get("uuid") == tap]
        check(len(mine) == 1 and mine[0]["member"] == "alex" and mine[0]["logged_by"] == "alex",
              "fairly events shows the tap once, alex's, logged by alex")

        # Plain HTTP on the TLS port: no HTTP answer, nothing of the household.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as plain:
            plain.sendall(b"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: fairly_device=" + token.encode() + b"\r\n\r\n")
            received = b""
            try:
                while True:
                    chunk = plain.recv(4096)
                    if not chunk:
                        break
                    received += chunk
            except (socket.timeout, ConnectionResetError):
                pass
        check(b"alex" not in received and not received.startswith(b"HTTP/1.1 200"), "plain HTTP on the HTTPS port reads nothing")
        check(daemon.poll() is None, "fairlyd still serves")
        return 0
    except Failed as failure:
        print("FAILED:", failure)
        if os.path.exists(os.path.join(work, "fairlyd.log")):
            print(open(os.path.join(work, "fairlyd.log")).read())
        return 1
    finally:
        if daemon and daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
