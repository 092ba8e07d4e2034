#include "http/server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

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
  std::string reply = Exchange(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2048"
                                              "\r\n\r\n" + big);
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
  EXPECT_NE(Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "ok\n")
                .find("200 OK"),
            std::string::npos);
}

TEST(ServerTest, UnusableAddressIsAnError) {
  ServerOptions o = TestOptions();
  o.host = "not-an-address";
  Server server(o, Echo);
  EXPECT_FALSE(server.Start().ok());
}

}  // namespace
}  // namespace gatehouse::http
