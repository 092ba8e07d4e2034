// Status and Result<T>: errors as values. A Status is either OK or one AWS error code from the
// table in error_codes.def together with AWS's message wording. Result<T> holds a T or a non-OK
// Status. Both are plain values: copyable, movable, no shared state, safe to pass across threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gatehouse {

enum class ErrorCode {
  kOk,
#define X(name, code, http, sender) name,
#include "core/error_codes.def"
#undef X
};

struct ErrorInfo {
  std::string_view code;  // "MalformedPolicyDocument"
  int http_status;        // 400
  bool sender_fault;      // Sender (client's fault) or Receiver
};

// The row of the error table for `code`. kOk describes itself as "OK", 200.
const ErrorInfo& Describe(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  // With the Reason some JSON errors carry (Organizations' ConstraintViolationException,
  // HandshakeConstraintViolationException, InvalidInputException).
  Status(ErrorCode code, std::string message, std::string reason)
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& reason() const { return reason_; }
  const ErrorInfo& info() const { return Describe(code_); }

  // "MalformedPolicyDocument: Syntax errors in policy."
  std::string ToString() const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string reason_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace gatehouse

// Returns the Status of `expr` (a Status) from the enclosing function when it is an error.
#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    if (::gatehouse::Status status_ = (expr); !status_.ok()) { \
      return status_;                                          \
    }                                                          \
  } while (false)

#define GATEHOUSE_CONCAT_INNER_(a, b) a##b
#define GATEHOUSE_CONCAT_(a, b) GATEHOUSE_CONCAT_INNER_(a, b)

// Declares or assigns `lhs` from `expr` (a Result<T>), or returns its Status from the enclosing
// function when it is an error: ASSIGN_OR_RETURN(auto user, FindUser(…));
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(GATEHOUSE_CONCAT_(result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                           \
  if (!result.ok()) return result.status();       \
  lhs = std::move(result).value()
