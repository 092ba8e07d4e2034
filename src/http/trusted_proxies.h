// TrustedProxies: the address ranges of the reverse proxies (nginx, HAProxy, a cloud load
// balancer) that stand in front of the server, and what a request's forwarding headers say of
// its client when one of them sent it.
//
// Behind a proxy every connection comes from the proxy's address. A request whose peer is in a
// trusted range names its client in X-Forwarded-For: each proxy appends the address it received
// the request from, so the header reads "client, proxy1, proxy2" and only its right-hand end was
// written by proxies we trust. The client is the right-most address that is not itself trusted
// (walking from the right, as AWS's load balancers and nginx's real_ip_recursive do); whatever a
// client wrote at the left is skipped, never believed. X-Forwarded-Proto from a trusted proxy
// says whether the client reached it over TLS. From any other peer both headers are ignored, so
// that no client can choose its own aws:SourceIp or aws:SecureTransport. A malformed
// X-Forwarded-For is ignored too: the client is then the peer.
// Immutable after Parse; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_message.h"
#include "core/status.h"

namespace gatehouse::http {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts no one

  // Ranges separated by commas (or white space): "10.0.0.0/8, 2001:db8::/32, 192.0.2.7"; a bare
  // address is a range of one. An empty list trusts no one.
  static Result<TrustedProxies> Parse(std::string_view list);

  bool empty() const { return v4_.empty() && v6_.empty(); }
  // Whether `address` (as the server prints a peer: "192.0.2.7", "2001:db8::1",
  // "::ffff:192.0.2.7") is in a trusted range. Not an address: false.
  bool Contains(std::string_view address) const;

  struct Client {
    std::string address;  // the client's IP address
    bool secure = false;  // whether the client's own connection was TLS
  };
  // The client of `request`, whose remote_address and secure describe the connection it
  // arrived on.
  Client ClientOf(const HttpRequest& request) const;

 private:
  bool Contains(const boost::asio::ip::address& address) const;

  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace gatehouse::http
