// JSON text in the canonical form audit records are kept and hashed in (event_digest.h):
// compact, members sorted by name, invalid UTF-8 replaced — what nlohmann's dump of the parsed
// text writes. ObjectWriter writes an object straight into a string, for the records made on
// every call, where building a tree first cost more than the call. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gatehouse::audit {

// `value` in the canonical form.
std::string CanonicalJson(const nlohmann::json& value);

// Appends `text` as a JSON string, escaped as CanonicalJson escapes it.
void AppendJsonString(std::string& out, std::string_view text);

// Writes one object's members into `out`, which the caller gives in byte order of their names;
// the object closes when the writer goes out of scope.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  // Writes members that go on an object another writer began, after its members: each is
  // preceded by a comma, and the writer neither opens nor closes the object.
  static ObjectWriter Continuing(std::string& out) { return ObjectWriter(out, false); }
  ~ObjectWriter() {
    if (closes_) out_ += '}';
  }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void String(std::string_view name, std::string_view value) {
    Name(name);
    AppendJsonString(out_, value);
  }
  void Json(std::string_view name, const nlohmann::json& value) {
    Name(name);
    out_ += CanonicalJson(value);
  }
  void Bool(std::string_view name, bool value) {
    Name(name);
    out_ += value ? "true" : "false";
  }
  // `json_text`, already canonical, as the member's value.
  void Raw(std::string_view name, std::string_view json_text) {
    Name(name);
    out_ += json_text;
  }
  // Starts a member whose value the caller writes next (a nested ObjectWriter on `out`).
  std::string& Nested(std::string_view name) {
    Name(name);
    return out_;
  }

 private:
  ObjectWriter(std::string& out, bool opens) : out_(out), first_(opens), closes_(opens) {}
  void Name(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    AppendJsonString(out_, name);
    out_ += ':';
  }
  std::string& out_;
  bool first_ = true;
  bool closes_ = true;
};

}  // namespace gatehouse::audit
