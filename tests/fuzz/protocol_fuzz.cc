// libFuzzer target: arbitrary form bodies and JSON bodies read against real operations'
// input shapes, validated, and written back out through the response writers.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "core/uri.h"
#include "protocol/input_validation.h"
#include "protocol/json_codec.h"
#include "protocol/query_input.h"
#include "protocol/query_output.h"

using namespace gatehouse;
using namespace gatehouse::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ModelRegistry registry = *ModelRegistry::LoadEmbedded();
  FuzzedDataProvider fdp(data, size);
  const char* services[] = {"iam", "sts", "organizations"};
  const ServiceModel& model = *registry.Find(fdp.PickValueInArray(services));
  size_t index = fdp.ConsumeIntegralInRange<size_t>(0, model.operations().size() - 1);
  auto it = model.operations().begin();
  std::advance(it, index);
  const Operation& op = it->second;
  const Shape* input = model.FindShape(op.input);
  std::string body = fdp.ConsumeRemainingBytesAsString();
  if (input == nullptr) return 0;
  Result<nlohmann::json> value = model.protocol() == "json"
                                     ? ReadJsonInput(model, *input, body)
                                     : ReadQueryInput(model, *input, ParseQueryString(body));
  if (!value.ok()) return 0;
  (void)ValidateInput(model, *input, *value);
  // Whatever came in, written through the output writers, must not break them either.
  if (model.protocol() == "json") {
    (void)WriteJsonResponse(model, op, *value);
  } else {
    (void)WriteQueryResponse(model, op, *value, "request-id");
  }
  return 0;
}
