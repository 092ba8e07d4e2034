// A small synchronous HTTP/1.1 client (Boost.Beast) for one request at a time, plain or over
// TLS — what the command line needs to talk to a gatehouse server on the same machine. TLS
// certificates are not verified: the peer is a loopback endpoint named in the data directory,
// which may well serve a self-signed certificate. Every call has its own connection; send and
// receive time out after `timeout`. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/http_message.h"
#include "core/status.h"

namespace gatehouse::http {

// Sends `method` to `url` ("http[s]://host[:port][/path][?query]"). The result is an error only
// when no answer came (a bad URL, no connection, TLS or I/O failure); any HTTP status is an
// answer.
Result<HttpResponse> Fetch(const std::string& method, const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace gatehouse::http
