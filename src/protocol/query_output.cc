#include "protocol/query_output.h"

#include <cmath>
#include <cstdint>

#include "core/time_format.h"

namespace gatehouse::protocol {
namespace {

using nlohmann::json;

class XmlWriter {
 public:
  explicit XmlWriter(const ServiceModel& model) : model_(model) {}

  void Members(const Shape& shape, const json& value) {
    if (!value.is_object()) return;
    for (const Member& m : shape.members) {
      auto it = value.find(m.name);
      if (it == value.end() || it->is_null()) continue;
      const Shape* member_shape = model_.FindShape(m.shape);
      if (member_shape != nullptr) Element(m.WireName(), *member_shape, *it);
    }
  }

  void Element(const std::string& name, const Shape& shape, const json& value) {
    switch (shape.type) {
      case ShapeType::kStructure:
        Open(name);
        Members(shape, value);
        Close(name);
        return;
      case ShapeType::kList: {
        const Shape* element = model_.FindShape(shape.member.shape);
        if (element == nullptr || !value.is_array()) return;
        const std::string& item =
            shape.member.location_name.empty() ? std::string("member") : shape.member.location_name;
        if (shape.flattened) {
          for (const json& v : value) Element(name, *element, v);
          return;
        }
        Open(name);
        for (const json& v : value) Element(item, *element, v);
        Close(name);
        return;
      }
      case ShapeType::kMap: {
        const Shape* key = model_.FindShape(shape.key.shape);
        const Shape* val = model_.FindShape(shape.value.shape);
        if (key == nullptr || val == nullptr || !value.is_object()) return;
        Open(name);
        for (const auto& [k, v] : value.items()) {
          Open("entry");
          Element(shape.key.location_name.empty() ? "key" : shape.key.location_name, *key, k);
          Element(shape.value.location_name.empty() ? "value" : shape.value.location_name, *val, v);
          Close("entry");
        }
        Close(name);
        return;
      }
      default:
        Open(name);
        out_ += XmlEscape(Scalar(shape, value));
        Close(name);
    }
  }

  std::string& out() { return out_; }

 private:
  static std::string Scalar(const Shape& shape, const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (shape.type == ShapeType::kTimestamp && v.is_number()) {  // epoch seconds
      return FormatIsoTime(static_cast<int64_t>(std::llround(v.get<double>() * 1000)));
    }
    return v.dump();
  }
  void Open(const std::string& name) { out_ += "<" + name + ">"; }
  void Close(const std::string& name) { out_ += "</" + name + ">"; }

  const ServiceModel& model_;
  std::string out_;
};

}  // namespace

std::string WriteQueryResponse(const ServiceModel& model, const Operation& op, const json& output,
                               std::string_view request_id) {
  XmlWriter w(model);
  std::string& out = w.out();
  out = "<" + op.name + "Response xmlns=\"" + XmlEscape(model.xml_namespace()) + "\">";
  if (const Shape* shape = model.FindShape(op.output)) {
    std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    out += "<" + wrapper + ">";
    w.Members(*shape, output);
    out += "</" + wrapper + ">";
  }
  out += "<ResponseMetadata><RequestId>" + XmlEscape(request_id) +
         "</RequestId></ResponseMetadata></" + op.name + "Response>";
  return std::move(out);
}

std::string WriteQueryError(const ServiceModel& model, const Status& error,
                            std::string_view request_id) {
  const ErrorInfo& info = error.info();
  // Some errors come without a message (GetCredentialReport's ReportNotPresent): AWS then sends
  // no Message element, and SDKs say "Unknown".
  std::string message = error.message().empty()
                            ? std::string()
                            : "<Message>" + XmlEscape(error.message()) + "</Message>";
  return "<ErrorResponse xmlns=\"" + XmlEscape(model.xml_namespace()) + "\"><Error><Type>" +
         (info.sender_fault ? "Sender" : "Receiver") + "</Type><Code>" + XmlEscape(info.code) +
         "</Code>" + message + "</Error><RequestId>" + XmlEscape(request_id) +
         "</RequestId></ErrorResponse>";
}

}  // namespace gatehouse::protocol
