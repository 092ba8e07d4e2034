// Server: the HTTP/1.1 front door, on Boost.Beast and Asio with C++20 coroutines. A pool of
// threads (one per core by default) runs every connection; each request goes to the Handler.
// It enforces the limits that keep one client from holding the server: a request body limit
// (413 with an AWS-style error), a header limit, a timeout for a request's headers and body
// (a slow-loris client is dropped), an idle keep-alive timeout, a connection limit, and a limit
// of connections per client address, so that one client cannot hold every slot. A handler that
// throws is answered 500 InternalFailure (the exception's message logged, never the request);
// the connection and the counters are released whatever happens.
// With a certificate and key it serves HTTPS (TLS 1.2+), and requests are marked secure, which
// is what aws:SecureTransport reports. Behind trusted proxies (see TrustedProxies) a request's
// remote_address and secure are its client's, as the proxy's X-Forwarded-For and
// X-Forwarded-Proto give them; a trusted proxy is not held to the per-client limit.
// Stop() stops accepting, lets requests in flight finish, then closes everything.
// Thread-safety: Start/Stop/Wait from one controlling thread; the Handler is called
// concurrently from the pool and must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/http_message.h"
#include "core/status.h"
#include "http/trusted_proxies.h"

namespace gatehouse::http {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4566;  // 0: any free port
  int threads = 0;       // 0: one per core
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  std::chrono::milliseconds request_timeout{10000};  // headers and body of one request
  std::chrono::milliseconds idle_timeout{60000};     // keep-alive wait for the next request
  int max_connections = 1024;
  // Connections one remote address may hold at once; 0: no limit of its own. A trusted proxy
  // carries many clients' connections and is not held to it.
  int max_connections_per_client = 256;
  std::chrono::milliseconds drain_timeout{30000};  // how long Stop waits for requests in flight
  std::string tls_cert;  // PEM certificate chain; with tls_key, the server speaks HTTPS only
  std::string tls_key;   // PEM private key
  // The answer to GET /healthz (default: 200 "ok"), e.g. the state of the database behind.
  std::function<HttpResponse()> health;
  // Peers whose X-Forwarded-For and X-Forwarded-Proto are believed; none by default.
  TrustedProxies trusted_proxies;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. Fails with the reason when the address is unusable.
  Status Start();
  // The port actually bound (useful with port 0).
  uint16_t port() const { return bound_port_; }
  // Stops accepting, waits for requests in flight (up to drain_timeout), then stops.
  void Stop();
  // Connections open now (for tests and metrics).
  int connections() const;

  struct State;  // the io_context, acceptor and counters; defined in server.cc

 private:
  ServerOptions options_;
  Handler handler_;
  std::unique_ptr<State> state_;
  std::vector<std::thread> threads_;
  uint16_t bound_port_ = 0;
};

}  // namespace gatehouse::http
