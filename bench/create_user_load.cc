// create_user_load ENDPOINT_PORT KEY_ID SECRET [CONNECTIONS] [USERS_PER_CONNECTION]
// Drives iam:CreateUser against a running gatehouse on 127.0.0.1 with SigV4-signed requests
// over keep-alive connections, one thread per connection, and prints durable creates per second.
// (A C++ client, so that the measurement is the server's and not a scripting client's.)
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "auth/sigv4.h"
#include "core/crypto.h"
#include "core/time_format.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace gatehouse;

namespace {

std::string Authorization(const std::string& host, const std::string& body,
                          const std::string& key_id, const std::string& secret,
                          const std::string& amz_date) {
  auth::SignatureClaim claim;
  claim.access_key_id = key_id;
  claim.date = amz_date.substr(0, 8);
  claim.region = "us-east-1";
  claim.service = "iam";
  claim.amz_date = amz_date;
  claim.signed_headers = {"content-type", "host", "x-amz-date"};
  auth::HttpRequestView view{"POST", "/",
                             {{"Content-Type", "application/x-www-form-urlencoded"},
                              {"Host", host},
                              {"X-Amz-Date", amz_date}},
                             body};
  Sha256Digest k = auth::SigningKeyCache::Derive(secret, claim.date, claim.region, claim.service);
  std::string signature = HexEncode(
      HmacSha256(AsBytes(k), auth::StringToSign(claim, auth::CanonicalRequest(view, claim))));
  return "AWS4-HMAC-SHA256 Credential=" + key_id + "/" + claim.Scope() +
         ", SignedHeaders=content-type;host;x-amz-date, Signature=" + signature;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: create_user_load PORT KEY_ID SECRET [CONNECTIONS] [USERS]\n";
    return 2;
  }
  const std::string port = argv[1], key_id = argv[2], secret = argv[3];
  const int connections = argc > 4 ? std::atoi(argv[4]) : 16;
  const int users = argc > 5 ? std::atoi(argv[5]) : 200;
  const std::string host = "127.0.0.1:" + port;
  std::atomic<int> created{0}, failed{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      asio::io_context io;
      beast::tcp_stream stream(io);
      stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                             static_cast<unsigned short>(std::stoi(port))));
      beast::flat_buffer buffer;
      for (int i = 0; i < users; ++i) {
        std::string body = "Action=CreateUser&Version=2010-05-08&UserName=load-" +
                           std::to_string(getpid()) + "-" + std::to_string(c) + "-" +
                           std::to_string(i);
        std::string amz_date = FormatAmzDate(std::time(nullptr));
        http::request<http::string_body> req{http::verb::post, "/", 11};
        req.set(http::field::host, host);
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.set("X-Amz-Date", amz_date);
        req.set(http::field::authorization, Authorization(host, body, key_id, secret, amz_date));
        req.body() = body;
        req.keep_alive(true);
        req.prepare_payload();
        http::write(stream, req);
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        (res.result_int() == 200 ? created : failed)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "CreateUser: " << created << " created, " << failed << " failed in " << seconds
            << " s = " << static_cast<int>(created / seconds) << "/s over " << connections
            << " connections\n";
  return failed == 0 ? 0 : 1;
}
