#include "protocol/model.h"

#include <nlohmann/json.hpp>

#include "protocol/model_data.h"

namespace gatehouse::protocol {
namespace {

using ordered_json = nlohmann::ordered_json;

std::optional<ShapeType> TypeFromName(std::string_view t) {
  static const std::pair<std::string_view, ShapeType> kTypes[] = {
      {"structure", ShapeType::kStructure}, {"list", ShapeType::kList},
      {"map", ShapeType::kMap},             {"string", ShapeType::kString},
      {"integer", ShapeType::kInteger},     {"long", ShapeType::kLong},
      {"boolean", ShapeType::kBoolean},     {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob},           {"double", ShapeType::kDouble},
      {"float", ShapeType::kFloat}};
  for (const auto& [name, type] : kTypes) {
    if (name == t) return type;
  }
  return std::nullopt;
}

Member ReadMember(const std::string& name, const ordered_json& m) {
  Member out;
  out.name = name;
  out.shape = m.value("shape", "");
  out.location_name = m.value("locationName", "");
  return out;
}

// Character classes for the Unicode categories botocore's patterns use. Letters and numbers
// are approximated by the ranges of scripts in common use; separators are exact.
std::wstring CategoryRanges(std::string_view category) {
  if (category == "L") {
    return L"A-Za-z\u00AA\u00B5\u00BA\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u03FF"
           L"\u0400-\u052F\u0531-\u0587\u05D0-\u05EA\u0620-\u064A\u0904-\u0939\u0E01-\u0E30"
           L"\u1100-\u11FF\u1E00-\u1FFF\u3041-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7A3"
           L"\uF900-\uFAFF";
  }
  if (category == "N") return L"0-9\u00B2\u00B3\u00B9\u00BC-\u00BE\u0660-\u0669\u06F0-\u06F9";
  if (category == "Z") return L" \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
  if (category == "M") return L"\u0300-\u036F\u0483-\u0489\u0591-\u05BD\u064B-\u065F";
  if (category == "S" || category == "P") {
    // Symbols and punctuation: the printable ASCII that is neither letter nor digit nor space,
    // and the Latin-1 and general punctuation blocks.
    return L"!-/:-@\\[-`{-~\u00A1-\u00BF\u00D7\u00F7\u2010-\u2027\u2030-\u205E\u20A0-\u20CF";
  }
  return L"";
}

void AppendCodePoint(std::wstring& out, uint32_t cp) {
  // Escape what is special in ECMAScript; insert the rest as the character itself.
  static const std::wstring kSpecial = L"\\^$.|?*+()[]{}-";
  if (cp < 0x80 && kSpecial.find(static_cast<wchar_t>(cp)) != std::wstring::npos) {
    out.push_back(L'\\');
  }
  out.push_back(static_cast<wchar_t>(cp));
}

}  // namespace

std::optional<std::wstring> Utf8ToWide(std::string_view s) {
  std::wstring out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c, n = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F, n = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F, n = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07, n = 4;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    out.push_back(static_cast<wchar_t>(cp));
    i += n;
  }
  return out;
}

std::optional<std::wstring> TranslatePattern(std::string_view p) {
  std::wstring out;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c != '\\' || i + 1 >= p.size()) {
      out.push_back(static_cast<wchar_t>(static_cast<unsigned char>(c)));
      continue;
    }
    char next = p[i + 1];
    if (next == 'u') {  // \uXXXX, and botocore's \u10000-style escapes of 5–6 digits
      size_t j = i + 2;
      uint32_t cp = 0;
      size_t digits = 0;
      while (j < p.size() && digits < 6 && std::isxdigit(static_cast<unsigned char>(p[j]))) {
        cp = cp * 16 + static_cast<uint32_t>(std::stoi(std::string(1, p[j]), nullptr, 16));
        ++j, ++digits;
      }
      if (digits < 4) return std::nullopt;
      AppendCodePoint(out, cp);
      i = j - 1;
    } else if (next == 'p') {  // \p{L}: only inside a character class
      size_t close = p.find('}', i);
      if (close == std::string_view::npos || i + 2 >= p.size() || p[i + 2] != '{') {
        return std::nullopt;
      }
      std::wstring ranges = CategoryRanges(p.substr(i + 3, close - i - 3));
      if (ranges.empty()) return std::nullopt;
      out += ranges;
      i = close;
    } else {
      out.push_back(L'\\');
      out.push_back(static_cast<wchar_t>(next));
      ++i;
    }
  }
  return out;
}

const Member* Shape::FindMember(std::string_view n) const {
  for (const Member& m : members) {
    if (m.name == n) return &m;
  }
  return nullptr;
}

Result<ServiceModel> ServiceModel::Parse(std::string_view json_text, std::string signing_name) {
  ordered_json root = ordered_json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return Status(ErrorCode::kInternalFailure, "service model " + signing_name + " is not JSON");
  }
  ServiceModel model;
  model.signing_name_ = std::move(signing_name);
  const ordered_json& meta = root["metadata"];
  model.api_version_ = meta.value("apiVersion", "");
  model.protocol_ = meta.value("protocol", "");
  model.xml_namespace_ = meta.value("xmlNamespace", "");
  model.target_prefix_ = meta.value("targetPrefix", "");
  model.json_version_ = meta.value("jsonVersion", "");

  for (const auto& [name, s] : root["shapes"].items()) {
    Shape shape;
    shape.name = name;
    std::optional<ShapeType> type = TypeFromName(s.value("type", ""));
    if (!type) {
      return Status(ErrorCode::kInternalFailure, "shape " + name + " has an unknown type");
    }
    shape.type = *type;
    if (s.contains("members")) {
      for (const auto& [member_name, m] : s["members"].items()) {
        shape.members.push_back(ReadMember(member_name, m));
      }
    }
    if (s.contains("required")) shape.required = s["required"].get<std::vector<std::string>>();
    if (s.contains("member")) shape.member = ReadMember("member", s["member"]);
    shape.flattened = s.value("flattened", false);
    if (s.contains("key")) shape.key = ReadMember("key", s["key"]);
    if (s.contains("value")) shape.value = ReadMember("value", s["value"]);
    if (s.contains("min")) shape.min = s["min"].get<int64_t>();
    if (s.contains("max")) shape.max = s["max"].get<int64_t>();
    if (s.contains("pattern")) {
      shape.pattern = s["pattern"].get<std::string>();
      if (std::optional<std::wstring> wide = TranslatePattern(*shape.pattern)) {
        try {
          shape.pattern_regex = std::make_shared<const std::wregex>(
              *wide, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error&) {
          shape.pattern_regex = nullptr;  // validated without this constraint
        }
      }
    }
    if (s.contains("enum")) shape.enum_values = s["enum"].get<std::vector<std::string>>();
    shape.sensitive = s.value("sensitive", false);
    shape.exception = s.value("exception", false);
    if (shape.exception) {
      shape.error_code = name;
      if (s.contains("error")) {
        const ordered_json& e = s["error"];
        shape.error_code = e.value("code", name);
        shape.http_status = e.value("httpStatusCode", 400);
        shape.sender_fault = e.value("senderFault", true);
      }
    }
    model.shapes_.emplace(name, std::move(shape));
  }
  for (const auto& [name, o] : root["operations"].items()) {
    Operation op;
    op.name = name;
    if (o.contains("input")) op.input = o["input"].value("shape", "");
    if (o.contains("output")) {
      op.output = o["output"].value("shape", "");
      op.result_wrapper = o["output"].value("resultWrapper", "");
    }
    model.operations_.emplace(name, std::move(op));
  }
  return model;
}

const Shape* ServiceModel::FindShape(std::string_view name) const {
  auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : &it->second;
}

const Operation* ServiceModel::FindOperation(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

Result<ModelRegistry> ModelRegistry::LoadEmbedded() {
  ModelRegistry registry;
  for (int i = 0; i < kEmbeddedModelCount; ++i) {
    Result<ServiceModel> model =
        ServiceModel::Parse(kEmbeddedModels[i].json, kEmbeddedModels[i].service);
    if (!model.ok()) return model.status();
    registry.services_.emplace(kEmbeddedModels[i].service, std::move(model).value());
  }
  return registry;
}

const ServiceModel* ModelRegistry::Find(std::string_view signing_name) const {
  auto it = services_.find(signing_name);
  return it == services_.end() ? nullptr : &it->second;
}

}  // namespace gatehouse::protocol
