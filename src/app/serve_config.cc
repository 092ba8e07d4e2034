#include "app/serve_config.h"

#include <toml++/toml.h>

#include <utility>

namespace gatehouse::app {

// Settings from a TOML file fill what neither a flag nor a GATEHOUSE_* variable gave:
//   listen = "0.0.0.0:4566"
//   data = "/var/lib/gatehouse"
//   log-format = "json"
// An unknown key or a value of the wrong type is an error (returned as its message).
std::string ApplyConfigFile(const std::string& path, const CLI::App& serve, ServeOptions& options) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return path + ": " + std::string(e.description());
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"listen", &options.listen},
      {"data", &options.data},
      {"database", &options.database},
      {"region", &options.region},
      {"log-format", &options.log_format},
      {"log-level", &options.log_level},
      {"account-id", &options.account_id},
      {"root-email", &options.root_email},
      {"tls-cert", &options.tls_cert},
      {"tls-key", &options.tls_key},
      {"public-url", &options.public_url},
      {"master-key", &options.master_key_hex},
      {"master-key-file", &options.master_key_file},
      {"smtp-url", &options.smtp_url},
      {"smtp-user", &options.smtp_user},
      {"smtp-password", &options.smtp_password},
      {"mail-from", &options.mail_from},
      {"audit-file", &options.audit_file}};
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    const CLI::Option* option = serve.get_option_no_throw("--" + name);
    if (option == nullptr || name == "config") return path + ": unknown setting " + name;
    bool given = option->count() > 0;  // flags and variables win
    bool known = false;
    for (const auto& [k, target] : strings) {
      if (name != k) continue;
      known = true;
      if (!node.is_string()) return path + ": " + name + " must be a string";
      if (!given) *target = node.value<std::string>().value();
    }
    if (name == "trusted-proxy") {
      // One string of ranges, or an array of them.
      known = true;
      std::string ranges;
      if (node.is_string()) {
        ranges = node.value<std::string>().value();
      } else if (const toml::array* list = node.as_array()) {
        for (const toml::node& range : *list) {
          if (!range.is_string()) return path + ": trusted-proxy must be strings";
          ranges += range.value<std::string>().value() + ",";
        }
      } else {
        return path + ": trusted-proxy must be a string or an array of strings";
      }
      if (!given) options.trusted_proxies = ranges;
    }
    if (name == "max-accounts") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 1) {
        return path + ": max-accounts must be a positive integer";
      }
      if (!given) options.max_accounts = static_cast<size_t>(node.value<int64_t>().value());
    }
    if (name == "max-inbound-transfers") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 0) {
        return path + ": max-inbound-transfers must be a non-negative integer";
      }
      if (!given) options.max_inbound_transfers = node.value<int64_t>().value();
    }
    if (name == "audit-file-max-bytes") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 1) {
        return path + ": audit-file-max-bytes must be a positive integer";
      }
      if (!given) options.audit_file_max_bytes = node.value<int64_t>().value();
    }
    if (name == "console-signup") {
      known = true;
      if (!node.is_boolean()) return path + ": console-signup must be true or false";
      if (!given) options.console_signup = node.value<bool>().value();
    }
    if (name == "smtp-starttls") {
      known = true;
      if (!node.is_boolean()) return path + ": smtp-starttls must be true or false";
      if (!given) options.smtp_starttls = node.value<bool>().value();
    }
    if (name == "max-connections-per-client") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 0) {
        return path + ": max-connections-per-client must be a non-negative integer";
      }
      if (!given) {
        options.max_connections_per_client =
            static_cast<int>(std::min<int64_t>(node.value<int64_t>().value(), 1 << 20));
      }
    }
    if (name == "threads") {
      known = true;
      if (!node.is_integer()) return path + ": threads must be an integer";
      if (!given) options.threads = static_cast<int>(node.value<int64_t>().value());
    }
    if (!known) return path + ": unknown setting " + name;
  }
  return "";
}

}  // namespace gatehouse::app
