#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <stdexcept>
#include <thread>

namespace gatehouse::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Sends raw bytes and reads until the server closes or `until` appears.
std::string Exchange(uint16_t port, const std::string& bytes, const std::string& until = "") {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(bytes));
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  while (!ec) {
    size_t n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (!until.empty() && out.find(until) != std::string::npos) break;
  }
  return out;
}

ServerOptions TestOptions() {
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  o.body_limit = 1024;
  o.request_timeout = std::chrono::milliseconds(300);
  o.idle_timeout = std::chrono::milliseconds(300);
  return o;
}

HttpResponse Echo(const HttpRequest& r) {
  return {200, {{"Content-Type", "text/plain"}}, r.method + " " + r.target + " " + r.body};
}

TEST(ServerTest, HealthAndKeepAlive) {
  Server server(TestOptions(), Echo);
  ASSERT_TRUE(server.Start().ok());
  std::string health = Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "ok\n");
  EXPECT_NE(health.find("HTTP/1.1 200 OK"), std::string::npos);
  std::string two = Exchange(server.port(),
                             "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                             "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ndef",
                             "POST /b def");
  EXPECT_NE(two.find("POST /a abc"), std::string::npos);
  EXPECT_NE(two.find("POST /b def"), std::string::npos);
}

TEST(ServerTest, BodyLimitAnswers413) {
  Server server(TestOptions(), Echo);
  ASSERT_TRUE(server.Start().ok());
  std::string big(2048, 'x');
  std::string reply = Exchange(server.port(),
                               "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2048"
                               "\r\n\r\n" +
                                   big);
  EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos);
  EXPECT_NE(reply.find("<Code>RequestEntityTooLarge</Code>"), std::string::npos);
}

TEST(ServerTest, SlowClientIsDropped) {
  Server server(TestOptions(), Echo);
  ASSERT_TRUE(server.Start().ok());
  auto start = std::chrono::steady_clock::now();
  std::string reply = Exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n");  // never ends
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(reply, "");
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST(ServerTest, StopFinishesRequestsInFlight) {
  std::atomic<bool> entered{false};
  Server server(TestOptions(), [&](const HttpRequest& r) {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return Echo(r);
  });
  ASSERT_TRUE(server.Start().ok());
  uint16_t port = server.port();
  auto reply = std::async(std::launch::async, [port] {
    return Exchange(port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", "GET /slow");
  });
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server.Stop();
  EXPECT_NE(reply.get().find("GET /slow"), std::string::npos);
}

TEST(ServerTest, ConnectionLimit) {
  ServerOptions o = TestOptions();
  o.max_connections = 1;
  o.idle_timeout = std::chrono::milliseconds(2000);
  o.request_timeout = std::chrono::milliseconds(2000);
  Server server(o, Echo);
  ASSERT_TRUE(server.Start().ok());
  asio::io_context io;
  tcp::socket holder(io);  // takes the only connection and keeps it
  holder.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string refused = Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(refused, "");  // closed without an answer
  holder.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_NE(
      Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "ok\n").find("200 OK"),
      std::string::npos);
}

// Waits (up to two seconds) until the server holds `n` connections.
bool ConnectionsReach(const Server& server, int n) {
  for (int i = 0; i < 200 && server.connections() != n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return server.connections() == n;
}

TEST(ServerTest, AThrowingHandlerIsAnswered500AndReleasesItsConnection) {
  Server server(TestOptions(), [](const HttpRequest& r) -> HttpResponse {
    if (r.target == "/throw") throw std::runtime_error("handler failed");
    if (r.target == "/throw-int") throw 7;
    return Echo(r);
  });
  ASSERT_TRUE(server.Start().ok());
  for (int i = 0; i < 20; ++i) {
    std::string reply =
        Exchange(server.port(), "GET /throw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(reply.find("HTTP/1.1 500"), std::string::npos) << reply;
    EXPECT_NE(reply.find("<Code>InternalFailure</Code>"), std::string::npos);
    EXPECT_EQ(reply.find("handler failed"), std::string::npos);  // logged, never sent
  }
  std::string other = Exchange(server.port(),
                               "GET /throw-int HTTP/1.1\r\nHost: x\r\n"
                               "Connection: close\r\n\r\n");
  EXPECT_NE(other.find("HTTP/1.1 500"), std::string::npos);
  EXPECT_TRUE(ConnectionsReach(server, 0)) << server.connections();
  // A kept-alive connection goes on after the failure.
  std::string two = Exchange(server.port(),
                             "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /after HTTP/1.1\r\nHost: x\r\n\r\n",
                             "GET /after");
  EXPECT_NE(two.find("HTTP/1.1 500"), std::string::npos);
  EXPECT_NE(two.find("GET /after"), std::string::npos);
  EXPECT_TRUE(ConnectionsReach(server, 0)) << server.connections();
}

TEST(ServerTest, ThrowingHandlersDoNotUseUpTheConnectionLimit) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  Server server(o, [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("x"); });
  ASSERT_TRUE(server.Start().ok());
  for (int i = 0; i < 10; ++i) {
    std::string reply =
        Exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(reply.find("HTTP/1.1 500"), std::string::npos) << i;
    ASSERT_TRUE(ConnectionsReach(server, 0)) << server.connections();
  }
}

TEST(ServerTest, ConnectionLimitPerClient) {
  ServerOptions o = TestOptions();
  o.max_connections_per_client = 2;
  o.idle_timeout = std::chrono::milliseconds(2000);
  o.request_timeout = std::chrono::milliseconds(2000);
  Server server(o, Echo);
  ASSERT_TRUE(server.Start().ok());
  asio::io_context io;
  tcp::socket first(io), second(io);  // 127.0.0.1 takes its two connections and keeps them
  first.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  second.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  ASSERT_TRUE(ConnectionsReach(server, 2));
  EXPECT_EQ(Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), "");

  // Another client address is still served.
  tcp::socket other(io);
  other.open(tcp::v4());
  other.bind(tcp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
  other.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(other, asio::buffer(request));
  std::string reply;
  char buf[1024];
  boost::system::error_code ec;
  while (!ec) reply.append(buf, other.read_some(asio::buffer(buf), ec));
  EXPECT_NE(reply.find("200 OK"), std::string::npos);

  // When one of its connections closes, the first client may open another.
  first.close();
  ASSERT_TRUE(ConnectionsReach(server, 1));
  EXPECT_NE(
      Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "ok\n").find("200 OK"),
      std::string::npos);
}

// The handler sees the client a trusted proxy names; a peer that is not trusted is the client,
// whatever it sends.
TEST(ServerTest, RequestsCarryTheClientATrustedProxyNames) {
  ServerOptions o = TestOptions();
  o.trusted_proxies = *TrustedProxies::Parse("127.0.0.1/32");
  auto who = [](const HttpRequest& r) -> HttpResponse {
    return {200, {}, "client=" + r.remote_address + (r.secure ? " secure" : " plain") + "\n"};
  };
  Server trusting(o, who);
  ASSERT_TRUE(trusting.Start().ok());
  const std::string forwarded =
      "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.2.3.4, 203.0.113.9\r\n"
      "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n";
  EXPECT_NE(Exchange(trusting.port(), forwarded).find("client=203.0.113.9 secure\n"),
            std::string::npos);

  o.trusted_proxies = *TrustedProxies::Parse("10.0.0.0/8");
  Server distrusting(o, who);
  ASSERT_TRUE(distrusting.Start().ok());
  EXPECT_NE(Exchange(distrusting.port(), forwarded).find("client=127.0.0.1 plain\n"),
            std::string::npos);
}

// A trusted proxy carries many clients: the per-client limit does not hold it.
TEST(ServerTest, ATrustedProxyIsNotHeldToThePerClientLimit) {
  ServerOptions o = TestOptions();
  o.max_connections_per_client = 1;
  o.idle_timeout = std::chrono::milliseconds(2000);
  o.request_timeout = std::chrono::milliseconds(2000);
  o.trusted_proxies = *TrustedProxies::Parse("127.0.0.1");
  Server server(o, Echo);
  ASSERT_TRUE(server.Start().ok());
  asio::io_context io;
  tcp::socket first(io), second(io);
  first.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  second.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  ASSERT_TRUE(ConnectionsReach(server, 2));
  EXPECT_NE(
      Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "ok\n").find("200 OK"),
      std::string::npos);

  // Another address, not trusted, is held to one connection.
  auto from_other = [&](tcp::socket& socket) {
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  };
  tcp::socket other(io), refused(io);
  from_other(other);
  ASSERT_TRUE(ConnectionsReach(server, 3));
  from_other(refused);
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  boost::system::error_code ec;
  asio::write(refused, asio::buffer(request), ec);
  std::string reply;
  char buf[1024];
  while (!ec) reply.append(buf, refused.read_some(asio::buffer(buf), ec));
  EXPECT_EQ(reply, "");
}

// A handler slower than the request timeout still gets its answer out.
TEST(ServerTest, ASlowHandlerIsStillAnswered) {
  Server server(TestOptions(), [](const HttpRequest& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // twice the request timeout
    return Echo(r);
  });
  ASSERT_TRUE(server.Start().ok());
  std::string reply = Exchange(server.port(), "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", "GET /slow");
  EXPECT_NE(reply.find("200 OK"), std::string::npos) << reply;
}

TEST(ServerTest, UnusableAddressIsAnError) {
  ServerOptions o = TestOptions();
  o.host = "not-an-address";
  Server server(o, Echo);
  EXPECT_FALSE(server.Start().ok());
}

}  // namespace
}  // namespace gatehouse::http
