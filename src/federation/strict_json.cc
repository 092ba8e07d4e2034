#include "federation/strict_json.h"

#include <cmath>
#include <utility>
#include <vector>

namespace gatehouse::federation {
namespace {

using nlohmann::json;

// Builds the value from nlohmann's SAX events (its parser keeps its own stack, so no input
// recurses on ours), refusing duplicate members and excess depth by stopping the parse.
class StrictBuilder final : public nlohmann::json_sax<json> {
 public:
  explicit StrictBuilder(int max_depth) : max_depth_(max_depth) {}

  json TakeRoot() { return std::move(root_); }

  bool null() override { return Scalar(nullptr); }
  bool boolean(bool value) override { return Scalar(value); }
  bool number_integer(number_integer_t value) override { return Scalar(value); }
  bool number_unsigned(number_unsigned_t value) override { return Scalar(value); }
  // nlohmann already refuses a float that overflows to infinity; this keeps that guarantee here.
  bool number_float(number_float_t value, const string_t&) override {
    return std::isfinite(value) && Scalar(value);
  }
  bool string(string_t& value) override { return Scalar(std::move(value)); }
  bool binary(binary_t&) override { return false; }  // JSON text has no binary values

  bool start_object(std::size_t) override { return Open(json::object()); }
  bool key(string_t& name) override {
    if (open_.back()->contains(name)) return false;
    key_ = std::move(name);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(json::array()); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  // Places `value` where the parse stands: the root, the next element of the open array, or
  // the member named by the last key of the open object. Returns where it went.
  json* Put(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json* parent = open_.back();
    if (parent->is_array()) {
      parent->push_back(std::move(value));
      return &parent->back();
    }
    json& slot = (*parent)[key_];
    slot = std::move(value);
    return &slot;
  }

  bool Scalar(json value) {
    Put(std::move(value));
    return true;
  }

  // Only the innermost open container ever grows, so the pointers to its ancestors stay valid.
  bool Open(json container) {
    if (open_.size() >= static_cast<size_t>(max_depth_)) return false;
    open_.push_back(Put(std::move(container)));
    return true;
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  int max_depth_;
  json root_;
  std::vector<json*> open_;
  std::string key_;
};

}  // namespace

std::optional<json> ParseStrictJson(std::string_view text, int max_depth) {
  // JSON never holds a raw NUL (control characters in strings must be escaped), and nlohmann's
  // lexer would take one for the end of the input, ignoring whatever follows.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  StrictBuilder builder(max_depth);
  try {
    if (!json::sax_parse(text.begin(), text.end(), &builder)) return std::nullopt;
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return builder.TakeRoot();
}

}  // namespace gatehouse::federation
