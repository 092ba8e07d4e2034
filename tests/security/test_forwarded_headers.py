"""Forged forwarding headers. Behind a reverse proxy the server takes the client's address from
X-Forwarded-For and the client's scheme from X-Forwarded-Proto — but only from the proxies named
by --trusted-proxy. A client that talks to the server itself and sends these headers chooses
nothing: not its aws:SourceIp (an IP allow-list stays closed), not aws:SecureTransport (a
TLS-only policy still refuses plain HTTP), not a Secure console cookie, not a fresh address for
each console sign-in guess, not the address in the request log. Through a trusted proxy the
client is the right-most address the proxies did not add themselves, so what a client wrote at
the left of the header is never believed.

The test process is the proxy (connecting from 127.0.0.1) for the server that trusts
127.0.0.1/32, and an outsider for the servers that trust nobody or another range."""
import http.client
import json
import re

from console_client import ConsoleClient
from gatehouse_fixture import GatehouseTestCase
from raw_sigv4 import sign

PASSWORD = "Str0ng-Console-Pass!"


def allow_get_user_if(condition):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*", "Condition": condition}]})


class ForwardedHeadersCase(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        cls.keys = {}
        for name, condition in (
                ("from-1-2-3-4", {"IpAddress": {"aws:SourceIp": "1.2.3.4/32"}}),
                ("from-loopback", {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}),
                ("from-v6", {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}),
                ("tls-only", {"Bool": {"aws:SecureTransport": "true"}})):
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName="p",
                                PolicyDocument=allow_get_user_if(condition))
            key = iam.create_access_key(UserName=name)["AccessKey"]
            cls.keys[name] = (key["AccessKeyId"], key["SecretAccessKey"])
        for name in ("console-user", "guessed-user"):
            iam.create_user(UserName=name)
            iam.create_login_profile(UserName=name, Password=PASSWORD)

    def get_user(self, user, headers=()):
        """GetUser of `user`, signed with its own key, with the extra header lines `headers`
        (name, value) sent as given (unsigned, as a proxy adds them); (status, body)."""
        body = ("Action=GetUser&Version=2010-05-08&UserName=" + user).encode()
        host = "127.0.0.1:%d" % self.port
        target, signed = sign("POST", "/", [], {
            "Host": host, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            body, self.keys[user], "iam")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.putrequest("POST", target, skip_host=True, skip_accept_encoding=True)
        for name, value in list(signed.items()) + list(headers):
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        answer = conn.getresponse()
        text = answer.read().decode()
        conn.close()
        return answer.status, text

    def assertAllowed(self, user, headers=()):
        status, text = self.get_user(user, headers)
        self.assertEqual(status, 200, (headers, text))
        self.assertIn("<UserName>%s</UserName>" % user, text)

    def assertDenied(self, user, headers=()):
        status, text = self.get_user(user, headers)
        self.assertEqual(status, 403, (headers, text))
        self.assertIn("<Code>AccessDenied</Code>", text)

    def request_id(self, text):
        return re.search(r"<RequestId>([^<]+)</RequestId>", text).group(1)

    def logged_remote(self, text):
        """The client address of the request log's line for the answer `text`."""
        request_id = self.request_id(text)
        self.log.flush()
        with open(self.log.name) as f:
            for line in f:
                if request_id in line:
                    return line.split(request_id, 1)[1].split()[0]
        raise AssertionError("no log line for " + request_id)

    def sign_in(self, headers, password=PASSWORD, user="console-user"):
        return ConsoleClient(self.port).post(
            "/console/signin", {"account": self.account, "userName": user,
                                "password": password}, headers=headers)

    def assertServing(self):
        self.assertEqual(self.admin("sts").get_caller_identity()["Account"], self.account)


class UntrustedPeerChecks:
    """The checks for a server that does not trust the test process."""

    def test_x_forwarded_for_does_not_choose_aws_source_ip(self):
        for forged in ([("X-Forwarded-For", "1.2.3.4")],
                       [("X-Forwarded-For", "9.9.9.9, 1.2.3.4")],
                       [("X-Forwarded-For", "1.2.3.4, 127.0.0.1")],
                       [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "1.2.3.4")],
                       [("x-forwarded-for", "1.2.3.4"), ("Forwarded", "for=1.2.3.4")]):
            self.assertDenied("from-1-2-3-4", forged)
        self.assertDenied("from-v6", [("X-Forwarded-For", "2001:db8::1")])
        # The server goes on seeing the connection's address.
        self.assertAllowed("from-loopback", [("X-Forwarded-For", "1.2.3.4")])
        self.assertServing()

    def test_x_forwarded_proto_does_not_make_plain_http_secure(self):
        for forged in ([("X-Forwarded-Proto", "https")], [("X-Forwarded-Proto", "HTTPS")],
                       [("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-Proto", "https")]):
            self.assertDenied("tls-only", forged)
        status, headers, doc = self.sign_in({"X-Forwarded-Proto": "https"})
        self.assertEqual(status, 200, doc)
        self.assertNotIn("; Secure", headers["set-cookie"])

    def test_the_request_log_names_the_connection(self):
        status, text = self.get_user("from-loopback", [("X-Forwarded-For", "1.2.3.4")])
        self.assertEqual(status, 200, text)
        self.assertEqual(self.logged_remote(text), "127.0.0.1")

    def test_a_new_forged_address_per_guess_does_not_escape_the_throttle(self):
        # Five wrong passwords for one user from one address are free; the next waits — whatever
        # address each guess claims to come from.
        statuses = [self.sign_in({"X-Forwarded-For": "198.51.100.%d" % n},
                                 password="Wrong-Pass-%d!" % n, user="guessed-user")[0]
                    for n in range(6)]
        self.assertEqual(statuses, [401] * 5 + [429])


class NoTrustedProxyTest(UntrustedPeerChecks, ForwardedHeadersCase):
    """The default: no --trusted-proxy."""


class ProxyElsewhereTest(UntrustedPeerChecks, ForwardedHeadersCase):
    """Proxies trusted, but the test process is not one of them."""
    extra_args = ["--trusted-proxy", "10.0.0.0/8,2001:db8:ffff::/48,127.0.0.2"]


class TrustedProxyTest(ForwardedHeadersCase):
    """The test process is the trusted proxy."""
    extra_args = ["--trusted-proxy", "127.0.0.1/32"]

    def test_the_client_a_trusted_proxy_names_is_aws_source_ip(self):
        self.assertAllowed("from-1-2-3-4", [("X-Forwarded-For", "1.2.3.4")])
        # A chain of trusted proxies: the hops at the right are the proxies' own.
        self.assertAllowed("from-1-2-3-4", [("X-Forwarded-For", "1.2.3.4, 127.0.0.1")])
        # Repeated fields are one list (HAProxy's option forwardfor adds a field of its own).
        self.assertAllowed("from-1-2-3-4", [("X-Forwarded-For", "9.9.9.9"),
                                            ("X-Forwarded-For", "1.2.3.4")])
        self.assertAllowed("from-v6", [("X-Forwarded-For", "2001:db8::7")])
        self.assertAllowed("from-v6", [("X-Forwarded-For", "[2001:db8::7]:51234")])
        # The proxy's own request (no header): the proxy is the client.
        self.assertAllowed("from-loopback")

    def test_what_a_client_wrote_at_the_left_is_not_believed(self):
        # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
        self.assertDenied("from-1-2-3-4", [("X-Forwarded-For", "1.2.3.4, 203.0.113.9")])
        self.assertDenied("from-1-2-3-4", [("X-Forwarded-For", "1.2.3.4"),
                                           ("X-Forwarded-For", "203.0.113.9")])
        self.assertDenied("from-loopback", [("X-Forwarded-For", "127.0.0.1, 203.0.113.9")])

    def test_a_malformed_header_falls_back_to_the_proxy(self):
        for garbage in ("unknown", "1.2.3.4 5.6.7.8", "1.2.3.4, <script>", "1.2.3.4, ::g",
                        "1.2.3.4, 300.1.1.1", "1.2.3.4, fe80::1%eth0", "1.2.3.4, " + "9" * 4000,
                        "1.2.3.4, [2001:db8::7", "\u00e9"):
            headers = [("X-Forwarded-For", garbage)]
            self.assertDenied("from-1-2-3-4", headers)
            self.assertAllowed("from-loopback", headers)
        self.assertServing()

    def test_x_forwarded_proto_of_the_proxy_is_aws_secure_transport(self):
        self.assertAllowed("tls-only", [("X-Forwarded-Proto", "https")])
        self.assertDenied("tls-only", [("X-Forwarded-Proto", "http")])
        self.assertDenied("tls-only")
        # More than one value: nothing is believed.
        self.assertDenied("tls-only", [("X-Forwarded-Proto", "http, https")])
        status, headers, doc = self.sign_in({"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "192.0.2.77"})
        self.assertEqual(status, 200, doc)
        self.assertIn("; Secure", headers["set-cookie"])

    def test_the_request_log_names_the_client(self):
        status, text = self.get_user("from-1-2-3-4", [("X-Forwarded-For", "1.2.3.4")])
        self.assertEqual(status, 200, text)
        self.assertEqual(self.logged_remote(text), "1.2.3.4")

    def test_the_throttle_counts_each_client_behind_the_proxy(self):
        guesser = {"X-Forwarded-For": "198.51.100.1"}
        statuses = [self.sign_in(guesser, password="Wrong-Pass-%d!" % n, user="guessed-user")[0]
                    for n in range(6)]
        self.assertEqual(statuses, [401] * 5 + [429])
        # The guesser's failures do not slow the user, at another address, behind the same proxy.
        status, _, doc = self.sign_in({"X-Forwarded-For": "198.51.100.2"}, user="guessed-user")
        self.assertEqual(status, 200, doc)

