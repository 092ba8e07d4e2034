#include "http/client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

struct Url {
  bool tls = false;
  std::string host;  // without the brackets of an IPv6 literal
  std::string port;
  std::string host_header;
  std::string target;
};

Result<Url> ParseUrl(const std::string& url) {
  Url out;
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
    out.tls = true;
  } else {
    return Status(ErrorCode::kInvalidParameterValue, "not an http(s) URL: " + url);
  }
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, "/");
  out.host_header = std::string(authority);
  out.port = out.tls ? "443" : "80";
  if (authority.starts_with("[")) {  // [::1]:4566
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Status(ErrorCode::kInvalidParameterValue, "bad host in URL: " + url);
    }
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return Status(ErrorCode::kInvalidParameterValue, "bad host in URL: " + url);
      }
      out.port = std::string(authority.substr(close + 2));
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
  }
  if (out.host.empty() || out.port.empty()) {
    return Status(ErrorCode::kInvalidParameterValue, "bad host in URL: " + url);
  }
  return out;
}

Status Failure(const std::string& what, const beast::error_code& ec) {
  return Status(ErrorCode::kServiceFailure, what + ": " + ec.message());
}

void SetTimeouts(tcp::socket& socket, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

template <typename Stream>
Result<HttpResponse> Exchange(Stream& stream, const bhttp::request<bhttp::string_body>& request,
                              const std::string& where) {
  beast::error_code ec;
  bhttp::write(stream, request, ec);
  if (ec) return Failure("cannot send to " + where, ec);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(stream, buffer, response, ec);
  if (ec) return Failure("no answer from " + where, ec);
  HttpResponse out;
  out.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(response.body());
  return out;
}

}  // namespace

Result<HttpResponse> Fetch(const std::string& method, const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body, std::chrono::milliseconds timeout) {
  Result<Url> parsed = ParseUrl(url);
  if (!parsed.ok()) return parsed.status();
  const Url& u = *parsed;
  std::string where = u.host_header;

  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), u.target, 11};
  if (request.method() == bhttp::verb::unknown) {
    return Status(ErrorCode::kInvalidParameterValue, "unknown HTTP method " + method);
  }
  request.set(bhttp::field::host, u.host_header);
  request.set(bhttp::field::user_agent, "gatehouse");
  request.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();

  asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(u.host, u.port, ec);
  if (ec) return Failure("cannot resolve " + where, ec);
  if (!u.tls) {
    tcp::socket socket(io);
    asio::connect(socket, endpoints, ec);
    if (ec) return Failure("cannot connect to " + where, ec);
    SetTimeouts(socket, timeout);
    Result<HttpResponse> answer = Exchange(socket, request, where);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    return answer;
  }
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<tcp::socket> stream(io, context);
  asio::connect(stream.next_layer(), endpoints, ec);
  if (ec) return Failure("cannot connect to " + where, ec);
  SetTimeouts(stream.next_layer(), timeout);
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return Failure("TLS handshake with " + where + " failed", ec);
  Result<HttpResponse> answer = Exchange(stream, request, where);
  stream.shutdown(ec);  // the peer may just close: not an error worth reporting
  return answer;
}

}  // namespace gatehouse::http
