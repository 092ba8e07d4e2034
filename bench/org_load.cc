// org_load PORT KEY_ID SECRET MODE [ARGS…]: signed Organizations requests (JSON 1.1, as the SDKs
// send them) against a running gatehouse on 127.0.0.1 over keep-alive connections. A C++ client,
// so that what is measured is the server. The caller must be a management account's. Modes:
//   create-accounts CONNECTIONS PER_CONNECTION PREFIX
//       CreateAccount requests (emails PREFIX-c-i@example.com) sent on CONNECTIONS threads,
//       then ListCreateAccountStatus polled until none is IN_PROGRESS: prints the accounts
//       completed per second, from the first request sent to the last account made.
//   list-accounts PAGES   ListAccounts pages of 20, following NextToken (round and round).
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "auth/sigv4.h"
#include "core/crypto.h"
#include "core/time_format.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace gatehouse;
using nlohmann::json;

namespace {

constexpr const char* kContentType = "application/x-amz-json-1.1";

class Connection {
 public:
  Connection(const std::string& port, std::string key_id, std::string secret)
      : stream_(io_),
        host_("127.0.0.1:" + port),
        key_id_(std::move(key_id)),
        secret_(std::move(secret)) {
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                            static_cast<unsigned short>(std::stoi(port))));
  }

  // Calls Organizations' `operation` with `input`; returns the HTTP status and the answer.
  int Call(const std::string& operation, const json& input, json* output = nullptr) {
    const std::string body = input.dump();
    const std::string target = "AWSOrganizationsV20161128." + operation;
    const std::string amz_date = FormatAmzDate(std::time(nullptr));
    auth::SignatureClaim claim;
    claim.access_key_id = key_id_;
    claim.date = amz_date.substr(0, 8);
    claim.region = "us-east-1";
    claim.service = "organizations";
    claim.amz_date = amz_date;
    claim.signed_headers = {"content-type", "host", "x-amz-date", "x-amz-target"};
    auth::HttpRequestView view{"POST",
                               "/",
                               {{"Content-Type", kContentType},
                                {"Host", host_},
                                {"X-Amz-Date", amz_date},
                                {"X-Amz-Target", target}},
                               body};
    Sha256Digest k =
        auth::SigningKeyCache::Derive(secret_, claim.date, claim.region, claim.service);
    std::string signature = HexEncode(
        HmacSha256(AsBytes(k), auth::StringToSign(claim, auth::CanonicalRequest(view, claim))));
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, host_);
    req.set(http::field::content_type, kContentType);
    req.set("X-Amz-Date", amz_date);
    req.set("X-Amz-Target", target);
    req.set(
        http::field::authorization,
        "AWS4-HMAC-SHA256 Credential=" + key_id_ + "/" + claim.Scope() +
            ", SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + signature);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    if (output != nullptr) *output = json::parse(res.body(), nullptr, /*allow_exceptions=*/false);
    return res.result_int();
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string host_, key_id_, secret_;
};

using Clock = std::chrono::steady_clock;

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

int CreateAccounts(const std::string& port, const std::string& key_id, const std::string& secret,
                   int connections, int per_connection, const std::string& prefix) {
  std::atomic<int> refused{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Connection conn(port, key_id, secret);
      for (int i = 0; i < per_connection; ++i) {
        std::string name = prefix + "-" + std::to_string(c) + "-" + std::to_string(i);
        if (conn.Call("CreateAccount", {{"AccountName", name}, {"Email", name + "@example.com"}}) !=
            200) {
          ++refused;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double sent_ms = Millis(start);
  Connection conn(port, key_id, secret);
  json page;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    conn.Call("ListCreateAccountStatus", {{"States", {"IN_PROGRESS"}}, {"MaxResults", 1}}, &page);
  } while (!page["CreateAccountStatuses"].empty());
  const double done_ms = Millis(start);
  conn.Call("ListCreateAccountStatus", {{"States", {"FAILED"}}, {"MaxResults", 20}}, &page);
  const int total = connections * per_connection;
  std::cout << "CreateAccount → SUCCEEDED: " << total << " accounts (" << refused
            << " requests refused, " << page["CreateAccountStatuses"].size() << "+ failed) in "
            << done_ms / 1000 << " s = " << static_cast<int>(total * 1000 / done_ms)
            << " accounts/s (requests all answered after " << sent_ms / 1000 << " s, "
            << connections << " connections)\n";
  return refused == 0 && page["CreateAccountStatuses"].empty() ? 0 : 1;
}

int ListAccounts(const std::string& port, const std::string& key_id, const std::string& secret,
                 int pages) {
  Connection conn(port, key_id, secret);
  std::vector<double> ms;
  std::string token;
  int accounts = 0, failed = 0;
  for (int p = 0; p < pages; ++p) {
    json input = {{"MaxResults", 20}};
    if (!token.empty()) input["NextToken"] = token;
    json page;
    auto sent = Clock::now();
    if (conn.Call("ListAccounts", input, &page) != 200) ++failed;
    ms.push_back(Millis(sent));
    accounts += static_cast<int>(page.value("Accounts", json::array()).size());
    token = page.value("NextToken", "");  // "" after the last page: start over
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "ListAccounts: " << pages << " pages of 20 (" << accounts << " accounts), " << failed
            << " failed; client p50 " << ms[ms.size() / 2] << " ms, p99 "
            << ms[std::min(ms.size() - 1, ms.size() * 99 / 100)] << " ms\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: org_load PORT KEY_ID SECRET MODE [ARGS…] (see the source)\n";
    return 2;
  }
  const std::string port = argv[1], key_id = argv[2], secret = argv[3], mode = argv[4];
  auto arg = [&](int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; };
  if (mode == "create-accounts") {
    return CreateAccounts(port, key_id, secret, arg(5, 8), arg(6, 250),
                          argc > 7 ? argv[7] : "load");
  }
  if (mode == "list-accounts") return ListAccounts(port, key_id, secret, arg(5, 500));
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
