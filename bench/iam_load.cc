// iam_load PORT KEY_ID SECRET MODE [ARGS…]: signed IAM and STS requests against a running gatehouse
// on 127.0.0.1 over keep-alive connections, one thread per connection. (A C++ client, so that the
// measurement is the server's and not a scripting client's.) Modes:
//   create-users CONNECTIONS PER_CONNECTION        durable CreateUser rate
//   create-roles CONNECTIONS PER_CONNECTION PREFIX  durable CreateRole rate (roles PREFIX-c-i)
//   list-roles PAGES                               ListRoles pages of 100, following Marker
//   get-role REQUESTS PREFIX CONNECTIONS PER_CONNECTION  GetRole of random roles PREFIX-c-i
//   assume-role CONNECTIONS PER_CONNECTION ROLE_ARN  sts:AssumeRole rate
//   propagation WRITES PORT_B                      CreateUser on PORT, then GetUser on PORT_B
//                                                  until it answers: the delay per write
// Each mode prints its rate and the client-side latency percentiles.
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "auth/sigv4.h"
#include "core/crypto.h"
#include "core/time_format.h"
#include "core/uri.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace gatehouse;

namespace {

std::string Authorization(const std::string& host, const std::string& body,
                          const std::string& key_id, const std::string& secret,
                          const std::string& amz_date, const std::string& service) {
  auth::SignatureClaim claim;
  claim.access_key_id = key_id;
  claim.date = amz_date.substr(0, 8);
  claim.region = "us-east-1";
  claim.service = service;
  claim.amz_date = amz_date;
  claim.signed_headers = {"content-type", "host", "x-amz-date"};
  auth::HttpRequestView view{"POST",
                             "/",
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

// One keep-alive connection sending signed Query requests to `service` (iam, sts).
class Connection {
 public:
  Connection(const std::string& port, std::string key_id, std::string secret,
             std::string service = "iam")
      : stream_(io_),
        host_("127.0.0.1:" + port),
        key_id_(std::move(key_id)),
        secret_(std::move(secret)),
        service_(std::move(service)) {
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                            static_cast<unsigned short>(std::stoi(port))));
  }

  // Sends `body`; returns the HTTP status and fills `response`.
  int Send(const std::string& body, std::string* response = nullptr) {
    std::string amz_date = FormatAmzDate(std::time(nullptr));
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, host_);
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set("X-Amz-Date", amz_date);
    req.set(http::field::authorization,
            Authorization(host_, body, key_id_, secret_, amz_date, service_));
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    if (response != nullptr) *response = std::move(res.body());
    return res.result_int();
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string host_, key_id_, secret_, service_;
};

using Clock = std::chrono::steady_clock;

struct Latencies {
  std::mutex mu;
  std::vector<double> ms;
  void Add(Clock::time_point start) {
    double v = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard<std::mutex> lock(mu);
    ms.push_back(v);
  }
  std::string Summary() {
    std::sort(ms.begin(), ms.end());
    if (ms.empty()) return "no requests";
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
    return "p50 " + std::to_string(at(0.5)) + " ms, p99 " + std::to_string(at(0.99)) + " ms";
  }
};

const char kTrust[] = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
                      R"({"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]})";

// Runs `per_connection` requests body(c, i) on each of `connections` threads.
template <typename Body>
int RunParallel(const std::string& what, const std::string& port, const std::string& key_id,
                const std::string& secret, int connections, int per_connection, Body body,
                const std::string& service = "iam") {
  std::atomic<int> ok{0}, failed{0};
  Latencies latencies;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Connection conn(port, key_id, secret, service);
      for (int i = 0; i < per_connection; ++i) {
        auto sent = Clock::now();
        (conn.Send(body(c, i)) == 200 ? ok : failed)++;
        latencies.Add(sent);
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << what << ": " << ok << " ok, " << failed << " failed in " << seconds
            << " s = " << static_cast<int>(ok / seconds) << "/s over " << connections
            << " connections; " << latencies.Summary() << "\n";
  return failed == 0 ? 0 : 1;
}

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  size_t a = text.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  return text.substr(a, text.find(close, a) - a);
}

// Writes `writes` users one at a time on `port_a`; after each acknowledged CreateUser, asks
// `port_b` for the user every 250 µs until it answers 200. Prints the delays' percentiles.
int Propagation(const std::string& port_a, const std::string& port_b, const std::string& key_id,
                const std::string& secret, int writes) {
  Connection a(port_a, key_id, secret), b(port_b, key_id, secret);
  const std::string name = "propagation-" + std::to_string(getpid()) + "-";
  std::vector<double> ms;
  int polls = 0;
  for (int i = 0; i < writes; ++i) {
    const std::string user = name + std::to_string(i);
    if (a.Send("Action=CreateUser&Version=2010-05-08&UserName=" + user) != 200) {
      std::cerr << "CreateUser failed on the writing instance\n";
      return 1;
    }
    auto written = Clock::now();
    while (b.Send("Action=GetUser&Version=2010-05-08&UserName=" + user) != 200) {
      ++polls;
      if (Clock::now() - written > std::chrono::seconds(10)) {
        std::cerr << user << " never reached the other instance\n";
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - written).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
  std::cout << "propagation over " << writes << " writes: p50 " << at(0.5) << " ms, p99 "
            << at(0.99) << " ms, max " << ms.back() << " ms (" << polls
            << " polls found nothing yet)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: iam_load PORT KEY_ID SECRET MODE [ARGS…] (see the source)\n";
    return 2;
  }
  const std::string port = argv[1], key_id = argv[2], secret = argv[3], mode = argv[4];
  auto arg = [&](int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; };
  const std::string tag = std::to_string(getpid());
  if (mode == "create-users") {
    return RunParallel("CreateUser", port, key_id, secret, arg(5, 16), arg(6, 200),
                       [&](int c, int i) {
                         return "Action=CreateUser&Version=2010-05-08&UserName=load-" + tag + "-" +
                                std::to_string(c) + "-" + std::to_string(i);
                       });
  }
  if (mode == "create-roles") {
    const std::string prefix = argc > 7 ? argv[7] : "load";
    const std::string trust = UriEncode(kTrust);
    return RunParallel(
        "CreateRole", port, key_id, secret, arg(5, 16), arg(6, 200), [&](int c, int i) {
          return "Action=CreateRole&Version=2010-05-08&RoleName=" + prefix + "-" +
                 std::to_string(c) + "-" + std::to_string(i) + "&AssumeRolePolicyDocument=" + trust;
        });
  }
  if (mode == "list-roles") {
    Connection conn(port, key_id, secret);
    Latencies latencies;
    std::string marker;
    int pages = arg(5, 100), roles = 0, failed = 0;
    for (int p = 0; p < pages; ++p) {
      std::string body = "Action=ListRoles&Version=2010-05-08&MaxItems=100";
      if (!marker.empty()) body += "&Marker=" + UriEncode(marker);
      std::string response;
      auto sent = Clock::now();
      if (conn.Send(body, &response) != 200) ++failed;
      latencies.Add(sent);
      for (size_t at = response.find("<RoleId>"); at != std::string::npos;
           at = response.find("<RoleId>", at + 1)) {
        ++roles;
      }
      marker = Between(response, "<Marker>", "</Marker>");  // "" after the last: start over
    }
    std::cout << "ListRoles: " << pages << " pages of 100 (" << roles << " roles), " << failed
              << " failed; " << latencies.Summary() << "\n";
    return failed == 0 ? 0 : 1;
  }
  if (mode == "get-role") {
    const std::string prefix = argc > 6 ? argv[6] : "load";
    const int connections = arg(7, 16), per_connection = arg(8, 100);
    const int requests = arg(5, 10000);
    return RunParallel("GetRole", port, key_id, secret, 4, requests / 4, [&](int, int) {
      thread_local std::mt19937 rng(std::random_device{}());
      int c = std::uniform_int_distribution<int>(0, connections - 1)(rng);
      int i = std::uniform_int_distribution<int>(0, per_connection - 1)(rng);
      return "Action=GetRole&Version=2010-05-08&RoleName=" + prefix + "-" + std::to_string(c) +
             "-" + std::to_string(i);
    });
  }
  if (mode == "assume-role") {
    const std::string role = argc > 7 ? argv[7] : "";
    return RunParallel(
        "AssumeRole", port, key_id, secret, arg(5, 16), arg(6, 1000),
        [&](int c, int i) {
          return "Action=AssumeRole&Version=2011-06-15&RoleArn=" + UriEncode(role) +
                 "&RoleSessionName=load-" + std::to_string(c) + "-" + std::to_string(i);
        },
        "sts");
  }
  if (mode == "propagation" && argc > 6) {
    return Propagation(port, argv[6], key_id, secret, arg(5, 1000));
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
