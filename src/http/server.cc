#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/thread_name.h"

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

struct Server::State {
  // What the connections' coroutines use comes first, so that it outlives the io_context, whose
  // destruction destroys those coroutines (and so releases their slots).
  std::atomic<int> connections{0};
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  std::mutex clients_mu;
  std::unordered_map<std::string, int> clients;  // open connections per remote address
  std::unique_ptr<asio::ssl::context> tls;       // set when serving HTTPS
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

namespace {

constexpr char kInternalFailureMessage[] =
    "The request processing has failed because of an unknown error, exception or failure.";

std::string ErrorBody(std::string_view code, std::string_view message,
                      std::string_view type = "Sender") {
  return "<ErrorResponse><Error><Type>" + std::string(type) + "</Type><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) + "</Message></Error></ErrorResponse>";
}

HttpResponse InternalFailure() {
  return {500,
          {{"Content-Type", "text/xml"}},
          ErrorBody("InternalFailure", kInternalFailureMessage, "Receiver")};
}

// One accepted connection's hold on the server's connection counts, released when the
// connection's coroutine ends, however it ends.
class ConnectionSlot {
 public:
  // A slot for a connection from `client`, or nullopt when the server or that client is at its
  // limit. Called from the accepting coroutine only.
  static std::optional<ConnectionSlot> Take(Server::State& state, const ServerOptions& options,
                                            std::string client) {
    // A trusted proxy carries the connections of many clients.
    const bool limited =
        options.max_connections_per_client > 0 && !options.trusted_proxies.Contains(client);
    std::lock_guard lock(state.clients_mu);
    if (state.connections >= options.max_connections) return std::nullopt;
    int& held = state.clients[client];
    if (limited && held >= options.max_connections_per_client) {
      if (held == 0) state.clients.erase(client);
      return std::nullopt;
    }
    ++held;
    ++state.connections;
    return ConnectionSlot(state, std::move(client));
  }

  ConnectionSlot(ConnectionSlot&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)), client_(std::move(other.client_)) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (state_ == nullptr) return;
    std::lock_guard lock(state_->clients_mu);
    auto it = state_->clients.find(client_);
    if (it != state_->clients.end() && --it->second <= 0) state_->clients.erase(it);
    --state_->connections;
  }

 private:
  ConnectionSlot(Server::State& state, std::string client)
      : state_(&state), client_(std::move(client)) {}
  Server::State* state_;
  std::string client_;
};

// Counts a request in flight (Stop waits for them) for as long as it lives.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) { ++count_; }
  ~InFlight() { --count_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& count_;
};

// The request's one exception barrier at the server: whatever the handler throws is answered
// 500 InternalFailure, and logged by its message only (never the request, which may carry
// secrets).
HttpResponse Answer(const Handler& handler, const HttpRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    spdlog::error("internal failure answering a request from {}: {}", request.remote_address,
                  e.what());
  } catch (...) {
    spdlog::error("internal failure answering a request from {}: unknown exception",
                  request.remote_address);
  }
  return InternalFailure();
}

bhttp::response<bhttp::string_body> ToBeast(const HttpResponse& r, unsigned version,
                                            bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "gatehouse");
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.body() = r.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// After refusing a request whose body is still arriving: stop sending, then read and discard
// what the client is still writing (for a bounded time and size), so that it can finish and
// read the answer instead of meeting a reset connection.
template <typename Stream>
asio::awaitable<void> LingeringClose(Stream& stream, const ServerOptions& options) {
  beast::error_code ec;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
  beast::get_lowest_layer(stream).expires_after(options.request_timeout);
  char discard[16384];
  size_t total = 0;
  while (!ec && total < 8 * options.body_limit) {
    total += co_await stream.async_read_some(asio::buffer(discard),
                                             asio::redirect_error(asio::use_awaitable, ec));
  }
}

// Serves requests on one connection, plain or TLS, until it closes, times out or the server
// stops.
template <typename Stream>
asio::awaitable<void> ServeRequests(Stream& stream, beast::flat_buffer& buffer, bool secure,
                                    const ServerOptions& options, const Handler& handler,
                                    Server::State& state) {
  beast::error_code ec;
  std::string remote;
  {
    beast::error_code ignored;
    auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(ignored);
    if (!ignored) remote = endpoint.address().to_string();
  }
  auto& lowest = beast::get_lowest_layer(stream);
  bool first = true;
  while (!state.stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(static_cast<uint32_t>(options.header_limit));
    // Waiting for a request: the idle timeout between requests, the request timeout for the
    // first one. Reading it: the request timeout.
    lowest.expires_after(first ? options.request_timeout : options.idle_timeout);
    co_await bhttp::async_read_some(stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
    lowest.expires_after(options.request_timeout);
    while (!ec && !parser.is_done()) {
      co_await bhttp::async_read_some(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    }
    first = false;
    if (ec == bhttp::error::body_limit) {
      HttpResponse too_large{
          413,
          {{"Content-Type", "text/xml"}},
          ErrorBody("RequestEntityTooLarge", "Request body must be at most " +
                                                 std::to_string(options.body_limit) + " bytes")};
      auto res = ToBeast(too_large, 11, false);
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      co_await LingeringClose(stream, options);
      break;
    }
    if (ec == bhttp::error::header_limit) {
      HttpResponse too_large{
          431,
          {{"Content-Type", "text/xml"}},
          ErrorBody("RequestHeaderFieldsTooLarge", "Request headers are too large")};
      auto res = ToBeast(too_large, 11, false);
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      break;
    }
    if (ec) break;  // timeout, reset, malformed request

    auto& req = parser.get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(req.body());
    request.remote_address = remote;
    request.secure = secure;
    if (!options.trusted_proxies.empty()) {
      TrustedProxies::Client client = options.trusted_proxies.ClientOf(request);
      request.remote_address = std::move(client.address);
      request.secure = client.secure;
    }
    const bool keep_alive = req.keep_alive() && !state.stopping;
    const unsigned version = req.version();

    InFlight in_flight(state.in_flight);
    HttpResponse response;
    if (request.method == "GET" && request.target == "/healthz") {
      response = options.health ? options.health()
                                : HttpResponse{200, {{"Content-Type", "text/plain"}}, "ok\n"};
    } else {
      response = Answer(handler, request);
    }
    bhttp::response<bhttp::string_body> res;
    try {
      res = ToBeast(response, version, keep_alive);
    } catch (const std::exception& e) {  // e.g. a status Beast does not know
      spdlog::error("internal failure writing an answer to {}: {}", remote, e.what());
      res = ToBeast(InternalFailure(), version, keep_alive);
    }
    // The answer gets its own time to be written: a slow handler (a password hash on a busy
    // machine) must not find the request's deadline passed and lose its answer.
    lowest.expires_after(options.request_timeout);
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
}

// `slot` is held for as long as the connection lives.
asio::awaitable<void> Session(tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                              const ServerOptions& options, const Handler& handler,
                              Server::State& state) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  co_await ServeRequests(stream, buffer, /*secure=*/false, options, handler, state);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> TlsSession(tcp::socket socket, [[maybe_unused]] ConnectionSlot slot,
                                 const ServerOptions& options, const Handler& handler,
                                 Server::State& state) {
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *state.tls);
  beast::flat_buffer buffer;
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.request_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    co_await ServeRequests(stream, buffer, /*secure=*/true, options, handler, state);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Accept(const ServerOptions& options, const Handler& handler,
                             Server::State& state) {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await state.acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (state.stopping || ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. too many open files: keep serving the connections we have
    }
    beast::error_code ignored;
    auto endpoint = socket.remote_endpoint(ignored);
    std::optional<ConnectionSlot> slot = ConnectionSlot::Take(
        state, options, ignored ? std::string() : endpoint.address().to_string());
    if (!slot) {
      socket.close(ignored);  // over the server's or this client's connection limit
      continue;
    }
    auto executor = socket.get_executor();
    if (state.tls) {
      asio::co_spawn(executor,
                     TlsSession(std::move(socket), std::move(*slot), options, handler, state),
                     asio::detached);
    } else {
      asio::co_spawn(executor,
                     Session(std::move(socket), std::move(*slot), options, handler, state),
                     asio::detached);
    }
  }
}

}  // namespace

Server::Server(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      state_(std::make_unique<State>()) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  beast::error_code ec;
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    tls->use_certificate_chain_file(options_.tls_cert, ec);
    if (!ec) tls->use_private_key_file(options_.tls_key, asio::ssl::context::pem, ec);
    if (ec) {
      return Status(ErrorCode::kInvalidParameterValue,
                    "cannot load the TLS certificate or key: " + ec.message());
    }
    state_->tls = std::move(tls);
  }
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec)
    return Status(ErrorCode::kInvalidParameterValue, "invalid listen address " + options_.host);
  tcp::endpoint endpoint(address, options_.port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(ErrorCode::kInvalidParameterValue, "cannot listen on " + options_.host + ":" +
                                                         std::to_string(options_.port) + ": " +
                                                         ec.message());
  }
  bound_port_ = acceptor.local_endpoint().port();
  asio::co_spawn(state_->io, Accept(options_, handler_, *state_), asio::detached);
  int threads = options_.threads > 0
                    ? options_.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      NameThisThread("http");
      state_->io.run();
    });
  }
  return Status::Ok();
}

int Server::connections() const { return state_->connections; }

void Server::Stop() {
  if (threads_.empty()) return;
  state_->stopping = true;
  asio::post(state_->io, [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
  });
  auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  while (state_->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  state_->io.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

}  // namespace gatehouse::http
